"""Lists read what their page shows (issue 13).

The embedded server runs filters, sorts, skips, limits and counts on the fields of
`pushdown_` indexes in SQLite (tools/ferretdb/patches); every record filed under a place
carries its keys one per depth (`scope0`…`scope4`), so "inside my place" is one equality
on an indexed field. These tests prove the answers are exactly MongoDB's, that each
screen's list query is answered from its index in order, that the contract the pushdown
relies on (those fields are scalars) holds, and that a page's cost does not grow with the
collection.
"""

import os
import random
import time
from datetime import UTC, datetime, timedelta

import mongoengine
import pytest
from bson import Int64
from mongoengine.base import common
from mongoengine.fields import (
    BooleanField,
    DateField,
    DateTimeField,
    IntField,
    StringField,
)

from admin_app import indexes
from admin_app.core import clock
from admin_app.documents import AuditEntry, Place
from admin_app.documents.base import SCOPE_FIELDS, PlaceKeyed, scope_filter
from admin_app.services.children import attachments
from tests import factories
from tests.conftest import TOUCHED, login_as, text
from tests.factories import make_user

EMBEDDED = not os.environ.get("MONGODB_URI")
embedded_only = pytest.mark.skipif(
    not EMBEDDED, reason="the SQLite pushdown is the embedded server's"
)
ZHANGZHENG, CHUNLIN, XINGQING = "640104100000", "640104100201", "640104000000"


@pytest.fixture
def scratch():
    db = mongoengine.get_db()
    coll = db["pushdown_scratch"]
    coll.drop()
    coll.create_index([("k", 1), ("at", -1)], name="pushdown_k_at")
    coll.create_index([("n", 1), ("flag", 1), ("s", 1)], name="pushdown_fields")
    yield coll
    coll.drop()


def _docs(count, seed=7):
    rnd = random.Random(seed)  # noqa: S311 - test data
    base = datetime(2026, 1, 1)
    docs = []
    for _ in range(count):
        doc = {
            "k": rnd.choice(["a", "b", "c", "ä", "a/b", "A"]),
            "at": base + timedelta(minutes=rnd.randrange(100000)),
            "n": rnd.randrange(-5, 5),
            "flag": rnd.random() < 0.5,
            "s": rnd.choice(["x", "y", "中文", ""]),
            "free": rnd.choice(["p", "q"]),  # in no pushdown index: filtered by FerretDB
        }
        for field in ("k", "n", "s"):
            if rnd.random() < 0.1:
                del doc[field]  # absent fields: never equal, sort first ascending
        docs.append(doc)
    return docs


def _matches(doc, query):
    for field, cond in query.items():
        value = doc.get(field)
        if isinstance(cond, dict):
            for op, arg in cond.items():
                if op == "$in":
                    if value not in arg:
                        return False
                    continue
                if value is None or type(value) is not type(arg):
                    return False
                ok = {
                    "$gt": value > arg,
                    "$gte": value >= arg,
                    "$lt": value < arg,
                    "$lte": value <= arg,
                }[op]
                if not ok:
                    return False
        elif value != cond or type(value) is not type(cond):
            return False
    return True


def _key(field, desc):
    def key(doc):
        value = doc.get(field)
        # MongoDB: an absent field sorts first; strings by their UTF-8 bytes.
        rank = (
            (0, b"") if value is None else (1, value.encode() if isinstance(value, str) else value)
        )
        return rank

    return key


QUERIES = [
    {"k": "a"},
    {"k": "ä"},
    {"k": {"$gte": "a", "$lt": "a\uffff"}},
    {"k": {"$in": ["b", "A"]}},
    {"at": {"$gte": datetime(2026, 2, 1, tzinfo=UTC)}, "k": "c"},
    {"n": {"$lt": 0}},
    {"flag": True, "k": "b"},
    {"s": "中文"},
    {"s": ""},
    {"n": None, "k": "a"},  # null: absent or null
    {"k": "a", "free": "p"},  # partly pushed: FerretDB filters the rest
    {},
]


@embedded_only
def test_pushed_queries_answer_exactly_what_mongodb_would(scratch):
    docs = _docs(3000)
    scratch.insert_many([dict(d) for d in docs])
    stored = list(scratch.find({}))
    for query in QUERIES:
        expected = [d for d in stored if _matches(d, query)]
        assert scratch.count_documents(query) == len(expected), query
        assert scratch.database.command("count", scratch.name, query=query)["n"] == len(expected)
        for field, desc in (("at", True), ("at", False), ("k", False), ("n", True)):
            ordered = sorted(expected, key=_key(field, desc), reverse=desc)
            for skip, limit in ((0, 20), (37, 15), (len(expected) - 5, 20)):
                got = list(
                    scratch.find(query)
                    .sort(field, -1 if desc else 1)
                    .skip(max(skip, 0))
                    .limit(limit)
                )
                want = ordered[max(skip, 0) : max(skip, 0) + limit]
                # ties may come in any order: compare the sort keys, then the sets
                assert [_key(field, desc)(d) for d in got] == [_key(field, desc)(d) for d in want]
                if field == "at":
                    assert [d["_id"] for d in got] == [d["_id"] for d in want], (query, field, skip)


@embedded_only
def test_a_page_of_ids_is_one_search_of_the_id_index(scratch):
    scratch.insert_many([dict(d) for d in _docs(500)])
    ids = [d["_id"] for d in scratch.find({}).limit(200)][::40]
    got = {d["_id"] for d in scratch.find({"_id": {"$in": ids}})}
    assert got == set(ids)
    assert scratch.count_documents({"_id": {"$in": ids}, "k": "a"}) == len(
        [d for d in scratch.find({"_id": {"$in": ids}}) if d.get("k") == "a"]
    )
    ex = mongoengine.get_db().command(
        {"explain": {"find": scratch.name, "filter": {"_id": {"$in": ids}}}}
    )
    assert "USING INDEX" in " ".join(ex["queryPlanner"]["Plan"]), ex["queryPlanner"]


def _plan(coll, query, sort, skip=0, limit=20):
    return mongoengine.get_db().command(
        {
            "explain": {
                "find": coll,
                "filter": query,
                "sort": dict(sort),
                "skip": Int64(skip),
                "limit": Int64(limit),
            }
        }
    )


@embedded_only
def test_each_screen_reads_its_page_from_its_index_in_order():
    """EXPLAIN of every screen's list query at every depth: SQLite searches the screen's
    index (no table scan, no sort of its own) and applies skip and limit."""
    for collection, order, _fields, screen, *depths in indexes.SCREEN_INDEXES:
        for scope in indexes.scope_fields(depths):
            ex = _plan(collection, {scope: "640104000000"}, order, skip=40)
            plan = " ".join(ex["queryPlanner"]["Plan"])
            assert f"USING INDEX {''}" in plan and f"pushdown_{scope}_" in plan, (screen, plan)
            assert "TEMP B-TREE" not in plan, (screen, plan)
            assert ex["filterPushdown"] and ex["sortPushdown"] and ex["limitPushdown"], screen


@embedded_only
def test_a_filter_on_a_declared_field_still_reads_the_page_in_order():
    ex = _plan("audit_log", {"scope2": XINGQING, "action": "view"}, [("at", -1)])
    plan = " ".join(ex["queryPlanner"]["Plan"])
    assert "pushdown_scope2_action_at_desc" in plan and "TEMP B-TREE" not in plan, plan


SCALAR_FIELDS = (StringField, DateTimeField, DateField, IntField, BooleanField)


def test_every_field_a_pushdown_index_names_is_a_scalar_of_its_document():
    """The contract the embedded server's pushdown relies on: no array, no document."""
    by_collection = {}
    for cls in common._document_registry.values():
        if not cls._meta.get("abstract") and cls._meta.get("collection"):
            by_collection[cls._meta["collection"]] = cls
    for collection, keys, name in indexes.screen_indexes():
        if not (name or "").startswith("pushdown_"):
            continue
        cls = by_collection[collection]
        for field, _direction in keys:
            f = cls._fields.get(field)
            assert isinstance(f, SCALAR_FIELDS), f"{collection}.{field} ({type(f).__name__})"


def test_every_record_filed_under_a_place_keeps_its_keys_per_depth(users):
    child = factories.make_child(CHUNLIN)
    assert [child.scope0, child.scope1, child.scope2, child.scope3, child.scope4] == list(
        child.place_path
    )
    stored = type(child)._get_collection().find_one({"_id": child.pk})
    assert [stored.get(f) for f in SCOPE_FIELDS] == list(child.place_path)
    township_user = users["station"]
    assert scope_filter(township_user) == {"scope3": ZHANGZHENG}
    assert type(child).objects.in_scope(township_user).count() == 1
    # a record filed higher up has no key below its own place
    station = factories.make_station(ZHANGZHENG)
    assert [station.scope3, station.scope4] == [ZHANGZHENG, None]
    assert type(station).objects.in_scope(users["village"]).count() == 0
    assert type(station).objects.in_scope(users["county"]).count() == 1


def test_a_moved_attachment_moves_its_keys():
    coll = mongoengine.get_db()["attachments"]
    old = Place.path_of(CHUNLIN)
    new = Place.path_of("640402100201")
    result = coll.insert_one({"place_path": old, "filename": "a.jpg"})
    attachments.move([str(result.inserted_id)], new)
    doc = coll.find_one({"_id": result.inserted_id})
    assert [doc[f] for f in SCOPE_FIELDS] == new


def test_every_kind_of_placed_record_saves_its_keys():
    """Each PlaceKeyed document gets the keys from its own save (not a view's)."""
    kinds = [
        cls
        for cls in common._document_registry.values()
        if issubclass(cls, PlaceKeyed) and not cls._meta.get("abstract")
    ]
    assert len(kinds) >= 20
    for cls in kinds:
        doc = cls(place_path=Place.path_of(CHUNLIN))
        doc.sync_scope()
        assert [getattr(doc, f) for f in SCOPE_FIELDS] == Place.path_of(CHUNLIN), cls.__name__


def _fill_audit(total, start):
    """`total` audit entries spread over the province's four townships, newest last."""
    towns = [p["_id"] for p in Place._get_collection().find({"level": "township"}, {"_id": 1})]
    coll = AuditEntry._get_collection()
    batch = []
    for i in range(total):
        path = Place.path_of(towns[i % len(towns)])
        entry = AuditEntry(
            at=start + timedelta(seconds=i),
            actor="bench",
            action="view",
            target_type="children",
            place_path=path,
            detail=f"第 {i} 条",
        ).synced()
        batch.append(entry.to_mongo().to_dict())
        if len(batch) == 5000:
            coll.insert_many(batch, ordered=False)
            batch = []
    if batch:
        coll.insert_many(batch, ordered=False)


def _page_ms(client, url, runs=5):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200
    return min(times), r


@pytest.fixture
def big_audit_log():
    """The log is dropped afterwards: FerretDB cannot delete_many more than 32,766
    documents in one command (SQLite's limit on variables)."""
    yield
    db = mongoengine.get_db()
    db["audit_log"].drop()
    for collection, keys, name in indexes.screen_indexes():
        if collection == "audit_log":
            db[collection].create_index(keys, name=name)


@embedded_only
def test_an_audit_page_costs_the_same_at_ten_times_the_entries(app, big_audit_log):
    """The benchmark's growth check, scaled down: a county's audit log, page 1 and a deep
    page, at 10,000 and at 100,000 entries of the whole province."""
    county = make_user("bench_county", "county", XINGQING)
    client = login_as(app, county)
    start = clock.now() - timedelta(days=30)
    figures = {}
    for size in (10_000, 100_000):
        _fill_audit(size - AuditEntry.objects.count(), start - timedelta(days=size // 10_000))
        first, r = _page_ms(client, "/audit/")
        deep, r2 = _page_ms(client, "/audit/?page=40")
        figures[size] = (first, deep)
        assert "第 " in text(r) and "第 " in text(r2)
    print("audit page ms (first, deep) by size:", figures)
    (small_first, small_deep), (big_first, big_deep) = figures[10_000], figures[100_000]
    assert big_first < 2 * small_first + 30, figures
    assert big_deep < 2 * small_deep + 30, figures


def test_filters_offer_only_the_villages_of_the_area_shown(app, users):
    """A province or city page without an area offers no village (Ningxia's 2,912 made a
    full-身份证 search page 438 KB); with an area, its villages; a county its own."""
    province = login_as(app, users["province"])
    page = province.get("/children/?search=640104").get_data(as_text=True)
    assert CHUNLIN not in page and "640402100201" not in page
    page = province.get(f"/children/?area={ZHANGZHENG}").get_data(as_text=True)
    assert CHUNLIN in page and "640402100201" not in page
    county = login_as(app, users["county"]).get("/children/").get_data(as_text=True)
    assert CHUNLIN in county and "640402100201" not in county


@embedded_only
def test_the_landing_pages_case_figures_are_counted_from_indexes():
    """Each figure is a count the server answers from an index of the user's depth (a
    province's figures cost what a township's do)."""
    for scope in SCOPE_FIELDS:
        for query in ({"step": "intake"}, {"klass": "report"}, {"serious_harm": True}):
            ex = mongoengine.get_db().command(
                {
                    "explain": {
                        "aggregate": "cases",
                        "pipeline": [
                            {"$match": {scope: XINGQING, **query}},
                            {"$group": {"_id": 1, "n": {"$sum": 1}}},
                        ],
                        "cursor": {},
                    }
                }
            )
            plan = " ".join(ex["queryPlanner"]["Plan"])
            assert "USING INDEX" in plan and ex["filterPushdown"], (scope, query, plan)
            if "serious_harm" not in query:  # a figure: both conditions in the index
                assert "(<expr>=? AND <expr>=?)" in plan, (scope, query, plan)


def test_the_migration_gives_older_records_their_keys(users):
    """A database from before the keys: `flask migrate` fills them, so no record drops
    out of its lists after the upgrade."""
    from admin_app import migrations
    from admin_app.documents import Child

    child = factories.make_child(CHUNLIN)
    coll = Child._get_collection()
    coll.update_one({"_id": child.pk}, {"$unset": {f: "" for f in SCOPE_FIELDS}})
    assert Child.objects.in_scope(users["station"]).count() == 0  # invisible until migrated
    assert "条记录写入分级地点键" in migrations._scope_fields(mongoengine.get_db())
    assert Child.objects.in_scope(users["station"]).count() == 1
    assert [coll.find_one({"_id": child.pk})[f] for f in SCOPE_FIELDS] == list(child.place_path)


@embedded_only
def test_the_landing_pages_to_do_lists_are_read_from_indexes(users):
    """The serious cases waiting for their first visit, the new reports, the late
    referrals and the public reports waiting of the landing page: the queries the app sends are answered from an index
    holding every condition (at 2,500 cases a province's page read every case: 48–51 ms
    each, scripts/benchmark.py)."""
    from admin_app.services.figures import todos

    db = mongoengine.get_db()
    for role in ("station", "county", "city", "province"):
        TOUCHED.recording = []
        try:
            todos.case_todos(users[role])
            sent = [c for name, c in TOUCHED.recording if name == "find"]
        finally:
            TOUCHED.recording = None
        kinds = sorted({cmd["find"] for cmd in sent})
        assert kinds == ["cases", "public_reports", "referrals"], sent  # nothing waits: no
        # look-up of which townships have a station account (services/cases/public.py)
        for cmd in sent:
            keep = ("find", "filter", "sort", "limit", "projection")
            ex = db.command({"explain": {k: v for k, v in cmd.items() if k in keep}})
            plan = " ".join(ex["queryPlanner"]["Plan"])
            conditions = len(cmd["filter"])
            if "_id" in cmd["filter"]:  # the page of the county's inbox, by id
                assert "USING INDEX" in plan and "SCAN" not in plan, plan
                continue
            assert "_pushdown_scope" in plan and ex["filterPushdown"], (role, plan)
            assert plan.count("<expr>") >= conditions, (role, cmd["filter"], plan)
            if cmd["find"] == "cases":  # and in the page's order (referrals: two statuses
                assert "TEMP B-TREE" not in plan, plan  # merged, the late ones sorted)


def test_a_province_or_city_audit_page_does_not_count_the_whole_log(app, users):
    """At 3,000,000 entries the province's count cost 269 of the page's 353 ms: the
    province and the cities page their log by 上一页/下一页 without a total."""
    for role, counted in (("province", False), ("city", False), ("county", True)):
        client = login_as(app, users[role])
        TOUCHED.recording = []
        try:
            page = client.get("/audit/")
            sent = [c for name, c in TOUCHED.recording if name == "aggregate"]
        finally:
            TOUCHED.recording = None
        assert page.status_code == 200
        counts = [c for c in sent if c.get("aggregate") == "audit_log"]
        assert bool(counts) == counted, (role, counts)
