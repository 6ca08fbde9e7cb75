"""`flask backup` / `flask restore`: every document and attachment back identical, a
non-empty database refused, a damaged file refused, a consistent copy while writes go on."""

import threading
import zipfile

import mongoengine
import pytest
from pymongo import MongoClient

from admin_app import backup
from admin_app.services.children import attachments
from tests.conftest import EMBEDDED
from tests.factories import actor, make_child, make_station, make_user
from tests.places import CHUNLIN, ZHANGZHENG

# A tiny real PNG (the upload check reads its signature).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _everything(db) -> dict:
    return {
        name: list(db[name].find({}).sort("_id", 1))
        for name in sorted(db.list_collection_names())
        if not name.startswith("system.")
    }


def _indexes(db) -> dict:
    return {
        name: sorted(
            (ix["name"], tuple(ix["key"].items()), bool(ix.get("unique")))
            for ix in db[name].list_indexes()
        )
        for name in db.list_collection_names()
    }


@pytest.fixture
def records(app, users):
    make_station(ZHANGZHENG, build_status="built", build_year=2023)
    child = make_child(CHUNLIN, "马小花", address="春林村 <三组> & “四队”\n第二行")
    attachments.store(child, "照片.png", PNG, actor())
    make_user("zz_clerk2", "station", ZHANGZHENG, display_name="马晓燕")
    return child


@pytest.fixture
def other_db(app):
    name = mongoengine.get_db().name + "_restored"
    client = mongoengine.get_db().client
    client.drop_database(name)
    yield client[name]
    client.drop_database(name)


def test_backup_then_restore_gives_back_every_document_identical(records, other_db, tmp_path):
    db = mongoengine.get_db()
    path = tmp_path / "b.zip"
    manifest = backup.backup(db, path)
    assert manifest["collections"]["attachments"]["count"] == 1
    assert manifest["consistent"] is False  # this test server is standalone: said, not hidden
    backup.restore(other_db, path)
    before, after = _everything(db), _everything(other_db)
    assert after == before
    assert after["attachment_bytes"][0]["data"] == PNG  # the photo's bytes
    assert after["children"][0]["address"] == "春林村 <三组> & “四队”\n第二行"
    assert _indexes(other_db) == _indexes(db)


def test_restore_refuses_a_database_that_holds_data(records, tmp_path):
    db = mongoengine.get_db()
    path = tmp_path / "b.zip"
    backup.backup(db, path)
    count = db.children.count_documents({})
    with pytest.raises(backup.BackupError, match="不是空的.*--replace"):
        backup.restore(db, path)
    assert db.children.count_documents({}) == count  # nothing touched
    make_child(CHUNLIN, "备份之后新建")
    backup.restore(db, path, replace=True)
    assert {c["name"] for c in db.children.find()} == {"马小花"}


def test_a_damaged_or_foreign_file_is_refused(records, other_db, tmp_path):
    db = mongoengine.get_db()
    path = tmp_path / "b.zip"
    backup.backup(db, path)
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(damaged, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "collections/children.bson":
                data = data.replace("马小花".encode(), "马小草".encode())
            out.writestr(item, data)
    with pytest.raises(backup.BackupError, match="children 已损坏"):
        backup.restore(other_db, damaged)
    (tmp_path / "x.zip").write_bytes(b"PK not a zip")
    with pytest.raises(backup.BackupError, match="不是本系统的备份文件"):
        backup.restore(other_db, tmp_path / "x.zip")


def test_embedded_backup_is_one_instant_while_writes_go_on(app, records, other_db, tmp_path):
    if not EMBEDDED:
        pytest.skip("the suite runs on MONGODB_URI")
    db = mongoengine.get_db()
    stop = threading.Event()

    def writer():  # each pair: first into pair_a, then into pair_b
        with MongoClient(EMBEDDED[0].uri) as client:
            wdb = client[db.name]
            i = 0
            while not stop.is_set():
                wdb.pair_a.insert_one({"_id": i})
                wdb.pair_b.insert_one({"_id": i})
                i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while db.pair_b.estimated_document_count() < 20:
            pass
        manifest = backup.backup(db, tmp_path / "b.zip", embedded=EMBEDDED[0])
    finally:
        stop.set()
        thread.join()
    assert manifest["consistent"] is True
    backup.restore(other_db, tmp_path / "b.zip")
    a = {d["_id"] for d in other_db.pair_a.find()}
    b = {d["_id"] for d in other_db.pair_b.find()}
    assert b <= a and len(a) - len(b) <= 1  # never a pair_b without its pair_a
    assert other_db.attachment_bytes.find_one()["data"] == PNG


def test_the_commands_write_a_private_file_log_it_and_restore_it(app, records, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "备份.zip"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "已备份" in result.output and path.exists()
    assert (path.stat().st_mode & 0o777) == 0o600
    from admin_app.documents import AuditEntry

    logged = [e.detail for e in AuditEntry.objects(action="export", actor="cli")]
    assert len(logged) == 1 and logged[0].startswith("flask backup：全库备份")
    again = runner.invoke(args=["backup", str(path)])
    assert again.exit_code != 0 and "文件已存在" in again.output
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code != 0 and "不是空的" in refused.output
