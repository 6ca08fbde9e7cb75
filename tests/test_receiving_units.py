"""转介接收单位名录: a directory that reaches up, and a scope that does not depend on it.

The list also shows the units of the places above the user (a station refers to its
county's units); every route that changes a unit keeps the user's own scope. The wider
list is decided per request, never by changing the view all requests share.
"""

import threading

from flask_admin.contrib.mongoengine import ModelView

from admin_app.documents.case import ReceivingUnit
from tests.conftest import PROVINCE_CODE, login_as
from tests.factories import make_user
from tests.places import XINGQING, YUANZHOU, ZHANGZHENG


def unit(name, place):
    u = ReceivingUnit(name=name, kind="social_org", active=True)
    u.set_place(place)
    u.save()
    return u


def names_on(page: str) -> set[str]:
    return {n for n in ("区心理中心", "镇社工站", "原州救助站", "自治区热线") if n in page}


def directory():
    return {
        "county": unit("区心理中心", XINGQING),
        "station": unit("镇社工站", ZHANGZHENG),
        "elsewhere": unit("原州救助站", YUANZHOU),
        "province": unit("自治区热线", PROVINCE_CODE),
    }


def test_a_station_lists_the_units_above_it_but_deletes_only_its_own(app, users):
    units = directory()
    c = login_as(app, users["station"])
    page = c.get("/receiving_units/").get_data(as_text=True)
    assert names_on(page) == {"区心理中心", "镇社工站", "自治区热线"}
    r = c.post(
        "/receiving_units/action/", data={"action": "delete", "rowid": str(units["county"].pk)}
    )
    assert r.status_code in (302, 200)
    assert ReceivingUnit.objects(pk=units["county"].pk).count() == 1  # the county's stays
    r = c.post("/receiving_units/delete/", data={"id": str(units["county"].pk)})
    assert r.status_code in (302, 404)
    assert ReceivingUnit.objects(pk=units["county"].pk).count() == 1


def test_the_wider_list_never_changes_the_shared_view(app, users, monkeypatch):
    """While a list is being read, the view's own query is the scoped one."""
    directory()
    seen = []
    original = ModelView.get_list

    def spy(view, *args, **kwargs):
        seen.append("get_query" in vars(view))  # an instance attribute: shared state changed
        return original(view, *args, **kwargs)

    monkeypatch.setattr(ModelView, "get_list", spy)
    page = login_as(app, users["station"]).get("/receiving_units/").get_data(as_text=True)
    assert "区心理中心" in page
    assert seen == [False]


def test_concurrent_lists_of_different_roles_each_see_their_own_scope(app, users):
    units = directory()
    far = make_user("yz_county", "county", YUANZHOU)
    clients = {
        "station": login_as(app, users["station"]),
        "far": login_as(app, far),
    }
    expected = {
        "station": {"区心理中心", "镇社工站", "自治区热线"},
        "far": {"原州救助站", "自治区热线"},
    }
    rounds = 15
    start = threading.Barrier(3)
    wrong: list[str] = []

    def lister(who):
        start.wait()
        for _ in range(rounds):
            resp = clients[who].get("/receiving_units/")
            got = names_on(resp.get_data(as_text=True))
            if resp.status_code != 200 or got != expected[who]:
                wrong.append(f"{who}: {resp.status_code} {sorted(got)}")

    def deleter():
        # The far county tries, meanwhile, to delete the station's unit by bulk action.
        start.wait()
        for _ in range(rounds):
            clients["far"].post(
                "/receiving_units/action/",
                data={"action": "delete", "rowid": str(units["station"].pk)},
            )

    threads = [threading.Thread(target=lister, args=(w,)) for w in clients]
    threads.append(threading.Thread(target=deleter))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert wrong == []
    assert ReceivingUnit.objects(pk=units["station"].pk).count() == 1
