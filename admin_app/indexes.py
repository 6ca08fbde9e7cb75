"""The indexes of the database, created by `flask create-indexes` (run at install and after
each upgrade; the app also creates each document's own `meta` indexes on first use).

Two kinds: each document's `meta["indexes"]` (unique keys), and the indexes each list
screen needs, declared here one line per screen, so a province DBA can read what each
page asks of the server: for each depth of place (`scope0` province … `scope4` village,
documents/base.py: SCOPE_FIELDS) the scope then the list's order, so a page of any
user's list is read from the index in order, skip and limit included; and the fields its
filters and sortable columns name.

On the embedded server (FerretDB on SQLite) an index whose name starts with `pushdown_`
tells it that its fields hold one scalar value in every document: filters, sorts, skips,
limits and counts on them then run in SQLite on those indexes
(tools/ferretdb/patches/…/pushdown.go; EXPLAIN: `SEARCH … USING INDEX`). The
`pushdown_fields_…` ones only declare the filter fields (MongoDB keeps them as ordinary
indexes; SQLite gets none, so it never prefers them to the one that gives the page's
order). Every field named here is a scalar in its document (tests/test_pushdown.py).
"""

from mongoengine.base import common

from .documents.base import SCOPE_FIELDS

# (collection, the list's order, the fields its filters and sortable columns use, the screen
# [, the depths that need it: all five unless given])
SCREEN_INDEXES = (
    # The audit log is written on every view: only the depths that may read it (a village
    # may not). A township's log filtered by action read 343 ms without its own index at
    # five years of a province (3,000,000 entries, scripts/benchmark.py).
    (
        "audit_log",
        [("at", -1)],
        ("action", "actor", "target_type"),
        "操作日志：本辖区，按时间倒序",
        (0, 1, 2, 3),
    ),
    ("audit_log", [("action", 1), ("at", -1)], (), "操作日志：按操作筛选（含条数）", (0, 1, 2, 3)),
    ("fund_entries", [("year", 1), ("on", -1)], (), "资金与购买服务：本辖区某年度的资金"),
    ("spot_checks", [("drawn_on", -1), ("created_at", -1)], (), "督导抽查：本辖区最近的抽查"),
    ("service_projects", [("year", 1), ("start", 1)], (), "资金与购买服务：本辖区某年度的项目"),
    ("appraisal_sheets", [("year", 1), ("kind", 1)], (), "工作考核：本辖区某期的儿童主任考核表"),
    (
        "cases",
        [("reported_at", -1)],
        ("step", "klass", "channel", "number", "serious_harm", "first_visit_at"),
        "案件列表：按报告时间倒序；首页每月案件数、待首次家访",
    ),
    (
        "cases",
        [("step", 1), ("serious_harm", 1), ("reported_at", -1)],
        (),
        "首页：各环节案件数、未结案件；待办：新报告待受理（最新在前）",
    ),
    (
        "cases",
        [("serious_harm", 1), ("first_visit_at", 1), ("first_visit_due", 1)],
        (),
        "首页待办：待首次家访（期限最早在前）",
    ),
    ("cases", [("klass", 1)], (), "首页：各类案件数"),
    ("help_requests", [("created_at", -1)], (), "附件5 列表：按填写时间倒序"),
    ("mandatory_reports", [("created_at", -1)], ("report_method",), "附件6 列表：按填写时间倒序"),
    ("referrals", [("created_at", -1)], ("status",), "附件7 列表"),
    ("referrals", [("status", 1), ("feedback_due", 1)], (), "首页待办：转介反馈逾期"),
    ("receiving_units", [("name", 1)], ("kind",), "接收单位"),
    ("public_reports", [("sent_at", -1)], ("status", "channel"), "群众报告列表：按报告时间倒序"),
    ("public_reports", [("status", 1), ("due", 1)], (), "首页待办：群众报告待受理（期限最早在前）"),
    ("users", [("username", 1)], ("role",), "用户管理"),
    (
        "stations",
        [("place", 1)],
        ("build_status", "acceptance_result", "setup_mode", "name", "build_year", "filed_date"),
        "未保站列表与建设进度",
    ),
    ("allocations", [("place", 1)], (), "建设任务分配表"),
    ("places", [("code", 1)], ("level", "name"), "行政区划"),
    ("publicity_events", [("held_on", -1)], ("kind",), "宣传培训"),
    ("volunteers", [("name", 1)], (), "志愿者"),
    ("social_organizations", [("name", 1)], (), "社会组织"),
    ("caring_families", [("head_name", 1)], (), "爱心家庭"),
    ("community_activities", [("held_on", -1)], ("venue", "kind"), "儿童之家活动"),
    ("work_plans", [("year", -1)], (), "工作计划"),
    ("half_year_reports", [("year", -1), ("half", -1)], (), "半年报告"),
)
# Read by their owner's key, never listed by place (each a scalar string).
OWNER_INDEXES = (
    ("attachments", [("child", 1)], "档案详情：照片和扫描件"),
    ("attachments", [("record", 1)], "工作记录详情：照片"),
    ("work_ledger_entries", [("township", 1)], "工作考核：一个乡镇各档案的台账条目"),
    # (the unique index on username is the document's own; this one adds the name)
    ("users", [("username", 1), ("display_name", 1)], "列表中的操作人、创建人：用户名 → 姓名"),
)


def scope_fields(depths) -> list[str]:
    """The scope fields of an entry's depths (all five when the entry names none)."""
    return [SCOPE_FIELDS[d] for d in depths[0]] if depths else list(SCOPE_FIELDS)


def screen_indexes():
    """[(collection, keys, name)] of every index the screens need."""
    out = []
    for collection, order, fields, _screen, *depths in SCREEN_INDEXES:
        tail = "_".join(f"{k}{'_desc' if d < 0 else ''}" for k, d in order)
        for scope in scope_fields(depths):
            out.append((collection, [(scope, 1), *order], f"pushdown_{scope}_{tail}"))
        if fields:
            out.append((collection, [(f, 1) for f in fields], "pushdown_fields"))
    for collection, keys, _screen in OWNER_INDEXES:
        out.append((collection, keys, "pushdown_" + "_".join(k for k, _ in keys)))
    return out


def _replace_unnamed(coll, keys, name) -> None:
    """An index of an earlier release on the same keys under another name (e.g.
    `child_1`) is dropped, so the named one can be created (MongoDB refuses two)."""
    wanted = [(k, int(d)) for k, d in keys]
    for ix in coll.list_indexes():
        same = [(k, int(d)) for k, d in ix["key"].items()] == wanted
        if same and ix["name"] != name and not ix.get("unique"):
            coll.drop_index(ix["name"])


def create_all(db) -> list[tuple[str, str]]:
    """Create every declared index (each document's own and the screens'); [(collection,
    index name)] of what now exists beyond `_id`."""
    for cls in list(common._document_registry.values()):
        meta = getattr(cls, "_meta", {})
        if meta.get("abstract") or not meta.get("collection") or meta.get("allow_inheritance"):
            continue
        cls.ensure_indexes()
    for collection, keys, name in screen_indexes():
        _replace_unnamed(db[collection], keys, name)
        db[collection].create_index(keys, name=name)
    found = []
    for name in sorted(db.list_collection_names()):
        for ix in db[name].list_indexes():
            if ix["name"] != "_id_":
                found.append((name, ix["name"]))
    return found
