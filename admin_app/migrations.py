"""Dated, idempotent data migrations, recorded in the database.

`flask migrate` runs, in date order, every migration the `migrations` collection does not
record yet, and records each (when, what it did). Each one may run again without harm. A
database that records a migration this code does not know was written by a newer release:
the app refuses to start on it (`check`) rather than misread its data.

To add one: a function `(db) -> str` (what it did, in Chinese) and a line in MIGRATIONS,
named by the date it was written.
"""

from pymongo.errors import DuplicateKeyError

from .core import clock

COLLECTION = "migrations"


class DatabaseNewer(RuntimeError):
    """The database was migrated by a newer release of the app."""


def _field_key(db) -> str:
    from .crypto import rotate_all

    done, unreadable = rotate_all(db)
    note = f"，{unreadable} 项无法解密（密钥缺失）" if unreadable else ""
    return f"匿名报告人信息已用 FIELD_ENCRYPTION_KEY 重新加密：{done} 份{note}"


def _rosters(db) -> str:
    from .services.children.roster import rebuild

    return f"已重建列表索引：{rebuild()} 份档案"


def _scope_fields(db) -> str:
    """Every record filed under a place gets its keys one per depth (scope0…scope4).

    One update_one per record (about 1 ms each on the embedded server): a bulk_write of
    100 such updates took over 8 s there (docs/NOTES.md)."""
    from mongoengine.base import common

    from .documents.base import PlaceKeyed, scope_values

    done = 0
    for cls in list(common._document_registry.values()):
        if not issubclass(cls, PlaceKeyed) or cls._meta.get("abstract"):
            continue
        coll = db[cls._get_collection_name()]
        ids = [(d["_id"], d.get("place_path")) for d in coll.find({}, {"place_path": 1})]
        for _id, path in ids:
            done += coll.update_one({"_id": _id}, {"$set": scope_values(path)}).matched_count
    return f"已为 {done} 条记录写入分级地点键"


def _attachment_bytes(db) -> str:
    """Each attachment's bytes move to attachment_bytes (a list of photos reads none)."""
    moved = 0
    for doc in db["attachments"].find({"data": {"$exists": True}}, {"_id": 1}):
        full = db["attachments"].find_one({"_id": doc["_id"]})
        if full.get("data") is None:
            continue
        db["attachment_bytes"].update_one(
            {"_id": doc["_id"]}, {"$setOnInsert": {"data": full["data"]}}, upsert=True
        )
        db["attachments"].update_one({"_id": doc["_id"]}, {"$unset": {"data": ""}})
        moved += 1
    return f"已将 {moved} 个附件的文件内容与其说明分开存放"


def _station_tokens(db) -> str:
    """Each station gets the random address of its public report page (its QR code)."""
    import secrets

    done = 0
    for doc in db["stations"].find({"public_token": None}, {"_id": 1}):
        done += (
            db["stations"]
            .update_one(
                {"_id": doc["_id"], "public_token": None},
                {"$set": {"public_token": secrets.token_urlsafe(16)}},
            )
            .modified_count
        )
    return f"已为 {done} 个未保站生成网上报告页面地址（二维码）"


MIGRATIONS = (
    ("2026-12-04-reporters-under-field-key", "匿名报告人改用独立的字段密钥加密", _field_key),
    ("2026-12-04-rebuild-rosters", "重建各乡镇（街道）的列表索引", _rosters),
    (
        "2026-12-04-attachment-bytes",
        "附件文件内容与说明分开存放（照片列表不读文件）",
        _attachment_bytes,
    ),
    (
        "2026-12-04-scope-fields",
        "记录按省、市、县、乡、村各级地点建键（列表只读本页）",
        _scope_fields,
    ),
    (
        "2026-12-04-station-report-tokens",
        "为各未保站生成网上报告页面地址（二维码）",
        _station_tokens,
    ),
)
KNOWN = {name for name, _, _ in MIGRATIONS}


def applied(db) -> dict[str, dict]:
    return {d["_id"]: d for d in db[COLLECTION].find({})}


def check(db) -> None:
    """Refuse a database that a newer release has migrated."""
    unknown = sorted(set(applied(db)) - KNOWN)
    if unknown:
        raise DatabaseNewer(
            f"数据库已由更新版本的系统迁移（{'、'.join(unknown)}），本版本不能使用它；请部署更新的版本。"
            f" / the database was migrated by a newer release: {', '.join(unknown)}."
        )


def pending(db) -> list[tuple[str, str]]:
    done = applied(db)
    return [
        (name, title) for name, title, _ in MIGRATIONS if done.get(name, {}).get("state") != "done"
    ]


def run(db) -> list[tuple[str, str]]:
    """Run what is pending; [(name, what it did)]. Two servers running it at once: each
    migration is claimed by one of them (the other skips it)."""
    check(db)
    results = []
    done = applied(db)
    for name, title, migrate in MIGRATIONS:
        if done.get(name, {}).get("state") == "done":
            continue
        if name not in done:
            try:
                db[COLLECTION].insert_one({"_id": name, "title": title, "state": "running"})
            except DuplicateKeyError:
                continue  # another server claimed it a moment ago
        try:
            result = migrate(db)
        except Exception:
            db[COLLECTION].delete_one({"_id": name, "state": "running"})
            raise
        db[COLLECTION].update_one(
            {"_id": name},
            {"$set": {"state": "done", "applied_at": clock.now(), "result": result}},
        )
        results.append((name, result))
    return results
