"""Issue 16 (part): 督导抽查 — a reproducible random sample of a village's archives and
recent visits, inside the 督导员's township only, with the result of each check."""

from datetime import timedelta

from admin_app.core import clock
from admin_app.documents.spot_check import SpotCheck
from admin_app.services import supervision, visits
from tests.conftest import login_as, text
from tests.factories import make_child, make_user

CHUNLIN, ZHANGZHENG_V, TONGXI = "640104100201", "640104100200", "640104200201"


def village_with_visits(app, user, n=8):
    kids = [make_child(name=f"春林{i}") for i in range(n)]
    make_child(ZHANGZHENG_V, name="掌政村儿童")  # another village: never drawn
    with app.test_request_context():
        for i, child in enumerate(kids[:5]):
            visits.record_visit(
                child,
                {
                    "date": clock.today() - timedelta(days=i * 10),
                    "kind": "regular",
                    "visitors": "王",
                    "guardianship": "正常",
                },
                user,
            )
    return kids


def test_the_sample_is_reproducible_and_of_the_village(app, users):
    kids = village_with_visits(app, users["station"])
    clerk = login_as(app, users["station"])
    resp = clerk.post(
        "/spot_checks/draw/",
        data={"village": CHUNLIN, "archives": "3", "visits": "2", "seed": "2026abc"},
    )
    assert resp.status_code == 302
    first = SpotCheck.objects.get()
    assert first.place == CHUNLIN and first.population == len(kids)
    archives = [i.child for i in first.items if i.kind == "archive"]
    drawn_visits = [i.visit for i in first.items if i.kind == "visit"]
    assert len(archives) == 3 and len(set(archives)) == 3 and len(drawn_visits) == 2
    names = {i.child_name for i in first.items}
    assert "掌政村儿童" not in names and all(n.startswith("春林") for n in names)
    clerk.post(
        "/spot_checks/draw/",
        data={"village": CHUNLIN, "archives": "3", "visits": "2", "seed": "2026abc"},
    )
    again = SpotCheck.objects.order_by("-created_at").first()
    assert [i.child for i in again.items] == [i.child for i in first.items]
    assert [i.visit for i in again.items] == [i.visit for i in first.items]
    clerk.post("/spot_checks/draw/", data={"village": CHUNLIN, "archives": "3", "visits": "2"})
    other = SpotCheck.objects.order_by("-created_at").first()
    assert other.seed not in ("", "2026abc")
    # more than there are: all of them
    clerk.post("/spot_checks/draw/", data={"village": CHUNLIN, "archives": "30", "visits": "30"})
    every = SpotCheck.objects.order_by("-created_at").first()
    assert sum(i.kind == "archive" for i in every.items) == len(kids)
    assert sum(i.kind == "visit" for i in every.items) == 5
    page = text(clerk.get(f"/spot_checks/view/?id={first.pk}"))
    assert "2026abc" in page and "待核实" in page


def test_results_are_recorded_and_checked(app, users):
    village_with_visits(app, users["station"])
    clerk = login_as(app, users["station"])
    clerk.post("/spot_checks/draw/", data={"village": CHUNLIN, "archives": "2", "visits": "0"})
    check = SpotCheck.objects.get()
    page = text(
        clerk.post(
            "/spot_checks/result/",
            data={"id": str(check.pk), "index": "0", "result": "discrepancy", "note": ""},
        ),
    )
    check.reload()
    assert check.items[0].result == "pending"
    note = "<b>监护人</b>电话已变更 {{ x }}"
    clerk.post(
        "/spot_checks/result/",
        data={"id": str(check.pk), "index": "0", "result": "discrepancy", "note": note},
    )
    clerk.post(
        "/spot_checks/result/",
        data={"id": str(check.pk), "index": "1", "result": "confirmed", "note": ""},
    )
    check.reload()
    assert [i.result for i in check.items] == ["discrepancy", "confirmed"]
    assert check.finished_at is not None and check.items[0].note == note
    county = login_as(app, users["county"])
    page = county.get(f"/spot_checks/view/?id={check.pk}").get_data(as_text=True)
    assert "&lt;b&gt;监护人&lt;/b&gt;" in page and "有出入，需更正" in page
    county.post(
        "/spot_checks/result/",
        data={"id": str(check.pk), "index": "1", "result": "not_found", "note": "x"},
    )
    check.reload()
    assert check.items[1].result == "confirmed"
    assert page


def test_a_draw_stays_inside_the_township(app, users):
    village_with_visits(app, users["station"], n=3)
    make_child(TONGXI, name="通西儿童")
    clerk = login_as(app, users["station"])
    page = text(
        clerk.post(
            "/spot_checks/draw/",
            data={"village": TONGXI, "archives": "2", "visits": "1", "seed": "x1"},
        )
    )
    assert "请选择本乡镇（街道）内的村（居）" in page and 'value="x1"' in page
    assert SpotCheck.objects.count() == 0
    assert "通西村委会" not in text(clerk.get("/spot_checks/"))
    clerk.post("/spot_checks/draw/", data={"village": CHUNLIN, "archives": "2", "visits": "1"})
    check = SpotCheck.objects.get()
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert other.get(f"/spot_checks/view/?id={check.pk}").status_code == 302
    assert str(check.pk) not in text(other.get("/spot_checks/"))
    village = login_as(app, users["village"])
    assert village.get("/spot_checks/").status_code == 403
    with app.test_request_context():
        rows, visits_, _ = supervision.population(CHUNLIN)
    assert len(rows) == 3
