"""Place seed loader, scope paths, renames and re-codes."""

from admin_app.documents import Place, Station, User
from seed.loaders import load_allocation, load_places
from tests.conftest import empty_database, login_as, text
from tests.factories import make_station, make_user


def test_loader_loads_all_of_ningxia_once(app):
    empty_database()
    created, kept = load_places()
    assert (created, kept) == (1 + 5 + 22 + 243 + 16 + 2912, 0)
    levels = {
        lv: Place.objects(level=lv).count()
        for lv in ("province", "city", "county", "township", "village")
    }
    assert levels == {"province": 1, "city": 5, "county": 22, "township": 259, "village": 2912}
    assert Place.objects(level="township", is_formal=True).count() == 243
    zz = Place.objects.get(code="640104100201")  # 春林村委会 under 掌政镇
    assert zz.place_path == [
        "640000000000",
        "640100000000",
        "640104000000",
        "640104100000",
        "640104100201",
    ]
    # idempotent: a second run adds nothing and leaves edits alone
    zz.name = "春林村（改）"
    zz.save()
    assert load_places() == (0, 3199)
    assert Place.objects.get(code="640104100201").name == "春林村（改）"


def test_allocation_seed_matches_the_plan(app):
    empty_database()
    load_places()
    assert load_allocation() == (22, 0)
    assert load_allocation() == (0, 22)
    from admin_app.documents import Allocation

    rows = {Place.name_of(a.place): a for a in Allocation.objects}
    assert sum(a.plan_total for a in rows.values()) == 243
    assert (rows["兴庆区"].target_2023, rows["兴庆区"].target_2024) == (15, 1)
    assert (rows["原州区"].target_2023, rows["原州区"].target_2024) == (13, 1)
    assert rows["西吉县"].plan_total == 19 and rows["西吉县"].target_2023 is None
    assert [n for n, a in rows.items() if a.split_confirmed] == ["兴庆区", "原州区"] or sorted(
        n for n, a in rows.items() if a.split_confirmed
    ) == ["兴庆区", "原州区"]


def test_seed_cli_commands(app):
    empty_database()
    runner = app.test_cli_runner()
    r = runner.invoke(args=["seed", "places"])
    assert "新增 3199 个" in r.output
    r = runner.invoke(args=["seed", "allocation"])
    assert "新增 22 个" in r.output
    r = runner.invoke(args=["seed", "demo"])
    assert "demo_county" in r.output and r.exit_code == 0, r.output
    from admin_app.documents import Child, VisitBook

    # five archives of the station, two a 儿童主任 made (工作考核: one reviewed, one returned)
    assert Child.objects.count() == 7
    assert Child.objects(review_status="returned").count() == 1
    plans = sum(len(b.plan) for b in VisitBook.objects)
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert Child.objects.count() == 7  # idempotent
    assert sum(len(b.plan) for b in VisitBook.objects) == plans


def test_recode_a_township_keeps_everything_under_it(app, users):
    """同心县田老庄乡 became 田老庄镇 with a new code: here 通贵乡 plays that part."""
    station = make_station("640104200000")
    clerk = make_user("tg_clerk", "station", "640104200000")
    c = login_as(app, users["province"])
    place = Place.objects.get(code="640104200000")
    r = c.post(
        f"/places/edit/?id={place.key}",
        data={"code": "640104107000", "name": "通贵镇", "row_version": "0"},
    )
    assert r.status_code == 302, text(r)
    place.reload()
    assert (place.code, place.name, place.key) == ("640104107000", "通贵镇", "640104200000")
    assert [(f.code, f.name) for f in place.former] == [("640104200000", "通贵乡")]
    # the station and the clerk still hang under it; the sign's name followed the rename
    assert Station.objects.get(pk=station.pk).name == "通贵镇未成年人保护工作站"
    tg = login_as(app, User.objects.get(pk=clerk.pk))
    assert "通贵镇未成年人保护工作站" in text(tg.get("/stations/"))
    assert "通贵乡（640104200000" in text(c.get("/places/?search=通贵"))


def test_bad_codes_are_refused_with_a_message(app, users):
    c = login_as(app, users["province"])
    place = Place.objects.get(code="640104200000")
    for code, message in (
        ("6401042", "12 位数字"),
        ("640104200001", "层级不符"),
        ("640106200000", "上级地区代码不一致"),
        ("640104100000", "已被其他地区使用"),
    ):
        r = c.post(
            f"/places/edit/?id={place.key}",
            data={"code": code, "name": "通贵乡", "row_version": "0"},
        )
        assert r.status_code == 200 and message in text(r), code
        assert f'value="{code}"' in r.get_data(as_text=True)  # what was typed stays
    assert Place.objects.get(pk=place.key).code == "640104200000"
    r = c.post(
        f"/places/edit/?id={place.key}",
        data={"code": "640104200000", "name": "通" * 51, "row_version": "0"},
    )
    assert "50" in text(r)


def test_only_the_province_edits_places(app, users):
    c = login_as(app, users["county"])
    r = c.post(
        "/places/edit/?id=640104200000",
        data={"code": "640104107000", "name": "X", "row_version": "0"},
    )
    assert r.status_code == 302
    assert Place.objects.get(pk="640104200000").name == "通贵乡"


def test_a_stale_place_cache_is_reloaded_by_one_thread_while_the_others_go_on(monkeypatch):
    """Issue 13: with 16 clerks the server stalled for 20 s once a minute, every waiting
    thread reloading all places in turn. Now one thread reloads; the rest keep the old copy."""
    import threading
    import time as _time

    from admin_app.documents import Place

    Place._all()  # a copy to go on with
    loads, real_load = [], Place._load.__func__

    def slow_load(cls):
        loads.append(threading.get_ident())
        _time.sleep(0.5)
        real_load(cls)

    monkeypatch.setattr(Place, "_load", classmethod(slow_load))
    monkeypatch.setattr(Place, "_cache_at", _time.monotonic() - Place.CACHE_SECONDS - 1)
    waits = []

    def reader():
        t0 = _time.monotonic()
        assert Place.name_of("640104000000") == "兴庆区"
        waits.append(_time.monotonic() - t0)

    threads = [threading.Thread(target=reader) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1
    assert sorted(waits)[-2] < 0.2  # all but the reloading thread answered at once
    assert _time.monotonic() - Place._cache_at < 5  # and the copy is fresh again
