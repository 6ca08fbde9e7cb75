"""The production server: gunicorn workers sharing the embedded database that their master
owns; a worker's exit never stops it, a killed master leaves no orphan, a database outage
answers with a Chinese page within seconds and the app recovers by itself."""

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from admin_app.db import DatabaseStartError, EmbeddedServer, _alive
from tests.conftest import ROOT, free_port

BIN = str(ROOT / "var" / "bin" / "ferretdb-embedded")
PASSWORD = "Serve@pass2026"

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MONGODB_URI")), reason="the embedded database's own ownership rules"
)


def _env(tmp_path: Path, port: int, db_port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MONGODB_"))}
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY="2",
        WBZ_THREADS="2",
        EMBEDDED_DB_PORT=str(db_port),
        FLASK_EMBEDDED_DB_DIR=str(tmp_path / "data"),
        FLASK_EMBEDDED_DB_BIN=BIN,
        SECRET_KEY="serving-test-secret",
        WBZ_WARM_FIGURES="0",
        FLASK_APP="admin_app",
    )
    return env


def _get(url: str, opener=None, data: dict | None = None, timeout: float = 30):
    """(status, body, seconds) of one request; errors are answers too."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    started = time.monotonic()
    try:
        with (opener or urllib.request.build_opener()).open(url, body, timeout=timeout) as r:
            return r.status, r.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), time.monotonic() - started


def _wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, body, _ = _get(base + "/ready", timeout=5)
            if status == 200 and json.loads(body)["database"]:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("server not ready")


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture
def served(tmp_path):
    port, db_port = free_port(), free_port()
    env = _env(tmp_path, port, db_port)
    log = open(tmp_path / "gunicorn.log", "wb")
    master = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:admin_app.serving", "admin_app.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base)
        state = json.loads((tmp_path / "data" / "server.json").read_text())
        yield {"base": base, "master": master, "env": env, "db_pid": state["pid"], "tmp": tmp_path}
    finally:
        if master.poll() is None:
            master.send_signal(signal.SIGTERM)
            try:
                master.wait(timeout=30)
            except subprocess.TimeoutExpired:
                master.kill()
        log.close()


def _workers(master) -> list[int]:
    return [
        p
        for p in _children_of(master.pid)
        if "gunicorn" in Path(f"/proc/{p}/cmdline").read_text(errors="ignore")
    ]


def test_workers_share_the_database_and_one_exiting_leaves_the_others_working(served):
    base, master = served["base"], served["master"]
    workers = _workers(master)
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)  # a worker dies
    for _ in range(20):
        status, body, _ = _get(base + "/ready")
        assert status == 200 and json.loads(body) == {"ok": True, "database": True}
    os.kill(_workers(master)[-1], signal.SIGTERM)  # a worker exits cleanly
    for _ in range(20):
        assert _get(base + "/ready")[0] == 200
    assert _alive(served["db_pid"])
    assert _get(base + "/login")[0] == 200
    deadline = time.monotonic() + 20
    while len(_workers(master)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(_workers(master)) == 2  # the master replaced them
    assert (
        json.loads((served["tmp"] / "data" / "server.json").read_text())["pid"] == served["db_pid"]
    )
    time.sleep(2)
    assert master.poll() is None and len(_workers(master)) == 2


def test_a_reload_replaces_every_worker_and_the_new_ones_serve(served):
    """`kill -HUP` (systemctl reload) starts new workers and ends the old ones cleanly;
    each old worker, a fork of the master, must not take the master's database (or its
    server.json) with it, or the new workers refuse the port and the master gives up."""
    base, master, state = served["base"], served["master"], served["tmp"] / "data" / "server.json"
    before = set(_workers(master))
    master.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and (set(_workers(master)) & before or not _workers(master)):
        time.sleep(0.2)
    time.sleep(2)  # the new workers have imported the app (and attached) by now
    assert master.poll() is None, (served["tmp"] / "gunicorn.log").read_text()[-2000:]
    after = set(_workers(master))
    assert len(after) == 2 and not after & before
    assert json.loads(state.read_text())["pid"] == served["db_pid"]
    assert _alive(served["db_pid"])
    for _ in range(20):
        status, body, _ = _get(base + "/ready")
        assert status == 200 and json.loads(body) == {"ok": True, "database": True}
    assert set(_workers(master)) == after  # none of them failed to boot and was replaced


def test_a_killed_master_leaves_no_database_behind(served):
    served["master"].send_signal(signal.SIGKILL)
    served["master"].wait(timeout=10)
    deadline = time.monotonic() + 15
    while _alive(served["db_pid"]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(served["db_pid"])


def _log_in(served) -> urllib.request.OpenerDirector:
    for command in (["seed", "places"], ["create-admin", "sheng", "--password", PASSWORD]):
        done = subprocess.run(
            [str(ROOT / ".venv/bin/flask"), *command],
            cwd=ROOT,
            env=served["env"],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = _get(served["base"] + "/login", opener)[1]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    status, body, _ = _get(
        served["base"] + "/login",
        opener,
        {"csrf_token": token, "username": "sheng", "password": PASSWORD},
    )
    assert status == 200 and "修改密码" in body, body[:300]  # first log-in: change it
    return opener


def test_database_outage_answers_in_seconds_in_chinese_and_recovers(served):
    opener = _log_in(served)
    base = served["base"]
    assert _get(base + "/places/", opener)[0] == 200
    os.kill(served["db_pid"], signal.SIGSTOP)  # the database hangs
    try:
        status, body, took = _get(base + "/places/", opener)
        assert status == 503 and "数据库暂时无法连接" in body and "Traceback" not in body
        assert took < 12, took
        assert _get(base + "/ready")[0] == 503
    finally:
        os.kill(served["db_pid"], signal.SIGKILL)  # … then dies; the master restarts it
    deadline = time.monotonic() + 40
    status = None
    while time.monotonic() < deadline:
        status = _get(base + "/ready", timeout=15)[0]
        if status == 200:
            break
        time.sleep(0.5)
    assert status == 200
    status, body, _ = _get(base + "/places/", opener)
    assert status == 200 and "请先登录" not in body  # the same session, no log-in again


def test_a_form_sent_during_an_outage_is_refused_with_what_was_typed(served):
    opener = _log_in(served)
    base = served["base"]
    page = _get(base + "/password", opener)[1]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    os.kill(served["db_pid"], signal.SIGSTOP)
    try:
        status, body, took = _get(
            base + "/visits/record/",
            opener,
            {"csrf_token": token, "notes": "春林村 <马小明> & 家访", "child": "x"},
        )
        assert status == 503 and took < 12, (status, took)
        assert "数据库暂时无法连接" in body and "没有保存" in body and "重新提交" in body
        assert 'value="春林村 &lt;马小明&gt; &amp; 家访"' in body
        status, body, _ = _get(
            base + "/password",
            opener,
            {"csrf_token": token, "current": PASSWORD, "new": "Other@pass2026"},
        )
        assert status == 503 and PASSWORD not in body and "重新提交" not in body
    finally:
        os.kill(served["db_pid"], signal.SIGKILL)


def test_a_worker_never_starts_the_database_itself(tmp_path):
    from admin_app import create_app

    with pytest.raises(DatabaseStartError, match="内置数据库未运行"):
        create_app(
            {
                "EMBEDDED_DB_ATTACH_ONLY": True,
                "MONGODB_URI": None,
                "EMBEDDED_DB_DIR": str(tmp_path / "data"),
                "EMBEDDED_DB_PORT": free_port(),
                "SECRET_KEY": "x",
            }
        )


def test_a_database_of_someone_else_on_the_port_is_refused(tmp_path):
    port = free_port()
    theirs = EmbeddedServer(BIN, str(tmp_path / "theirs"), port)
    theirs.start()
    try:
        with pytest.raises(DatabaseStartError, match=f"端口 {port} 已被其他程序占用"):
            EmbeddedServer(BIN, str(tmp_path / "ours"), port).start()
        with pytest.raises(DatabaseStartError, match="已被其他程序占用"):
            EmbeddedServer(BIN, str(tmp_path / "ours"), port).attach()
    finally:
        theirs.stop()
    assert not (tmp_path / "theirs" / "server.json").exists()
