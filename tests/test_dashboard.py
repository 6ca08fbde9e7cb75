"""The landing page's figures: scoped like every list, and equal to the lists they link to."""

import html
import re
from datetime import date, timedelta

import pytest

from admin_app.core import clock
from admin_app.documents.case import Case, ChildInfo
from admin_app.services import cases
from tests.conftest import login_as, text
from tests.factories import make_allocation, make_child, make_station, make_user
from tests.places import (
    BAOHU,
    CHUNLIN,
    JINFENG,
    SANYING_V,
    TONGGUI,
    TONGXI,
    XINGQING,
    YUANZHOU,
    ZHANGZHENG,
    ZHANGZHENG_V,
)

COUNT_RE = re.compile(r'<span id="row-count">(\d+)</span>')
TAB_RE = re.compile(r"列表 \((\d+)\)")
AREA_LINK_RE = re.compile(r'class="area-link" href="([^"]+)"')


def new_case(user, reported_at=None, step=None):
    case = cases.open_case(
        user,
        channel="hotline",
        child_info=ChildInfo(name="小明", gender="M", age=9),
        reported_at=reported_at or clock.now(),
        summary="邻居报告",
    )
    if step:  # a closed case: set straight in the database (the flow has its own tests)
        Case.objects(pk=case.pk).update(set__step=step)
    return case


@pytest.fixture
def place_data(users):
    """Children, cases, stations and allocations in and around 兴庆区掌政镇."""
    make_child(
        CHUNLIN,
        "春林甲",
        categories=["left_behind", "family_difficulty"],
        risk_level="high",
        school_status="in_school",
    )
    make_child(CHUNLIN, "春林乙", categories=["left_behind"], risk_level="medium")
    make_child(
        CHUNLIN,
        "春林已迁出",
        categories=["left_behind"],
        risk_level="high",
        status="moved",
        status_date=date.today() - timedelta(days=3),
        status_reason="随父母迁居",
    )
    make_child(ZHANGZHENG_V, "掌政丙", categories=["orphan"], school_status="preschool")
    make_child(TONGXI, "通西丁", categories=["left_behind"], risk_level="high")
    make_child(BAOHU, "宝湖戊", categories=["migrant"], risk_level="high")
    make_child(SANYING_V, "三营己", categories=["left_behind"], risk_level="high")

    make_station(ZHANGZHENG, build_status="built", build_year=2023)
    make_station(TONGGUI, build_status="building")
    make_station("640106001000", build_status="built", build_year=2024)
    make_station("640402100000", build_status="built", build_year=2023)
    make_allocation(XINGQING, 16, 10, 6)
    make_allocation(JINFENG, 12)
    make_allocation(YUANZHOU, 9, 5, 4)

    tonggui = make_user("u_tonggui", "station", TONGGUI)
    new_case(users["station"])
    new_case(users["station"], reported_at=clock.now() - timedelta(days=400))  # before 12 months
    new_case(users["station"], step="consult_closed")
    new_case(tonggui)
    return users


def figures_of(app, user) -> dict:
    r = login_as(app, user).get("/api/figures.json")
    assert r.status_code == 200 and r.is_json
    assert r.headers["Cache-Control"] == "no-store"
    return r.get_json()


def by_key(items) -> dict:
    return {it["key"]: it["count"] for it in items}


def test_anonymous_gets_the_login_page(client):
    r = client.get("/api/figures.json")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_station_sees_its_township_only(app, place_data):
    f = figures_of(app, place_data["station"])
    children = f["children"]
    assert children["total"]["count"] == 3  # 春林甲, 春林乙, 掌政丙: not the moved one
    assert by_key(children["by_category"])["left_behind"] == 2
    assert by_key(children["by_category"])["orphan"] == 1
    assert by_key(children["by_risk"]) == {"low": 1, "medium": 1, "high": 1}
    assert by_key(children["by_village"]) == {CHUNLIN: 2, ZHANGZHENG_V: 1}
    assert f["stations"]["total"]["count"] == 1 and f["stations"]["built"]["count"] == 1
    assert f["cases"]["total"]["count"] == 3 and f["cases"]["open"]["count"] == 2
    assert sum(m["count"] for m in f["cases"]["by_month"]) == 2  # not the one 400 days ago
    assert len(f["cases"]["by_month"]) == 12
    assert f["townships"] == [] and f["construction"] is None
    body = str(f)
    for stranger in ("通西丁", "宝湖戊", "三营己", TONGGUI, JINFENG):
        assert stranger not in body


def test_village_director_sees_its_village_only(app, place_data):
    f = figures_of(app, place_data["village"])
    assert f["children"]["total"]["count"] == 2
    assert by_key(f["children"]["by_village"]) == {CHUNLIN: 2}
    assert f["cases"] is None  # the village has no case screens
    assert f["stations"]["total"]["count"] == 0


def test_county_sees_its_stations_side_by_side(app, place_data):
    f = figures_of(app, place_data["county"])
    assert f["children"]["total"]["count"] == 4  # 掌政镇 3 + 通贵乡 1
    rows = {t["name"]: t for t in f["townships"]}
    assert set(rows) == {"掌政镇", "通贵乡"}
    assert rows["掌政镇"]["station"]["status"] == "built"
    assert rows["通贵乡"]["station"]["status_label"] == "建设中"
    assert rows["掌政镇"]["children"]["count"] == 3 and rows["通贵乡"]["children"]["count"] == 1
    assert rows["掌政镇"]["open_cases"]["count"] == 2 and rows["通贵乡"]["open_cases"]["count"] == 1
    assert [c["name"] for c in f["construction"]["counties"]] == ["兴庆区"]
    county = f["construction"]["counties"][0]
    assert (county["target_2023"], county["built_2023"], county["built_total"]) == (10, 1, 1)
    assert f["construction"]["province_targets"] is None


def test_city_and_province_see_counties_side_by_side(app, place_data):
    city = figures_of(app, place_data["city"])
    assert [c["name"] for c in city["construction"]["counties"]] == ["兴庆区", "金凤区"]
    assert city["children"]["total"]["count"] == 5  # not 三营己 of 固原市
    assert city["townships"] == []
    province = figures_of(app, place_data["province"])
    counties = province["construction"]["counties"]
    assert [c["name"] for c in counties] == ["兴庆区", "金凤区", "原州区"]
    total = province["construction"]["total"]
    # Completion against the province's own 153 + 90, floored: 2/153 and 3/243 are 1 %.
    assert province["construction"]["province_targets"] == {
        "2023": 153,
        "2024": 90,
        "percent_2023": 1,
        "percent": 1,
    }
    assert (total["plan_total"], total["built_2023"], total["built_total"]) == (37, 2, 3)
    assert total["target_2023"] is None  # 金凤区 has not split its total yet
    assert province["children"]["total"]["count"] == 6


def linked_figures(node):
    """Every figure with a count and a list behind it, anywhere in the figures."""
    if isinstance(node, dict):
        if "count" in node and node.get("url"):
            yield node
        for value in node.values():
            yield from linked_figures(value)
    elif isinstance(node, list):
        for value in node:
            yield from linked_figures(value)


def list_count(c, url) -> int:
    r = c.get(url)
    assert r.status_code == 200, url
    page = text(r)
    if 'id="area-chooser"' in page:  # a city or the province: the sum over its counties
        links = [html.unescape(u) for u in AREA_LINK_RE.findall(page)]
        assert links, url
        return sum(list_count(c, link) for link in links)
    found = COUNT_RE.search(page)
    if found:  # the children list (from the rosters)
        return int(found.group(1))
    found = TAB_RE.search(page)  # Flask-Admin's list tab: "列表 (N)", plain "列表" when empty
    assert found or 'class="nav-link active">列表</a>' in page, url
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("role", ["province", "city", "county", "station", "village"])
def test_every_figure_equals_the_list_it_links_to(app, place_data, role):
    user = place_data[role]
    c = login_as(app, user)
    f = c.get("/api/figures.json").get_json()
    figures = list(linked_figures(f))
    assert len(figures) >= 20, role  # categories, risks, schools, stations, to-dos, ...
    assert any(fig["count"] > 0 and fig["url"].startswith("/children/?flt") for fig in figures)
    for fig in figures:
        assert list_count(c, fig["url"]) == fig["count"], (role, fig)
    for row in (f["construction"] or {}).get("counties", []):
        page = text(c.get(row["url"]))  # the progress table, row by row
        cell = re.search(rf'data-key="{row["key"]}">.*?<td class="built">(\d+)</td>', page)
        assert cell and int(cell.group(1)) == row["built_total"], row
    for t in f["townships"]:
        if t["station"]:
            assert c.get(t["station"]["url"]).status_code == 200


def test_risk_link_uses_the_list_filter_by_its_index(app, place_data):
    c = login_as(app, place_data["station"])
    high = next(
        it
        for it in c.get("/api/figures.json").get_json()["children"]["by_risk"]
        if it["key"] == "high"
    )
    # ChildView.column_filters: village 0, categories 1, risk 2, ..., status 6
    assert high["url"] == "/children/?flt0_6=active&flt1_2=high"
    assert list_count(c, high["url"]) == 1


def test_home_page_shows_the_numbers_without_javascript(app, place_data):
    c = login_as(app, place_data["county"])
    page = text(c.get("/"))
    assert 'id="fig-children"' in page and 'id="charts"' in page
    assert 'data-src="/api/figures.json"' in page
    assert 'src="/assets/js/charts.js"' in page
    assert "掌政镇" in page and "通贵乡" in page  # the townships table before any chart
    assert "https://" not in re.sub(r'href="https://[^"]*"', "", page.split("<script")[0])
    with c.get("/assets/js/charts.js") as script:
        assert script.status_code == 200 and b"fetch(" in script.data
        assert b"http" not in script.data.replace(b"http://www.w3.org/2000/svg", b"")
    for kind in ("review", "visit_overdue", "turning_18"):
        assert f'id="todo-{kind}"' in page


def test_home_page_built_stations_link_opens_the_built_stations(app, place_data):
    c = login_as(app, place_data["county"])
    page = c.get("/").get_data(as_text=True)
    card = page[page.index('id="fig-built"') :]
    url = html.unescape(re.search(r'href="([^"]+)"', card).group(1))
    listing = text(c.get(url))
    assert "掌政镇未成年人保护工作站" in listing
    assert "通贵乡未成年人保护工作站" not in listing
    all_url = html.unescape(
        re.search(r'href="([^"]+)"', page[page.index('id="fig-stations"') :]).group(1)
    )
    assert "通贵乡未成年人保护工作站" in text(c.get(all_url))


def test_township_figures_are_counted_for_a_day_once_and_again_after_a_change(
    app, place_data, monkeypatch, time_travel
):
    """The to-dos of a township's stored figures are counted into today's windows once per
    roster version and day (the province's landing page reads 259 townships), and again
    after an archive changes or on the next day; the counts stay those of the list."""
    from admin_app.services.figures import summaries
    from tests.places import ZHANGZHENG

    counted = []
    real_on = summaries.on
    monkeypatch.setattr(summaries, "on", lambda f, d: counted.append(d) or real_on(f, d))
    province = make_user("p_memo", "province", "640000000000")
    first = summaries.by_township(province)[ZHANGZHENG]
    n = len(counted)
    assert summaries.by_township(province)[ZHANGZHENG] == first and len(counted) == n
    make_child(name="新来的")  # 春林村, 掌政镇: the roster changes
    after = summaries.by_township(province)[ZHANGZHENG]
    assert after["active"] == first["active"] + 1 and len(counted) > n
    n = len(counted)
    time_travel.move_to(clock.now() + timedelta(days=1))
    summaries.by_township(province)
    assert clock.today() in counted[n:]
