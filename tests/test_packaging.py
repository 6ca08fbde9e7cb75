"""The app from a wheel, away from the clone: the Word templates, seed data, templates and
static files travel inside the package, and a Word download works."""

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile

from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import sys, zipfile, io, uuid
    import admin_app, doc_templates
    assert admin_app.__file__.startswith(sys.argv[1]), admin_app.__file__
    assert str(doc_templates.DIR).startswith(sys.argv[1]), doc_templates.DIR
    from admin_app import create_app
    name = "wheel_" + uuid.uuid4().hex[:8]
    app = create_app({"MONGODB_URI": sys.argv[2], "MONGODB_DB": name, "TESTING": True,
                      "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "FIELD_ENCRYPTION_KEY": "q3Nf1cJmS0x6l0c0b1yqkQ6oY6i5m2Vb8fG3Jx7Zk1E="})
    try:
        with app.app_context():
            from seed.loaders import load_places
            from admin_app.documents import Station, User
            load_places()
            user = User(username="zz_wheel", display_name="马晓燕", role="station")
            user.set_place("640104100000")
            user.set_password("Wheel@pass2026")
            user.must_change_password = False
            user.save()
            station = Station(name="掌政镇未成年人保护工作站")
            station.set_place("640104100000")
            station.save_new(user)
        c = app.test_client()
        r = c.post("/login", data={"username": "zz_wheel", "password": "Wheel@pass2026"})
        assert r.status_code == 302, r.status_code
        assert c.get("/assets/favicon.ico").status_code == 200
        r = c.get("/bulletins/duties.docx")
        assert r.status_code == 200, r.status_code
        body = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode()
        assert "儿童督导员" in body, body[:200]
        print("WHEEL-OK", len(r.data))
    finally:
        import mongoengine
        mongoengine.get_db().client.drop_database(name)
    """
)


def test_a_wheel_installed_away_from_the_clone_serves_a_word_download(tmp_path, db_uri):
    src = tmp_path / "src"
    for part in ("admin_app", "seed", "doc_templates", "pyproject.toml", "README.md"):
        origin = ROOT / part
        if origin.is_dir():
            shutil.copytree(origin, src / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(origin, src / part)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path / "dist"),
            str(src),
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    wheel = next((tmp_path / "dist").glob("weibaozhan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "doc_templates/mandatory_report_form.docx" in names
    assert any(n.startswith("seed/places/") for n in names)
    assert any(n.startswith("admin_app/static/") for n in names)
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    run = tmp_path / "elsewhere"
    run.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MONGODB_"))}
    env.update(PYTHONPATH=str(site), WBZ_DATA_DIR=str(run / "data"), WBZ_WARM_FIGURES="0")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(site), db_uri],
        cwd=run,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0 and "WHEEL-OK" in done.stdout, done.stdout + done.stderr[-3000:]
