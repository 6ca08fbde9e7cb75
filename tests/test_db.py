"""The embedded database server and the FerretDB behaviour the app relies on."""

import re
import socket

import mongoengine
import pytest
from bson.regex import Regex
from pymongo.errors import OperationFailure

from admin_app.db import DatabaseStartError, EmbeddedServer
from admin_app.documents import Station
from tests.conftest import ROOT, free_port, login_as
from tests.factories import make_station

BIN = str(ROOT / "var" / "bin" / "ferretdb-embedded")


def test_missing_binary_is_a_clear_message(tmp_path):
    server = EmbeddedServer(str(tmp_path / "nope"), str(tmp_path / "data"), free_port())
    with pytest.raises(DatabaseStartError, match="内置数据库程序不存在.*MONGODB_URI"):
        server.start()


def test_port_taken_by_another_program_is_a_clear_message(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        server = EmbeddedServer(BIN, str(tmp_path / "data"), port)
        with pytest.raises(DatabaseStartError, match=f"端口 {port} 已被其他程序占用"):
            server.start(timeout=5)


def test_unwritable_data_dir_is_a_clear_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    server = EmbeddedServer(BIN, str(blocker / "data"), free_port())
    with pytest.raises(DatabaseStartError, match="数据目录不可写"):
        server.start()


def test_server_starts_keeps_data_across_restarts_and_listens_on_loopback(tmp_path):
    from pymongo import MongoClient

    port = free_port()
    server = EmbeddedServer(BIN, str(tmp_path / "data"), port)
    uri = server.start()
    assert uri == f"mongodb://127.0.0.1:{port}/"
    with MongoClient(uri) as c:
        c.keep.things.insert_one({"name": "掌政镇"})
    server.stop()
    assert (tmp_path / "data" / "keep.sqlite").exists()
    server = EmbeddedServer(BIN, str(tmp_path / "data"), port)
    server.start()
    with MongoClient(uri) as c:
        assert c.keep.things.find_one({}, {"_id": 0}) == {"name": "掌政镇"}
    # A second app process reuses the running server instead of failing.
    assert EmbeddedServer(BIN, str(tmp_path / "data"), port).start() == uri
    server.stop()


def test_ferretdb_refuses_python_regex_but_takes_bson_regex(app):
    """NOTES' suspicion confirmed: pymongo's compiled re sends option `u`, FerretDB refuses it."""
    make_station("640104100000")
    coll = Station._get_collection()
    db_is_ferret = "ferretdb" in str(mongoengine.get_db().command("buildInfo")).lower()
    if db_is_ferret:
        with pytest.raises(OperationFailure, match="regex options"):
            list(coll.find({"name": re.compile("掌政", re.I)}))
    assert coll.count_documents({"name": Regex("掌政", "i")}) == 1


def test_list_search_works_on_this_server(app, users):
    make_station("640104100000")
    make_station("640104200000")
    c = login_as(app, users["county"])
    page = c.get("/stations/?search=掌政").get_data(as_text=True)
    assert "掌政镇未成年人保护工作站" in page
    assert "通贵乡未成年人保护工作站" not in page
    # Regex metacharacters typed into the box are searched literally, never a 500.
    assert c.get("/stations/?search=(.*[").status_code == 200


def test_concurrent_updates_of_one_document_are_all_kept(db_uri):
    """FerretDB alone loses most of them (read, change, write back with nothing held):
    ten threads × 30 updates left 37. The embedded server serialises writes."""
    import threading

    from pymongo import MongoClient

    with MongoClient(db_uri, maxPoolSize=20) as client:
        coll = client.race_test.race
        coll.delete_many({})
        coll.insert_one({"_id": "t", "n": 0, "rows": {}})

        def work(k):
            for i in range(30):
                coll.update_one({"_id": "t"}, {"$inc": {"n": 1}, "$set": {f"rows.r{k}_{i}": k}})

        threads = [threading.Thread(target=work, args=(k,)) for k in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        doc = coll.find_one({"_id": "t"})
        assert doc["n"] == 300
        assert len(doc["rows"]) == 300
        client.drop_database("race_test")


def test_version_conditioned_updates_let_exactly_one_writer_win(db_uri):
    """Optimistic locking (the row_version of every edit form) needs {_id, version: n}
    to match for one writer only when several race from the same version."""
    import threading

    from pymongo import MongoClient

    with MongoClient(db_uri, maxPoolSize=20) as client:
        coll = client.race_test.lock
        for rnd in range(5):
            coll.delete_many({})
            coll.insert_one({"_id": "c", "version": 0, "by": None})
            wins = []
            barrier = threading.Barrier(8)

            def edit(k, barrier=barrier, wins=wins):
                barrier.wait()
                res = coll.update_one({"_id": "c", "version": 0}, {"$set": {"version": 1, "by": k}})
                if res.modified_count:
                    wins.append(k)

            threads = [threading.Thread(target=edit, args=(k,)) for k in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(wins) == 1, f"round {rnd}: {len(wins)} writers won"
            assert coll.find_one({"_id": "c"})["by"] == wins[0]
        client.drop_database("race_test")


def test_id_lookups_use_the_index_even_beside_other_keys(db_uri):
    """Unpatched FerretDB 1.24.2 queried `_ferretdb_sjson->'$._id'` while its index is on
    `_ferretdb_sjson->"_id"`, and handed `_id` to SQLite only as the filter's sole key:
    every lookup and every version-checked save scanned the table
    (tools/ferretdb/patch_ferretdb.py)."""
    from bson import ObjectId
    from pymongo import MongoClient

    with MongoClient(db_uri) as client:
        db = client.index_test
        if "ferretdb" not in str(db.command("buildInfo")).lower():
            return  # MongoDB uses its _id index by itself
        db.kids.insert_many([{"_id": ObjectId(), "version": 0} for _ in range(50)])
        some = db.kids.find_one(skip=30)["_id"]
        for flt in ({"_id": some}, {"_id": some, "version": 0}, {"_id": "640104100000"}):
            plan = db.command("explain", {"find": "kids", "filter": flt})
            text = " ".join(plan["queryPlanner"]["Plan"])
            assert "USING INDEX" in text and "SCAN" not in text, (flt, text)
        assert (
            db.kids.update_one({"_id": some, "version": 1}, {"$set": {"x": 1}}).matched_count == 0
        )
        assert (
            db.kids.update_one({"_id": some, "version": 0}, {"$set": {"x": 1}}).modified_count == 1
        )
        client.drop_database("index_test")
