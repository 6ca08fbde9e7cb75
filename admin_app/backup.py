"""`flask backup` and `flask restore`: the whole database in one file, and back.

The file is a zip: `manifest.json` (format, when, from which database, each collection's
count, SHA-256 and indexes) and `collections/<name>.bson` (the documents as stored,
BSON one after another, so dates, ids and attachment bytes come back identical).
Attachments (photos, scans) live in the database and are inside the same file.

A backup is consistent at one instant while the app keeps serving:
- embedded database: SQLite's online backup copies the database file as it is at one
  moment; a private FerretDB serves the copy and the dump is read from it;
- MongoDB: every collection is read in one snapshot session (a replica set; a standalone
  server has no snapshots: the manifest then says `"consistent": false`).
"""

import hashlib
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import bson
from pymongo import MongoClient
from pymongo.database import Database
from pymongo.errors import OperationFailure

from .core import clock

FORMAT = "weibaozhan-backup/1"
BATCH = 500
_INDEX_OPTIONS = ("unique", "sparse", "expireAfterSeconds", "partialFilterExpression")


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message is for a person."""


def _collections(db: Database) -> list[str]:
    return sorted(n for n in db.list_collection_names() if not n.startswith("system."))


def _indexes(coll) -> list[dict]:
    found = []
    for ix in coll.list_indexes():
        if ix["name"] == "_id_":
            continue
        spec = {"name": ix["name"], "key": [[k, v] for k, v in ix["key"].items()]}
        spec.update({k: ix[k] for k in _INDEX_OPTIONS if k in ix})
        found.append(spec)
    return found


def _write(db: Database, path: Path, session=None, consistent: bool = False) -> dict:
    manifest = {
        "format": FORMAT,
        "taken_at": clock.now().isoformat(),
        "database": db.name,
        "consistent": consistent,
        "collections": {},
    }
    tmp = path.with_name(path.name + ".part")
    tmp.unlink(missing_ok=True)
    tmp.touch(mode=0o600)  # it holds every child's archive: readable by its owner only
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for name in _collections(db):
            digest, count = hashlib.sha256(), 0
            with z.open(f"collections/{name}.bson", "w", force_zip64=True) as out:
                for doc in db[name].find({}, session=session).sort("_id", 1):
                    raw = bson.encode(doc)
                    out.write(raw)
                    digest.update(raw)
                    count += 1
            manifest["collections"][name] = {
                "count": count,
                "sha256": digest.hexdigest(),
                "indexes": _indexes(db[name]),
            }
        z.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
    tmp.replace(path)
    return manifest


def backup(db: Database, path: str | Path, embedded=None) -> dict:
    """Write the whole database `db` to `path`; `embedded` is the app's EmbeddedServer when
    the database is the embedded one (its files are copied at one instant first)."""
    path = Path(path)
    if embedded is not None:
        return _backup_embedded(db.name, path, embedded)
    client = db.client
    if not client.admin.command("hello").get("setName"):
        return _write(db, path)  # a standalone server has no snapshot reads
    try:
        with client.start_session(snapshot=True) as session:
            return _write(db, path, session=session, consistent=True)
    except OperationFailure:  # snapshot reads refused (an old or unusual server)
        return _write(db, path)


def _backup_embedded(name: str, path: Path, embedded) -> dict:
    from .db import EmbeddedServer, _free_port

    source = Path(embedded.data_dir) / f"{name}.sqlite"
    if not source.exists():
        raise BackupError(f"内置数据库中没有数据库 {name}（{source} 不存在）。")
    with tempfile.TemporaryDirectory(prefix="wbz-backup-") as tmp:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
            with sqlite3.connect(Path(tmp) / source.name) as copy:
                src.backup(copy)  # one consistent instant, while FerretDB keeps writing
        snapshot = EmbeddedServer(embedded.binary, tmp, _free_port())
        snapshot.start()
        try:
            with MongoClient(snapshot.uri, tz_aware=True) as client:
                return _write(client[name], path, consistent=True)
        finally:
            snapshot.stop()


def read_manifest(path: str | Path) -> dict:
    try:
        with zipfile.ZipFile(path) as z:
            manifest = json.loads(z.read("manifest.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise BackupError(f"不是本系统的备份文件：{path}（{exc}）。") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份文件格式 {manifest.get('format')!r} 不是 {FORMAT}，无法恢复。")
    return manifest


def restore(db: Database, path: str | Path, replace: bool = False) -> dict:
    """Load a backup into `db`. An empty database only, unless `replace` (then every
    collection there is dropped first). Each collection's checksum is verified."""
    manifest = read_manifest(path)
    existing = {n: db[n].estimated_document_count() for n in _collections(db)}
    held = {n: c for n, c in existing.items() if c}
    if held and not replace:
        listed = "、".join(f"{n} {c} 条" for n, c in sorted(held.items())[:5])
        raise BackupError(
            f"目标数据库 {db.name} 不是空的（{listed}…）。恢复会覆盖现有数据；确需覆盖请加 --replace。"
        )
    if replace:
        for name in existing:
            db.drop_collection(name)
    with zipfile.ZipFile(path) as z:
        for name, info in manifest["collections"].items():
            digest, count, batch = hashlib.sha256(), 0, []
            with z.open(f"collections/{name}.bson") as raw:
                for doc in bson.decode_file_iter(_Hashing(raw, digest)):
                    batch.append(doc)
                    count += 1
                    if len(batch) == BATCH:
                        db[name].insert_many(batch, ordered=True)
                        batch = []
            if batch:
                db[name].insert_many(batch, ordered=True)
            if digest.hexdigest() != info["sha256"] or count != info["count"]:
                raise BackupError(f"备份文件中 {name} 已损坏（校验不符），恢复中止。")
            if count == 0:
                db.create_collection(name)
            for ix in info["indexes"]:
                options = {k: ix[k] for k in _INDEX_OPTIONS if k in ix}
                db[name].create_index([tuple(k) for k in ix["key"]], name=ix["name"], **options)
    return manifest


class _Hashing:
    """A file object that hashes what is read through it."""

    def __init__(self, raw, digest):
        self.raw, self.digest = raw, digest

    def read(self, size=-1):
        data = self.raw.read(size)
        self.digest.update(data)
        return data
