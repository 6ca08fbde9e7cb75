"""Issue 16 (part): 五(三) station funds and government-purchased services — exact sums
(whole 分, never floats), only a county or a city writes money, a station sees its own,
the city evaluates a project, the Excel export keeps the amounts to the 分, hostile text
stays literal."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from admin_app.core import clock, money
from admin_app.documents import AuditEntry, DomainError
from admin_app.documents.funds import FundEntry, ServiceProject
from tests.conftest import login_as, text
from tests.factories import make_user

ZHANGZHENG, TONGGUI, SANYING = "640104100000", "640104200000", "640402100000"
HOSTILE = '=HYPERLINK("x") & <script>alert(1)</script> {{ 7*7 }}'


def day(n=1):
    d = clock.today() - timedelta(days=n)
    return d if d.year == clock.today().year else clock.today()


def post_entry(client, township, amount, kind="received", **kw):
    data = {
        "township": township,
        "year": str(clock.today().year),
        "kind": kind,
        "on": day().isoformat(),
        "amount": amount,
        "source": "region" if kind == "received" else "",
        "purpose": "" if kind == "received" else kw.pop("purpose", "operation"),
        "note": kw.pop("note", ""),
    }
    return client.post("/funds/entry/", data=data)


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("0.1", 10), ("0.2", 20), ("12,345.67", 1234567), ("１２３.４０元", 12340), ("100", 10000)],
)
def test_amounts_are_read_exactly(typed, fen):
    assert money.parse(typed) == fen
    assert money.yuan(fen) == Decimal(
        typed.replace(",", "").replace("元", "").translate(str.maketrans("１２３．４０", "123.40"))
    ).quantize(Decimal("0.01"))


@pytest.mark.parametrize("bad", ["", "abc", "-5", "0", "1.234", "NaN", "1e20"])
def test_bad_amounts_are_refused_in_chinese(bad):
    with pytest.raises(DomainError) as exc:
        money.parse(bad)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_sums_are_exact_and_side_by_side(app, users):
    county = login_as(app, users["county"])
    for amount in ("0.1", "0.2", "100000.01"):
        assert post_entry(county, ZHANGZHENG, amount).status_code == 302
    post_entry(county, ZHANGZHENG, "0.3", kind="spent", purpose="equipment")
    post_entry(county, TONGGUI, "5000", kind="received")
    stored = [e.amount_fen for e in FundEntry.objects(place=ZHANGZHENG, kind="received")]
    assert sorted(stored) == [10, 20, 10000001]
    page = text(county.get(f"/funds/?township={ZHANGZHENG}"))
    assert 'id="sum-received">100,000.31<' in page and 'id="sum-spent">0.30<' in page
    assert 'id="sum-balance">100,000.01<' in page
    summary = text(county.get("/funds/"))
    assert "105,000.31" in summary  # the county's total received, to the 分
    # Excel: the amounts as exact numbers to the 分
    resp = county.get("/funds/export/")
    ws = load_workbook(io.BytesIO(resp.data)).active
    amounts = sorted(Decimal(str(r[3])) for r in ws.iter_rows(min_row=2, values_only=True))
    assert amounts == [
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("5000"),
        Decimal("100000.01"),
    ]
    assert ws.cell(row=2, column=4).number_format == "#,##0.00"
    assert AuditEntry.objects(action="export").count() == 1


def test_only_a_county_or_a_city_writes_money(app, users):
    for role in ("station", "social_worker", "province"):
        c = login_as(app, users[role])
        post_entry(c, ZHANGZHENG, "10")
        c.post(
            "/funds/project/",
            data={
                "township": ZHANGZHENG,
                "year": str(clock.today().year),
                "name": "x",
                "provider": "y",
                "amount": "1",
                "start": day().isoformat(),
                "end": clock.today().isoformat(),
            },
        )
    assert FundEntry.objects.count() == 0 and ServiceProject.objects.count() == 0
    village = login_as(app, users["village"])
    assert village.get("/funds/").status_code == 403
    city = login_as(app, users["city"])
    assert post_entry(city, ZHANGZHENG, "10").status_code == 302
    entry = FundEntry.objects.get()
    # a station sees its own township only, whatever it asks
    station = login_as(app, users["station"])
    own = text(station.get(f"/funds/?township={TONGGUI}"))
    assert "掌政镇" in own and "10.00" in own and 'id="entry-form"' not in own
    station.post("/funds/delete/", data={"id": str(entry.pk), "township": ZHANGZHENG})
    assert FundEntry.objects.count() == 1
    # a county outside: not its township, not its record
    other = login_as(app, make_user("yz_county", "county", "640402000000"))
    assert post_entry(other, ZHANGZHENG, "10").status_code == 200  # refused, typed kept
    other.post("/funds/delete/", data={"id": str(entry.pk), "township": SANYING})
    assert FundEntry.objects.count() == 1
    assert "10.00" not in text(other.get("/funds/"))
    resp = text(other.get(f"/funds/?township={ZHANGZHENG}"))
    assert "请选择本辖区内的乡镇（街道）" in resp and "10.00" not in resp


def test_a_refused_entry_keeps_what_was_typed(app, users):
    county = login_as(app, users["county"])
    page = text(post_entry(county, ZHANGZHENG, "12.345", note="第二季度运营"))
    assert "最多保留两位小数" in page and 'value="12.345"' in page and "第二季度运营" in page
    assert FundEntry.objects.count() == 0


def test_projects_are_evaluated_by_the_city_and_text_stays_literal(app, users):
    county = login_as(app, users["county"])
    resp = county.post(
        "/funds/project/",
        data={
            "township": ZHANGZHENG,
            "year": str(clock.today().year),
            "name": HOSTILE,
            "provider": "宁夏某社工服务中心",
            "amount": "80000",
            "start": day().isoformat(),
            "end": clock.today().isoformat(),
            "content": "个案服务、四点半课堂",
        },
    )
    assert resp.status_code == 302
    project = ServiceProject.objects.get()
    assert project.amount_fen == 8000000 and project.name == HOSTILE
    page = county.get(f"/funds/?township={ZHANGZHENG}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    evaluate = {
        "id": str(project.pk),
        "township": ZHANGZHENG,
        "result": "passed",
        "evaluated_on": clock.today().isoformat(),
        "evaluation": "服务到位",
    }
    county.post("/funds/evaluate/", data=evaluate)
    project.reload()
    assert project.result == "pending"
    city = login_as(app, users["city"])
    city.post("/funds/evaluate/", data=evaluate)
    project.reload()
    assert project.result == "passed" and project.evaluated_by == users["city"].username
    ws = load_workbook(io.BytesIO(county.get("/funds/export/").data)).active
    cells = [c for r in ws.iter_rows(values_only=True) for c in r if isinstance(c, str)]
    assert any(c.startswith("'=HYPERLINK") for c in cells)  # kept, as text
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
