"""The benchmark's records beyond the children (issue 13): five years of a province's audit
log, cases with their 附件5/6/7 forms and conferences, and work records; the pages that
list them for each role; and, for each page, the two baselines of the same run:

- floor: the raw reads of the documents that page needs, through pymongo on the same
  server: the signed-in user (every request reads it by `_id`), the count (where the page
  shows one: the province's and the cities' audit log pages by 上一页/下一页 without it)
  and the page's rows (as many as the app shows, `ScopedModelView.page_size`), or the
  landing page's case figures, its own counts replayed (benchmark.py: replayed);
- sqlite: the same rows in an indexed table of an SQLite file, read by Python's sqlite3.

Used by scripts/benchmark.py (`--audit`, `--cases`, `--records`, `--scale`).
"""

import random
import sqlite3
import tempfile
from datetime import timedelta
from pathlib import Path

from bson import ObjectId

from admin_app.core import clock
from admin_app.documents.constants import CASE_CLASSES, CASE_STEPS

ACTIONS = ("view", "view", "view", "update", "create", "export", "download", "login")
STEPS = tuple(k for k, _ in CASE_STEPS)
CLASSES = tuple(k for k, _ in CASE_CLASSES)
PAGE = 50  # rows of a list page: the app's ScopedModelView.page_size (checked in load())
KIND = None  # set by load(): the first publicity kind


def _scope(path):
    return {f"scope{i}": (path[i] if i < len(path) else None) for i in range(5)}


def load(db, places, n_audit, n_cases, n_records, seed, batch=5000):
    """Insert the records with raw insert_many (as the benchmark does for the children);
    return the rows for the SQLite baseline."""
    global KIND
    from admin_app.documents.constants import PUBLICITY_KINDS
    from admin_app.views.base import ScopedModelView

    if ScopedModelView.page_size != PAGE:
        raise SystemExit("bench_records.PAGE must be the app's page size (the floor reads a page)")

    KIND = PUBLICITY_KINDS[0][0]
    rnd = random.Random(seed + 13)  # noqa: S311 - synthetic data
    villages = [p for p in places.values() if p["level"] == "village"]
    now = clock.now().replace(microsecond=0)
    five_years = 5 * 365 * 86400
    audit_rows, buf = [], []
    for i in range(n_audit):
        v = villages[rnd.randrange(len(villages))]
        path = list(v["place_path"][: rnd.choice((4, 5, 5))])
        at = now - timedelta(seconds=five_years * (n_audit - i) // max(n_audit, 1))
        action = rnd.choice(ACTIONS)
        doc = {
            "_id": ObjectId(),
            "at": at,
            "actor": f"user{rnd.randrange(3000)}",
            "actor_role": "station",
            "action": action,
            "target_type": "children",
            "target_id": str(ObjectId()),
            "target_label": "档案",
            "place_path": path,
            **_scope(path),
            "ip": "10.0.0.1",
            "detail": f"基准 {i}",
        }
        buf.append(doc)
        audit_rows.append((doc["scope2"], doc["scope3"], doc["scope0"], at.timestamp(), action))
        if len(buf) == batch:
            db["audit_log"].insert_many(buf, ordered=False)
            buf = []
    if buf:
        db["audit_log"].insert_many(buf, ordered=False)
    case_rows, cases, forms, referrals = [], [], [], []
    for i in range(n_cases):
        v = villages[rnd.randrange(len(villages))]
        path = list(v["place_path"])
        at = now - timedelta(seconds=rnd.randrange(five_years))
        step, klass = rnd.choice(STEPS), rnd.choice(CLASSES)
        oid = ObjectId()
        cases.append(
            {
                "_id": oid,
                "number": f"C{i:07d}",
                "place": path[-1],
                "place_path": path,
                **_scope(path),
                "version": 0,
                "created_at": at,
                "updated_at": at,
                "reported_at": at,
                "channel": "hotline",
                "klass": klass,
                "step": step,
                "summary": "邻居报告儿童无人照料，" * 5,
                "child_info": {"name": "小明", "gender": "M", "age": 9},
                "events": [
                    {"at": at, "step": s, "note": "办理记录" * 10, "by": "bench"}
                    for s in STEPS[: STEPS.index(step) + 1]
                ],
                "conferences": [{"held_on": at, "decisions": "转介" * 10}],
                "referrals": [],
            }
        )
        case_rows.append((path[2], path[3], path[0], at.timestamp(), step, klass))
        base = {
            "case": str(oid),
            "place": path[-1],
            "place_path": path,
            **_scope(path),
            "version": 0,
            "created_at": at,
            "updated_at": at,
            "child_info": {"name": "小明", "gender": "M", "age": 9},
        }
        forms.append(("help_requests", {"_id": ObjectId(), **base, "location": "村委会"}))
        forms.append(("mandatory_reports", {"_id": ObjectId(), **base, "reported_at": at}))
        referrals.append(
            {
                "_id": ObjectId(),
                **base,
                "referred_on": at,
                "reason": "需要专业帮扶",
                "unit_name": "县教育局",
                "status": rnd.choice(("sent", "received", "feedback", "closed")),
            }
        )
        if len(cases) == batch:
            _flush(db, cases, forms, referrals)
    _flush(db, cases, forms, referrals)
    buf = []
    for _ in range(n_records):
        t = villages[rnd.randrange(len(villages))]["place_path"][:4]
        at = now - timedelta(seconds=rnd.randrange(five_years))
        buf.append(
            {
                "place": t[-1],
                "place_path": list(t),
                **_scope(t),
                "version": 0,
                "created_at": at,
                "updated_at": at,
                "held_on": at.replace(hour=0, minute=0, second=0),
                "kind": KIND,
                "location": "村委会",
                "reached": 50,
                "topics": "宣传",
            }
        )
        if len(buf) == batch:
            db["publicity_events"].insert_many(buf, ordered=False)
            buf = []
    if buf:
        db["publicity_events"].insert_many(buf, ordered=False)
    return audit_rows, case_rows


def _flush(db, cases, forms, referrals):
    if cases:
        db["cases"].insert_many(cases, ordered=False)
    for coll in ("help_requests", "mandatory_reports"):
        docs = [d for c, d in forms if c == coll]
        if docs:
            db[coll].insert_many(docs, ordered=False)
    if referrals:
        db["referrals"].insert_many(referrals, ordered=False)
    cases.clear()
    forms.clear()
    referrals.clear()


class SqliteBaseline:
    """The same rows in an indexed SQLite table, read by Python's sqlite3."""

    def __init__(self, audit_rows, case_rows):
        self.path = Path(tempfile.mkdtemp(prefix="wbz-sqlite-")) / "baseline.sqlite"
        con = sqlite3.connect(self.path)
        con.execute("CREATE TABLE audit (county, township, province, at REAL, action)")
        con.executemany("INSERT INTO audit VALUES (?,?,?,?,?)", audit_rows)
        con.execute("CREATE TABLE cases (county, township, province, at REAL, step, klass)")
        con.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?)", case_rows)
        for level in ("county", "township", "province"):
            con.execute(f"CREATE INDEX audit_{level} ON audit ({level}, at DESC)")
            con.execute(f"CREATE INDEX cases_{level} ON cases ({level}, at DESC)")
            con.execute(f"CREATE INDEX cases_{level}_step ON cases ({level}, step)")
        con.commit()
        con.close()
        self.con = sqlite3.connect(self.path, check_same_thread=False)

    def page(self, table, level, key, skip=0):
        def run():
            cur = self.con.cursor()
            n = cur.execute(f"SELECT COUNT(*) FROM {table} WHERE {level} = ?", (key,)).fetchone()  # noqa: S608
            rows = cur.execute(
                f"SELECT * FROM {table} WHERE {level} = ? ORDER BY at DESC LIMIT ? OFFSET ?",  # noqa: S608
                (key, PAGE, skip),
            ).fetchall()
            return n, rows

        return run

    def case_figures(self, level, key):
        def run():
            cur = self.con.cursor()
            by_step = f"SELECT COUNT(*) FROM cases WHERE {level} = ? AND step = ?"  # noqa: S608
            out = [cur.execute(by_step, (key, s)).fetchone() for s in STEPS]
            total = f"SELECT COUNT(*) FROM cases WHERE {level} = ?"  # noqa: S608
            out.append(cur.execute(total, (key,)).fetchone())
            return out

        return run


def floor_page(db, coll, filt, sort, skip=0, user_id=None, count=True):
    """The raw reads of a list page: the signed-in user, its count (`count`), its page of
    documents and, for the forms (附件5/6/7), the cases their rows link to (one `_id $in`
    read, as services/cases: prefetch_references does)."""

    def run():
        user = db["users"].find_one({"_id": user_id}) if user_id is not None else None
        n = db[coll].count_documents(filt) if count else None
        rows = list(db[coll].find(filt).sort(sort).skip(skip).limit(PAGE))
        ids = [ObjectId(r["case"]) for r in rows if ObjectId.is_valid(r.get("case") or "")]
        linked = (
            list(db["cases"].find({"_id": {"$in": ids}}, {"number": 1, "step": 1})) if ids else []
        )
        return user, n, rows, linked

    return run
