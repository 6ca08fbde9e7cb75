"""The indexes of the database, created by `flask create-indexes` (run at install and after
each upgrade; the app also creates each document's own `meta` indexes on first use).

Two kinds: each document's `meta["indexes"]` (scope `place_path`, unique keys), and the
compound indexes a screen's list needs on MongoDB — the scope first, then the list's
sort — declared here, one line per screen, so a province DBA can read what each page
asks of the server. (The embedded FerretDB on SQLite keeps them too, but pushes down
little beyond `_id`: see issue 13.)
"""

from mongoengine.base import common

# (collection, keys, the screen that needs it)
SCREEN_INDEXES = (
    ("audit_log", [("place_path", 1), ("at", -1)], "操作日志：本辖区，按时间倒序"),
    ("cases", [("place_path", 1), ("reported_at", -1)], "案件列表：本辖区，按报告时间倒序"),
    ("cases", [("place_path", 1), ("step", 1)], "首页待办：未办结案件"),
    ("help_requests", [("place_path", 1), ("created_at", -1)], "附件5 列表"),
    ("mandatory_reports", [("place_path", 1), ("created_at", -1)], "附件6 列表"),
    ("referrals", [("place_path", 1), ("status", 1)], "附件7 列表与转介反馈逾期待办"),
    ("children", [("place_path", 1), ("name", 1)], "儿童档案导出：本辖区，按姓名"),
    ("users", [("place_path", 1), ("username", 1)], "用户管理"),
    ("stations", [("place_path", 1), ("build_status", 1)], "未保站列表与建设进度"),
    ("attachments", [("child", 1)], "档案详情：照片和扫描件"),
    ("attachments", [("record", 1)], "工作记录详情：照片"),
    ("publicity_events", [("place_path", 1), ("held_on", -1)], "宣传培训列表"),
)


def create_all(db) -> list[tuple[str, str]]:
    """Create every declared index (each document's own and the screens'); [(collection,
    index name)] of what now exists beyond `_id`."""
    for cls in list(common._document_registry.values()):
        meta = getattr(cls, "_meta", {})
        if meta.get("abstract") or not meta.get("collection") or meta.get("allow_inheritance"):
            continue
        cls.ensure_indexes()
    for collection, keys, _screen in SCREEN_INDEXES:
        db[collection].create_index(keys)
    found = []
    for name in sorted(db.list_collection_names()):
        for ix in db[name].list_indexes():
            if ix["name"] != "_id_":
                found.append((name, ix["name"]))
    return found
