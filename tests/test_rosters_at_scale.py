"""What keeps county and province pages fast on the embedded database, and keeps them
right: roster rows stored as JSON text, township figures cached and invalidated, a
city or the province listing one area at a time, and roster writes that are never lost
when several clerks save at once."""

import html
import json
import re
import threading
from datetime import date, timedelta

from bson import ObjectId

from admin_app.core import clock
from admin_app.documents import Child, Roster, RosterSummary
from admin_app.services.children import roster
from admin_app.services.figures import summaries, todos
from tests import factories, when
from tests.conftest import login_as, text
from tests.factories import make_user

ZHANGZHENG, TONGGUI, SANYING = "640104100000", "640104200000", "640402100000"
CHUNLIN, TONGXI = "640104100201", "640104200201"
COUNT_RE = re.compile(r'<span id="row-count">(\d+)</span>')


BIRTH = when.born(11, 200)  # every child here unless a test says otherwise


def id_for(region: str, birth, seq: str) -> str:
    return when.id_number(birth, seq, region)


def village_of(township: str) -> str:
    from admin_app.documents import Place

    return Place.children_of(township, "village")[0]["_id"]


def make_child(village, name, id_number=None, **kw) -> Child:
    kw.setdefault("gender", "F")
    kw.setdefault("birth_date", BIRTH)
    return factories.make_child(village, name, id_number=id_number, **kw)


def roster_only(village, name) -> Child:
    """A child whose roster row is written without an archive (the roster's own tests)."""
    child = Child(name=name, gender="F", birth_date=BIRTH, no_id_reason="not_issued")
    child.set_place(village)
    child.pk = ObjectId()
    roster.put(child)
    return child


def row_count(resp) -> int:
    found = COUNT_RE.search(text(resp))
    assert found, text(resp)[:500]
    return int(found.group(1))


# ---- storage ----
def test_rows_are_json_text_and_visit_dates_apart(app, users):
    child = make_child(CHUNLIN, "马小花", risk_level="high")
    roster.set_visit_dates(child, date(2026, 12, 1), date(2026, 11, 1))
    raw = Roster._get_collection().find_one({"_id": ZHANGZHENG})
    assert isinstance(raw["rows"][str(child.pk)], str)
    assert raw["visits"][str(child.pk)] == "2026-12-01|2026-11-01"
    (row,) = roster.rows_for(users["station"])
    assert row["name"] == "马小花" and row["risk"] == "high"
    assert (row["next_visit"], row["last_visit"]) == ("2026-12-01", "2026-11-01")
    # Saving the archive again leaves the visit dates alone.
    child.name = "马小华"
    roster.put(child)
    (row,) = roster.rows_for(users["station"])
    assert row["name"] == "马小华" and row["next_visit"] == "2026-12-01"


def test_rosters_written_before_the_text_layout_are_still_read(app, users):
    Roster._get_collection().insert_one(
        {
            "_id": ZHANGZHENG,
            "rows": {
                "a" * 24: {
                    "name": "旧格式",
                    "gender": "M",
                    "birth": "2014-01-02",
                    "village": CHUNLIN,
                    "status": "active",
                    "next_visit": "2026-12-05",
                    "last_visit": None,
                }
            },
        }
    )
    (row,) = roster.rows_for(users["station"])
    assert (row["name"], row["next_visit"], row["id"]) == ("旧格式", "2026-12-05", "a" * 24)


def test_clerks_saving_at_once_lose_no_roster_row(app):
    """Eight clerks each saving ten archives of one township at the same time."""

    def clerk(k):
        for i in range(10):
            roster_only(CHUNLIN, f"儿童{k}-{i}")

    threads = [threading.Thread(target=clerk, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rows = roster.township_rows(ZHANGZHENG)
    assert len(rows) == 80
    assert RosterSummary.objects.get(pk=ZHANGZHENG).stamp == 80


# ---- cached township figures ----
def test_county_figures_follow_every_change(app, users):
    county = users["county"]
    first = make_child(CHUNLIN, "甲", risk_level="high")
    assert summaries.for_user(county)["active"] == 1
    assert summaries.for_user(county)["risk"] == {"high": 1}
    # The second read comes from the stored figures: prove it by planting one there.
    plant(ZHANGZHENG, active=999)
    assert summaries.for_user(county)["active"] == 999
    # Any roster change makes the township's figures be computed again.
    roster.put(first)
    assert summaries.for_user(county)["active"] == 1
    child = make_child(TONGXI, "乙")
    assert summaries.for_user(county)["active"] == 2
    child.status = "moved"
    roster.put(child)
    assert summaries.for_user(county)["active"] == 1
    roster.remove(child.pk, TONGGUI)
    assert summaries.by_township(county)[TONGGUI]["active"] == 0


def plant(township, **values):
    """Change a township's stored figures in place (to tell them from computed ones)."""
    coll = RosterSummary._get_collection()
    doc = coll.find_one({"_id": township})
    figures = json.loads(doc["figures"])
    figures.update(values)
    coll.update_one({"_id": township}, {"$set": {"figures": json.dumps(figures)}})
    summaries.forget()  # the process keeps decoded figures by the roster's token


def test_stored_figures_serve_the_following_days_without_computing(app, users, time_travel):
    """Issue 13: the to-dos move with the date, and figures were computed per day, so the
    first county or province page of each day read every roster (province 4.2 s). The
    stored figures count dated to-dos per date: a new day reads them as they are."""
    make_child(CHUNLIN, "甲")
    roster.set_visit_dates(Child.objects.get(), clock.today() + timedelta(days=3), None)
    assert todos.counts(users["county"])["visit_soon"] == 1
    plant(ZHANGZHENG, active=5)  # proves the later reads come from the stored document
    time_travel.shift(timedelta(days=3))
    got = summaries.for_user(users["county"])
    assert got["active"] == 5 and got["todos"]["visit_soon"] == 1
    time_travel.shift(timedelta(days=1))  # the visit date has passed: now overdue
    got = summaries.for_user(users["county"])
    assert got["active"] == 5
    assert got["todos"]["visit_soon"] == 0 and got["todos"]["visit_overdue"] == 1
    # Beyond the days they serve, they are computed again from the rows.
    time_travel.shift(timedelta(days=summaries.VALID_DAYS))
    got = summaries.for_user(users["county"])
    assert got["active"] == 1 and got["todos"]["visit_overdue"] == 1
    # A day other than today is computed from the rows, never from the stored figures.
    far = clock.today() + timedelta(days=30)
    assert todos.counts(users["county"], far)["visit_overdue"] == 1
    assert todos.counts(users["county"], far)["visit_soon"] == 0


def test_stored_figures_equal_the_rows_on_every_day_they_serve(app, users):
    """Each dated to-do at the edges of its window, counted from the stored figures on
    every day they serve, equals the rows counted directly on that day."""
    today = clock.today()
    rows = []
    for offset in range(-3, summaries.HORIZON + 3, 1):
        day = today + timedelta(days=offset)
        rows.append(
            {
                "status": "active",
                "review": "pending" if offset % 3 else "returned",
                "review_due": day.isoformat(),
                "next_visit": day.isoformat(),
                "last_visit": (day - timedelta(days=31)).isoformat() if offset % 5 else None,
                "risk": "high" if offset % 2 else "low",
                "frequency": ("weekly", "monthly", "quarterly")[offset % 3],
                "birth": (day.replace(year=day.year - 18)).isoformat()
                if not (day.month == 2 and day.day == 29)
                else (day - timedelta(days=1)).replace(year=day.year - 18).isoformat(),
                "categories": ["留守儿童"],
            }
        )
    rows.append({"status": "moved", "next_visit": today.isoformat(), "birth": "2015-01-01"})
    kept = summaries.stored(rows, today)
    for shift in range(0, summaries.VALID_DAYS + 1):
        day = today + timedelta(days=shift)
        expected = {kind: len(todos.todo_rows(rows, kind, day)) for kind in todos.KINDS}
        assert summaries.on(kept, day)["todos"] == expected, day
        assert summaries.summarize(rows, day)["todos"] == expected
    assert any(summaries.on(kept, today)["todos"].values())


def test_refresh_computes_every_township(app, users):
    make_child(CHUNLIN, "甲")
    make_child(village_of(SANYING), "丙")
    assert summaries.refresh() >= 4
    docs = {d["_id"]: json.loads(d["figures"]) for d in RosterSummary._get_collection().find({})}
    assert docs[ZHANGZHENG]["active"] == 1
    assert docs[SANYING]["active"] == 1
    assert docs[TONGGUI]["active"] == 0


# ---- a city or the province lists one area at a time ----
def test_province_picks_an_area_first(app, users):
    number = id_for("640104", BIRTH, "002")
    make_child(CHUNLIN, "马小花", id_number=number)
    make_child(TONGXI, "王强")
    make_child(village_of(SANYING), "李娟")
    c = login_as(app, users["province"])
    page = text(c.get("/children/"))
    assert 'id="area-chooser"' in page
    for name in ("马小花", "王强", "李娟"):
        assert name not in page
    links = dict(
        (m.group(2), html.unescape(m.group(1)))
        for m in re.finditer(r'class="area-link" href="([^"]+)">([^<]+)<', page)
    )
    assert set(links) >= {"银川市兴庆区", "固原市原州区"}
    assert row_count(c.get(links["银川市兴庆区"])) == 2
    assert row_count(c.get(links["固原市原州区"])) == 1
    assert row_count(c.get(f"/children/?area={TONGGUI}")) == 1
    # A complete 身份证 number finds the child anywhere inside the place, without an area.
    found = c.get(f"/children/?search={number}")
    assert row_count(found) == 1 and "马小花" in text(found)
    # The export asks for an area too, and then gives it whole.
    resp = c.get("/children/export/csv/")
    assert resp.status_code == 302
    assert "请先选择县（区）或乡镇（街道）" in text(c.get(resp.headers["Location"]))
    csv = c.get(f"/children/export/csv/?area={users['county'].place}").data.decode("utf-8-sig")
    assert "马小花" in csv and "王强" in csv and "李娟" not in csv


def test_city_cannot_reach_another_city_by_area_or_number(app, users):
    number = id_for("640402", BIRTH, "006")
    make_child(village_of(SANYING), "李娟", id_number=number)
    c = login_as(app, users["city"])  # 银川市
    outside = c.get(f"/children/?area={SANYING}")
    assert "所选地区不在您的管辖范围内" in text(outside)
    assert "李娟" not in text(outside) and row_count(outside) == 0
    searched = c.get(f"/children/?search={number}")
    assert "李娟" not in text(searched)
    unknown = c.get(f"/children/?search={id_for('640104', when.born(12, 3), '009')}")
    assert text(searched).count("row-count") == text(unknown).count("row-count")
    assert row_count(searched) == row_count(unknown) == 0
    export = c.get(f"/children/export/csv/?area={SANYING}").data.decode("utf-8-sig")
    assert "李娟" not in export


def test_county_can_narrow_to_a_township(app, users):
    make_child(CHUNLIN, "马小花")
    make_child(TONGXI, "王强")
    c = login_as(app, users["county"])
    assert row_count(c.get("/children/")) == 2
    one = c.get(f"/children/?area={TONGGUI}")
    assert row_count(one) == 1 and "王强" in text(one) and "马小花" not in text(one)
    page = text(c.get("/children/"))
    assert f'<option value="{TONGGUI}"' in page  # the area select offers its townships
    assert f'<option value="{SANYING}"' not in page


def test_county_landing_page_links_each_township_to_its_list(app, users):
    make_child(CHUNLIN, "马小花")
    make_child(CHUNLIN, "马小军")
    make_child(TONGXI, "王强")
    c = login_as(app, users["county"])
    towns = {t["key"]: t for t in c.get("/api/figures.json").get_json()["townships"]}
    for key, expected in ((ZHANGZHENG, 2), (TONGGUI, 1)):
        fig = towns[key]["children"]
        assert fig["count"] == expected
        assert row_count(c.get(fig["url"])) == expected


def test_users_of_another_place_exist(app, users):
    """The fixture's province, city and county are the ones the tests above assume."""
    assert users["county"].place == "640104000000"
    assert users["city"].place == "640100000000"
    other = make_user("u_other_county", "county", "640402000000")
    c = login_as(app, other)
    make_child(CHUNLIN, "马小花")
    assert "马小花" not in text(c.get(f"/children/?area={ZHANGZHENG}"))


def test_warm_figures_command_and_rebuild_forget_the_cache(app, users):
    make_child(CHUNLIN, "甲")
    r = app.test_cli_runner().invoke(args=["warm-figures"])
    assert r.exit_code == 0 and "个乡镇（街道）的今日统计" in r.output
    assert json.loads(RosterSummary.objects.get(pk=ZHANGZHENG).figures)["active"] == 1
    Child.objects.delete()  # the archives are gone; a rebuild must not keep old figures
    app.test_cli_runner().invoke(args=["rebuild-rosters"])
    assert summaries.for_user(users["county"])["active"] == 0
    assert roster.rows_for(users["county"]) == []


def test_rebuild_goes_township_by_township_and_never_leaves_a_list_empty(app, users, monkeypatch):
    """Issue 13: the rebuild held every archive of Ningxia in memory (1 GB at 60,000) and
    emptied every roster before writing them back. Now each township's roster is built
    from its own archives and replaced by one write while readers go on."""
    from admin_app.services.visits import book as visits_book

    for i in range(6):
        make_child(
            CHUNLIN if i % 2 else TONGXI, f"孩子{i}", id_for("640104", BIRTH, f"{2 * i:03d}")
        )
    before = {
        t: sorted(Roster._get_collection().find_one({"_id": t})["rows"])
        for t in (ZHANGZHENG, TONGGUI)
    }
    real = visits_book.visit_dates
    monkeypatch.setattr(
        visits_book, "visit_dates", lambda cid: (threading.Event().wait(0.05), real(cid))[1]
    )
    seen, done = [], threading.Event()

    def reader():
        while not done.is_set():
            doc = Roster._get_collection().find_one({"_id": ZHANGZHENG}) or {}
            seen.append(len(doc.get("rows", {})))

    t = threading.Thread(target=reader)
    t.start()
    try:
        assert roster.rebuild() == 6
    finally:
        done.set()
        t.join()
    assert seen and min(seen) == 3, seen  # never an empty (or half) list
    after = {
        t: sorted(Roster._get_collection().find_one({"_id": t})["rows"])
        for t in (ZHANGZHENG, TONGGUI)
    }
    assert after == before


def test_figures_are_warmed_next_at_five_past_midnight_ningxia_time():
    from datetime import UTC, datetime

    # 2026-11-29 15:00 UTC is 23:00 in Ningxia: the next run is in 1 h 5 min.
    assert summaries.seconds_until_next_warm(datetime(2026, 11, 29, 15, 0, tzinfo=UTC)) == 3900
    # 00:05 exactly has just run: the next is a day later.
    assert summaries.seconds_until_next_warm(datetime(2026, 11, 29, 16, 5, tzinfo=UTC)) == 86400
    assert summaries.seconds_until_next_warm(datetime(2026, 11, 29, 16, 4, tzinfo=UTC)) == 60


def test_the_warmer_thread_computes_every_township_once_started(app):
    import time

    make_child(CHUNLIN, "甲")
    RosterSummary.objects.delete()
    thread = summaries.start_warmer(app)
    try:
        assert summaries.start_warmer(app) is thread  # one per process
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            doc = RosterSummary._get_collection().find_one({"_id": ZHANGZHENG}) or {}
            if doc.get("figures"):
                break
            time.sleep(0.05)
        figures = json.loads(doc["figures"])
        assert figures["active"] == 1 and figures["day"] == clock.today().isoformat()
        # After a roster write the keeper computes the township again, before any read.
        make_child(CHUNLIN, "乙")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            doc = RosterSummary._get_collection().find_one({"_id": ZHANGZHENG})
            if doc.get("computed") == doc["stamp"]:
                break
            time.sleep(0.05)
        assert doc["computed"] == doc["stamp"]
        assert json.loads(doc["figures"])["active"] == 2
    finally:
        summaries.stop_warmer()
    assert not thread.is_alive()


# ---- decoded rosters kept in the process, keyed by a random change token ----
def test_rows_come_from_the_process_cache_until_the_roster_changes(app, users):
    child = make_child(CHUNLIN, "马小花")
    assert [r["name"] for r in roster.rows_for(users["station"])] == ["马小花"]
    # Changed behind roster.py's back (no new token): the cached rows are served...
    Roster._get_collection().update_one({"_id": ZHANGZHENG}, {"$set": {"rows": {}}})
    assert [r["name"] for r in roster.rows_for(users["station"])] == ["马小花"]
    # ...and any write through roster.py makes every process read the roster again.
    child.name = "马小华"
    roster.put(child)
    assert [r["name"] for r in roster.rows_for(users["station"])] == ["马小华"]
    # Callers get their own dicts: changing one changes nothing cached.
    roster.rows_for(users["station"])[0]["name"] = "改掉"
    assert roster.rows_for(users["county"])[0]["name"] == "马小华"


def test_an_emptied_database_never_matches_rows_cached_before(app, users):
    from tests.conftest import empty_database, make_places

    make_child(CHUNLIN, "马小花")
    assert len(roster.rows_for(users["county"])) == 1
    empty_database()
    make_places()
    assert roster.rows_for(users["county"]) == []


def test_the_cache_keeps_a_bounded_number_of_rows(app, users, monkeypatch):
    make_child(CHUNLIN, "甲")
    make_child(CHUNLIN, "乙")
    make_child(TONGXI, "丙")
    roster.forget_cache()
    monkeypatch.setattr(roster, "CACHE_MAX_ROWS", 2)
    assert len(roster.rows_for(users["county"])) == 3
    assert list(roster._cache) == [TONGGUI]  # the older township was dropped
    assert roster._cache_rows == 1


def test_village_filter_offers_the_villages_of_the_area_listed(app, users):
    baohu, sanying_village = "640106001001", village_of(SANYING)
    c = login_as(app, users["province"])
    # The options are in the page's filter JSON. Without an area a province (or city)
    # page offers none: Ningxia's 2,912 villages made a search page 438 KB (issue 13).
    everywhere = text(c.get("/children/"))
    assert CHUNLIN not in everywhere and baohu not in everywhere
    assert sanying_village not in everywhere
    one = text(c.get(f"/children/?area={TONGGUI}"))
    assert TONGXI in one and CHUNLIN not in one and baohu not in one
    # An area outside the user's place is no area: a city then offers none either.
    page = text(login_as(app, users["city"]).get(f"/children/?area={SANYING}"))
    assert CHUNLIN not in page and sanying_village not in page
    county = text(login_as(app, users["county"]).get("/children/"))
    assert CHUNLIN in county and TONGXI in county and baohu not in county


def test_a_mistyped_number_searched_without_an_area_says_why(app, users):
    bad = id_for("640104", BIRTH, "002")[:-1] + "0"
    if bad == id_for("640104", BIRTH, "002"):
        bad = bad[:-1] + "1"
    page = text(login_as(app, users["province"]).get(f"/children/?search={bad}"))
    assert "检索的身份证号码校验位不正确，请核对号码。" in page
    assert 'id="area-chooser"' in page


def test_a_second_read_of_the_figures_takes_only_the_documents_heads(app, users):
    """The stored figures are decoded once per process and roster version: a province's
    landing page read 259 full documents (81 ms at five years of data) on every view."""
    from tests.conftest import TOUCHED

    make_child(CHUNLIN, "甲")
    county = users["county"]
    assert summaries.for_user(county)["active"] == 1
    TOUCHED.recording = []
    try:
        assert summaries.for_user(county)["active"] == 1
        reads = [c for name, c in TOUCHED.recording if c.get("find") == "roster_summaries"]
    finally:
        TOUCHED.recording = None
    assert reads and all(
        set(c.get("projection") or {}) <= {"stamp", "computed", "token"} for c in reads
    )
    make_child(CHUNLIN, "乙")  # a new token: the stored figures are read (and computed) again
    assert summaries.for_user(county)["active"] == 2
