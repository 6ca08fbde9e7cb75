"""Keys and migrations: production refuses to start without its keys; the field key is
not the session key; rotation keeps every anonymous reporter readable; values written
under the old derived key are migrated; a database migrated by a newer release is refused."""

import mongoengine
import pytest
from cryptography.fernet import Fernet

from admin_app import create_app, crypto, migrations
from tests.conftest import FIELD_KEY


def _config(app, **kw) -> dict:
    return {
        "MONGODB_URI": app.config["MONGODB_URI"],
        "MONGODB_DB": app.config["MONGODB_DB"],
        "TESTING": True,
        **kw,
    }


def test_production_refuses_to_start_without_its_keys(app):
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(_config(app, PRODUCTION=True, SECRET_KEY=None, FIELD_ENCRYPTION_KEY="x"))
    with pytest.raises(RuntimeError, match="必须设置 FIELD_ENCRYPTION_KEY"):
        create_app(_config(app, PRODUCTION=True, SECRET_KEY="s" * 32, FIELD_ENCRYPTION_KEY=None))
    with pytest.raises(RuntimeError, match="无效的密钥"):
        create_app(_config(app, PRODUCTION=True, SECRET_KEY="s" * 32, FIELD_ENCRYPTION_KEY="abc"))


@pytest.fixture
def reports(app):
    coll = mongoengine.get_db().mandatory_reports
    with app.app_context():
        coll.insert_one(
            {
                "_id": 1,
                "reporter_name_enc": crypto.encrypt("马桂兰"),
                "reporter_contact_enc": crypto.encrypt("13900000001"),
            }
        )
    yield coll
    app.config["FIELD_ENCRYPTION_KEY"] = FIELD_KEY


def _read(app, coll) -> tuple[str, str]:
    doc = coll.find_one({"_id": 1})
    with app.app_context():
        return crypto.decrypt(doc["reporter_name_enc"]), crypto.decrypt(doc["reporter_contact_enc"])


def test_rotation_keeps_every_reporter_readable(app, reports):
    new = Fernet.generate_key().decode()
    app.config["FIELD_ENCRYPTION_KEY"] = f"{new},{FIELD_KEY}"  # new first, old still read
    assert _read(app, reports) == ("马桂兰", "13900000001")
    result = app.test_cli_runner().invoke(args=["rotate-field-keys"])
    assert result.exit_code == 0 and "已重新加密 1 份" in result.output
    app.config["FIELD_ENCRYPTION_KEY"] = new  # the old key dropped
    assert _read(app, reports) == ("马桂兰", "13900000001")
    app.config["FIELD_ENCRYPTION_KEY"] = Fernet.generate_key().decode()  # a wrong key
    assert _read(app, reports)[0] == crypto.UNREADABLE


def test_the_session_key_is_not_the_field_key(app, reports):
    before = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a-rotated-session-key"
    try:
        assert _read(app, reports) == ("马桂兰", "13900000001")
    finally:
        app.config["SECRET_KEY"] = before


def test_values_under_the_old_derived_key_are_migrated(app):
    coll = mongoengine.get_db().mandatory_reports
    legacy = Fernet(crypto._legacy_key(app.config["SECRET_KEY"]))
    coll.insert_one({"_id": 2, "reporter_name_enc": legacy.encrypt("马老汉".encode()).decode()})
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code == 0, result.output
    assert "重新加密：1 份" in result.output
    token = coll.find_one({"_id": 2})["reporter_name_enc"]
    assert Fernet(FIELD_KEY).decrypt(token.encode()).decode() == "马老汉"  # no longer legacy
    again = app.test_cli_runner().invoke(args=["migrate"])
    assert "没有待执行的项" in again.output
    recorded = migrations.applied(mongoengine.get_db())
    assert set(recorded) == migrations.KNOWN
    assert all(d["state"] == "done" and d["applied_at"] for d in recorded.values())


def test_a_database_migrated_by_a_newer_release_is_refused(app):
    db = mongoengine.get_db()
    db.migrations.insert_one({"_id": "2099-01-01-from-the-future", "state": "done"})
    with pytest.raises(migrations.DatabaseNewer, match="更新版本"):
        create_app(_config(app, SECRET_KEY="test-secret-key", FIELD_ENCRYPTION_KEY=FIELD_KEY))
    result = app.test_cli_runner().invoke(args=["migrate"])
    assert result.exit_code != 0 and "2099-01-01-from-the-future" in result.output


def test_create_indexes_makes_every_declared_index(app):
    from admin_app.indexes import screen_indexes

    result = app.test_cli_runner().invoke(args=["create-indexes"])
    assert result.exit_code == 0, result.output
    db = mongoengine.get_db()
    for collection, keys, _ in screen_indexes():
        held = [list(ix["key"].items()) for ix in db[collection].list_indexes()]
        assert [(k, float(v)) for k, v in keys] in [[(k, float(v)) for k, v in h] for h in held], (
            collection,
            keys,
            held,
        )
    assert any(ix.get("unique") for ix in db.users.list_indexes())  # the documents' own
    again = app.test_cli_runner().invoke(args=["create-indexes"])
    assert again.exit_code == 0 and "索引已就绪" in again.output


def test_every_migration_written_is_registered():
    """A migration function left out of MIGRATIONS never runs (the attachment-bytes one was,
    once): every `_name(db)` of the module is listed."""
    import inspect

    from admin_app import migrations

    written = {
        f
        for name, f in vars(migrations).items()
        if name.startswith("_")
        and inspect.isfunction(f)
        and list(inspect.signature(f).parameters) == ["db"]
    }
    assert written == {f for _, _, f in migrations.MIGRATIONS}
