"""Issue 16 (part): 工作考核 — each village 儿童主任's and each station's figures for a period,
counted by hand on planted data and against the list each figure links to; the
assessment sheet (grade and comment, Word and Excel, hostile text literal); the county's
summary; every place checked inside the user's."""

import io
import json
import re
from datetime import date, timedelta

import pytest
from docx import Document
from openpyxl import load_workbook

from admin_app.core import clock
from admin_app.documents.appraisal import AppraisalSheet
from admin_app.documents.case import Case, ChildInfo
from admin_app.documents.spot_check import SpotCheck, SpotItem
from admin_app.services import appraisal, visits
from admin_app.services.children import review
from admin_app.services.reports import periods
from tests import when
from tests.conftest import login_as, text
from tests.factories import make_child, make_user
from tests.places import CHUNLIN, TONGXI, ZHANGZHENG, ZHANGZHENG_V

HOSTILE = "走访扎实 & 记录<完整> {{ grade }} {% if x %} 请继续\n第二行"
H2 = {"kind": "H2", "year": "2027"}


def at(time_travel, text_: str) -> None:
    time_travel.move_to(when.beijing(text_))


def visit(child, day: date, user):
    visits.record_visit(
        child.reload(),
        {"date": day, "kind": "regular", "visitors": user.display_name, "guardianship": "正常"},
        user,
    )


def plant_case(number: str, place: str, by: str, reported: str) -> Case:
    case = Case(
        number=number,
        channel="visit",
        child_info=ChildInfo(name=f"报告{number}"),
        reported_at=when.beijing(reported),
        created_by=by,
    )
    case.set_place(place)
    case.save()
    return case


@pytest.fixture
def half_year(app, time_travel):
    """2027年下半年 in 掌政镇, step by step on the clock (a calendar of its own):
    春林村's 儿童主任 makes two archives (one reviewed after 3 days, one returned after 3);
    archive A has six monthly planned visits (10 July … 10 December) and three visits:
    9 July (on time), 15 August (fulfils 10 August, 5 days late), 10 October (fulfils the
    still open 10 September, 30 days late); 10 October, 10 November, 10 December never made.
    掌政村 has an archive the station made and one visit; 通贵乡 has work that never counts."""
    at(time_travel, "2027-07-05 09:00")
    director = make_user("cl_director", "village", CHUNLIN, display_name="春林儿童主任")
    station = make_user("zz_station", "station", ZHANGZHENG, display_name="掌政督导员")
    county = make_user("xq_county", "county", "640104000000")
    other = make_user("tg_station", "station", "640104200000")
    with app.test_request_context():
        a = make_child(CHUNLIN, "甲", frequency="monthly", by=director, planned=False)
        b = make_child(CHUNLIN, "乙", frequency="monthly", by=director, planned=False)
        c = make_child(ZHANGZHENG_V, "丙", frequency="monthly", by=station, planned=False)
        far = make_child(TONGXI, "丁", frequency="monthly", by=other, planned=False)
        visits.make_year_plan(a, 2027, director, start=date(2027, 7, 10))
        visits.make_year_plan(far, 2027, other, start=date(2027, 7, 10))
        at(time_travel, "2027-07-08 15:00")
        review.review(a.reload(), station, "")
        review.return_for_changes(b.reload(), station, "请补充监护人电话")
        for day, child, who in (
            ("2027-07-09", a, director),
            ("2027-08-15", a, director),
            ("2027-09-01", c, station),
            ("2027-09-02", far, other),
            ("2027-10-10", a, director),
        ):
            at(time_travel, f"{day} 18:00")
            visit(child, date.fromisoformat(day), who)
    plant_case("R1", CHUNLIN, "cl_director", "2027-11-03 20:15")
    plant_case("R2", ZHANGZHENG, "zz_station", "2027-11-04 09:00")
    plant_case("R0", CHUNLIN, "cl_director", "2027-06-30 23:50")  # the first half: not counted
    plant_case("R9", TONGXI, "tg_station", "2027-11-05 09:00")
    check = SpotCheck(seed="s", archives=3, visits=0, visit_days=90, drawn_on=date(2027, 11, 1))
    check.items = [
        SpotItem(kind="archive", child=str(a.pk), child_name="甲", result="confirmed"),
        SpotItem(kind="archive", child=str(b.pk), child_name="乙", result="discrepancy"),
        SpotItem(kind="archive", child=str(c.pk), child_name="丙"),  # not checked yet
    ]
    check.items[0].checked_on = check.items[1].checked_on = date(2027, 11, 2)
    check.set_place(CHUNLIN)
    check.save()
    at(time_travel, "2027-12-20 10:00")
    return {"director": director, "station": station, "county": county, "a": a, "b": b}


def figures(place=CHUNLIN, kind="H2"):
    found = appraisal.township_figures(ZHANGZHENG, periods.period(kind, 2027))
    return found["station"] if place == ZHANGZHENG else found["villages"][place]


def test_each_figure_is_the_hand_count(app, half_year):
    with app.test_request_context():
        f = figures()
        assert {k: f[k] for k in appraisal.FIGURES} == {
            "planned": 6,  # 10 July … 10 December, all before 20 December
            "on_time": 1,
            "late": 2,
            "missed": 3,
            "visits": 3,
            "created": 2,
            "reviews": 2,
            "returned": 1,
            "overdue": 1,  # 甲's next planned visit, 10 October, 71 days ago
            "reports": 1,  # R1: entered by the 儿童主任 in the half (R0 is 30 June)
            "checked": 2,
            "discrepancies": 1,
        }
        assert f["on_time_rate"] == 17  # 1 of 6
        assert (f["review_days_avg"], f["review_days_max"]) == (3.0, 3)
        assert f["overdue_oldest"] == (date(2027, 12, 20) - date(2027, 10, 10)).days
        assert f["last_activity"] == "2027年10月10日 18:00"  # the 儿童主任's last visit entered
        other = figures(ZHANGZHENG_V)
        assert (other["visits"], other["created"], other["planned"], other["reports"]) == (
            1,
            1,
            0,
            0,
        )
        station = figures(ZHANGZHENG)
        assert (station["planned"], station["visits"], station["created"]) == (6, 4, 3)
        assert station["reports"] == 2  # the township's cases: R1 and the station's R2
        # the first half of 2027 holds none of it; the overdue to-do is today's
        first = figures(kind="H1")
        assert first["planned"] == first["visits"] == first["created"] == first["reviews"] == 0
        assert first["reports"] == 1 and first["overdue"] == 1  # R0, 30 June 23:50 Beijing time


def _links(html: str) -> dict[str, str]:
    """{figure: the href of the first link of that figure} on a page."""
    out = {}
    for href, code in re.findall(r'<a href="([^"]+)" data-figure="(\w+)">', html):
        out.setdefault(code, href.replace("&amp;", "&"))
    return out


def test_every_figure_links_to_the_list_it_counts(app, half_year):
    clerk = login_as(app, half_year["station"])
    page = clerk.get("/appraisal/", query_string=H2)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "春林儿童主任" in html
    with app.test_request_context():
        village, station = figures(), figures(ZHANGZHENG)
    for place, expected in ((CHUNLIN, village), (ZHANGZHENG, station)):
        row = html.split(f'id="row-{place if place == CHUNLIN else "station"}"')[1].split("</tr>")[
            0
        ]
        links = _links(row)
        assert set(links) == set(appraisal.FIGURES), place
        for code, href in links.items():
            listing = clerk.get(href)
            body = listing.get_data(as_text=True)
            count = int(re.search(r'id="items-count">(\d+)<', body).group(1))
            rows = body.count('class="appraisal-item"')
            assert count == rows == expected[code], (place, code, count, rows)
    late = text(clerk.get(f"/appraisal/items/?place={CHUNLIN}&figure=late&kind=H2&year=2027"))
    assert "2027年8月15日走访，晚 5 天" in late and "2027年10月10日走访，晚 30 天" in late
    assert "丁" not in text(
        clerk.get(f"/appraisal/items/?place={ZHANGZHENG}&figure=visits&kind=H2&year=2027")
    )


def test_the_county_sees_its_stations_side_by_side_and_the_summary(app, half_year):
    officer = login_as(app, half_year["county"])
    html = officer.get("/appraisal/", query_string=H2).get_data(as_text=True)
    row = html.split(f'id="row-{ZHANGZHENG}"')[1].split("</tr>")[0]
    with app.test_request_context():
        station = figures(ZHANGZHENG)
    assert {c: int(v) for c, v in re.findall(r'data-figure="(\w+)">(\d+)<', row)} == {
        k: station[k] for k in appraisal.FIGURES
    }
    tonggui = html.split('id="row-640104200000"')[1].split("</tr>")[0]
    assert re.search(r'data-figure="visits">1<', tonggui)  # 通贵乡's own visit, beside
    total = html.split('id="row-total"')[1].split("</tr>")[0]
    assert re.search(r'data-figure="visits">5<', total)
    sheet = load_workbook(
        io.BytesIO(
            officer.get("/appraisal/summary/excel/?place=640104000000&kind=H2&year=2027").data
        )
    ).active
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    zz = next(r for r in values if r[1] == "掌政镇")
    assert zz[2:9] == [6, 1, "17%", 3, 4, 3, 2]
    assert values[-1][1] == "合计" and values[-1][6] == 5
    word = Document(
        io.BytesIO(
            officer.get("/appraisal/summary/word/?place=640104000000&kind=H2&year=2027").data
        )
    )
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    assert "掌政镇" in cells and "1（17%）" in cells


def test_the_sheet_is_graded_by_the_station_and_prints_what_it_was_graded_on(
    app, half_year, time_travel
):
    clerk = login_as(app, half_year["station"])
    url = f"/appraisal/sheet/?village={CHUNLIN}&kind=H2&year=2027"
    assert "本期尚未评定" in text(clerk.get(url))
    form = {"village": CHUNLIN, **H2, "grade": "good", "comment": HOSTILE, "version": ""}
    # a missing grade: refused, the comment typed kept on the page
    refused = clerk.post("/appraisal/sheet/save/", data={**form, "grade": ""})
    assert "请选择考核等次" in text(refused) and "{{ grade }}" in text(refused)
    assert AppraisalSheet.objects.count() == 0
    assert clerk.post("/appraisal/sheet/save/", data=form).status_code == 302
    sheet = AppraisalSheet.objects.get()
    assert (sheet.grade, sheet.comment, sheet.place) == ("good", HOSTILE, CHUNLIN)
    assert json.loads(sheet.figures)["planned"] == 6
    # saved again without a change: nothing written
    clerk.post("/appraisal/sheet/save/", data={**form, "version": str(sheet.version)})
    assert AppraisalSheet.objects.get().version == sheet.version
    # a visit afterwards: the page shows today's 4 beside the 3 graded on; the paper the 3
    with app.test_request_context():
        visit(half_year["b"], date(2027, 12, 19), half_year["director"])
    page = text(clerk.get(url))
    assert "评定时" in page
    doc = Document(
        io.BytesIO(clerk.get(f"/appraisal/sheet/word/?village={CHUNLIN}&kind=H2&year=2027").data)
    )
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert HOSTILE in cells and "良好" in cells
    visits_row = next(r for r in doc.tables[1].rows if r.cells[0].text == "走访记录（次）")
    assert visits_row.cells[1].text == "3"
    book = load_workbook(
        io.BytesIO(clerk.get(f"/appraisal/sheet/excel/?village={CHUNLIN}&kind=H2&year=2027").data)
    )
    values = {r[0].value: r[1].value for r in book.active.iter_rows() if r[0].value}
    assert values["考核意见"] == HOSTILE and values["走访记录（次）"] == 3  # a number
    assert values["应走访（次）"] == 6 and values["考核等次"] == "良好"


@pytest.mark.parametrize("role", ["village", "county", "social_worker"])
def test_only_the_station_grades(app, half_year, role):
    who = {
        "village": half_year["director"],
        "county": half_year["county"],
        "social_worker": make_user("zz_worker", "social_worker", ZHANGZHENG),
    }[role]
    client = login_as(app, who)
    form = {"village": CHUNLIN, **H2, "grade": "fail", "comment": "越权"}
    client.post("/appraisal/sheet/save/", data=form)
    assert AppraisalSheet.objects.count() == 0


def test_a_village_director_sees_only_their_own_sheet(app, half_year):
    director = login_as(app, half_year["director"])
    own = director.get("/appraisal/", query_string=H2)
    assert own.status_code == 302 and f"village={CHUNLIN}" in own.location
    page = director.get(own.location)
    assert page.status_code == 200 and "春林" in text(page)
    for url in (
        f"/appraisal/?place={ZHANGZHENG}",
        f"/appraisal/sheet/?village={ZHANGZHENG_V}",
        f"/appraisal/items/?place={ZHANGZHENG}&figure=visits",
        f"/appraisal/items/?place={ZHANGZHENG_V}&figure=visits",
        f"/appraisal/sheet/word/?village={ZHANGZHENG_V}",
        "/appraisal/summary/excel/?place=640104000000",
    ):
        resp = director.get(url)
        assert resp.status_code == 302, url
        assert "丙" not in text(director.get(resp.location))
    mine = text(director.get(f"/appraisal/items/?place={CHUNLIN}&figure=created&kind=H2&year=2027"))
    assert "甲" in mine and "乙" in mine


def test_the_figures_follow_a_change_at_once(app, half_year):
    with app.test_request_context():
        before = figures()["visits"]
        visit(half_year["a"], clock.today() - timedelta(days=1), half_year["director"])
        assert figures()["visits"] == before + 1


def test_kept_figures_serve_a_later_day_without_reading_again(app, half_year, time_travel):
    from admin_app.documents.appraisal import AppraisalFigures

    with app.test_request_context():
        first = figures()
        computed = AppraisalFigures.objects.get(pk=f"{ZHANGZHENG}|2027|H2").computed
        at(time_travel, "2028-01-25 10:00")  # 36 days on, nothing written
        later = figures()
        assert AppraisalFigures.objects.get(pk=f"{ZHANGZHENG}|2027|H2").computed == computed
        assert later["overdue_oldest"] == first["overdue_oldest"] + 36
        lists = appraisal.items(ZHANGZHENG, periods.period("H2", 2027))["villages"][CHUNLIN]
        assert {k: later[k] for k in appraisal.FIGURES} == {k: len(v) for k, v in lists.items()}
        ages = [i["days"] for i in lists["overdue"] if i["days"] is not None]
        assert later["overdue_oldest"] == max(ages)


def test_kept_figures_of_another_shape_are_read_again(app, half_year):
    from admin_app.documents.appraisal import AppraisalFigures

    with app.test_request_context():
        expected = figures()
        coll = AppraisalFigures._get_collection()
        coll.update_one({"_id": f"{ZHANGZHENG}|2027|H2"}, {"$set": {"form": 1, "figures": "{}"}})
        assert figures() == expected
        assert coll.find_one({"_id": f"{ZHANGZHENG}|2027|H2"})["form"] == appraisal.FORM


PERIOD_FIGURES = ("planned", "on_time", "late", "missed", "visits", "created", "reviews")


def test_the_ledger_and_the_books_say_the_same(app, half_year, time_travel):
    """A period before the ledger's horizon is read from the visit books and histories;
    a township whose ledger is lost is built again from them; both agree with the ledger."""
    from admin_app.documents.appraisal import AppraisalFigures, WorkLedger, WorkLedgerEntry
    from admin_app.services.appraisal import ledger

    with app.test_request_context():
        from_ledger = figures()
        WorkLedger.objects(pk=ZHANGZHENG).delete()
        WorkLedgerEntry.objects(township=ZHANGZHENG).delete()
        AppraisalFigures.objects.delete()
        assert figures() == from_ledger  # built again on the first read
        assert WorkLedger.objects.get(pk=ZHANGZHENG).form == ledger.FORM
        assert WorkLedgerEntry.objects(township=ZHANGZHENG).count() == 3  # 甲, 乙, 丙
        at(time_travel, "2029-03-01 10:00")  # 2027 is now before the horizon (1 January 2028)
        assert ledger.horizon() > date(2027, 7, 1)
        AppraisalFigures.objects.delete()
        from_books = figures()
        assert {k: from_books[k] for k in PERIOD_FIGURES} == {
            k: from_ledger[k] for k in PERIOD_FIGURES
        }
        assert (from_books["review_days_avg"], from_books["returned"]) == (3.0, 1)


def test_a_ledger_of_the_earlier_form_is_built_again_as_entries(app, half_year):
    """Form 2 kept a township's whole ledger in one document, rewritten at every visit; a
    database of that release is read into one entry per archive at its first read."""
    from admin_app.documents.appraisal import AppraisalFigures, WorkLedger, WorkLedgerEntry

    with app.test_request_context():
        expected = figures()
        WorkLedgerEntry.objects(township=ZHANGZHENG).delete()
        AppraisalFigures.objects.delete()
        WorkLedger._get_collection().replace_one(
            {"_id": ZHANGZHENG},
            {"form": 2, "since": "2026-01-01", "token": "t", "children": {"x": "{}"}},
        )
        assert figures() == expected
        head = WorkLedger._get_collection().find_one({"_id": ZHANGZHENG})
        assert "children" not in head and head["token"] == "t"
        assert WorkLedgerEntry.objects(township=ZHANGZHENG).count() == 3


def test_a_visit_writes_its_own_entry_and_a_moved_archive_takes_it_along(app, half_year):
    from admin_app.documents.appraisal import WorkLedgerEntry
    from admin_app.services.appraisal import ledger
    from admin_app.services.children import archive

    a, station = half_year["a"], half_year["station"]
    with app.test_request_context():
        figures()  # the ledger built
        others = {e.id: e.entry for e in WorkLedgerEntry.objects(id__ne=str(a.pk))}
        token = ledger.token(ZHANGZHENG)
        before = figures()["visits"]
        visit(a, clock.today() - timedelta(days=1), half_year["director"])
        assert figures()["visits"] == before + 1
        assert ledger.token(ZHANGZHENG) != token
        assert {e.id: e.entry for e in WorkLedgerEntry.objects(id__ne=str(a.pk))} == others
        tongxi_before = appraisal.township_figures("640104200000", periods.period("H2", 2027))
        archive.transfer(a.reload(), TONGXI, station, "随父母迁居")
        entry = WorkLedgerEntry.objects.get(id=str(a.pk))
        assert entry.township == "640104200000"
        assert str(a.pk) not in ledger.township(ZHANGZHENG, [])["children"]
        assert figures()["visits"] == before + 1 - 4  # 甲's four visits went with it
        moved = appraisal.township_figures("640104200000", periods.period("H2", 2027))
        assert moved["villages"][TONGXI]["visits"] == (
            tongxi_before["villages"][TONGXI]["visits"] + 4
        )


def test_rebuilding_the_rosters_keeps_the_figures(app, half_year):
    from admin_app.services.children import roster

    with app.test_request_context():
        before = figures()
        roster.rebuild()
        assert figures() == before
