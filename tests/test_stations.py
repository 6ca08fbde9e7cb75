"""未保站 registry: registration, generated name, duplicates, role fields, dates."""

from admin_app.documents import Station
from tests import when
from tests.conftest import login_as, make_station, text


def _create(c, **data):
    form = {
        "setup_mode": "dual",
        "build_status": "planned",
        "phone": "",
        "address": "",
        "build_year": "",
    }
    form.update({k: str(v) for k, v in data.items()})
    return c.post("/stations/new/", data=form)


def test_county_registers_a_station_with_the_plan_name(app, users):
    c = login_as(app, users["county"])
    page = text(c.get("/stations/new/"))
    assert "掌政镇" in page and "通贵乡" in page and "三营镇" not in page  # only its townships
    r = _create(c, township="640104100000", office_rooms="archive", sign_hung="y")
    assert r.status_code == 302, text(r)
    s = Station.objects.get(place="640104100000")
    assert s.name == "掌政镇未成年人保护工作站"
    assert s.place_path == ["640000000000", "640100000000", "640104000000", "640104100000"]
    assert (s.created_by, s.office_rooms, s.sign_hung) == ("u_county", ["archive"], True)
    # a registered township is no longer offered
    assert (
        "掌政镇"
        not in text(c.get("/stations/new/")).split("所在乡镇（街道）")[1].split("</select>")[0]
    )


def test_a_second_station_for_a_township_is_refused(app, users):
    make_station("640104100000")
    c = login_as(app, users["county"])
    r = _create(c, township="640104100000", phone="0951-1234567")
    assert r.status_code == 200
    assert Station.objects(place="640104100000").count() == 1
    assert 'value="0951-1234567"' in r.get_data(as_text=True)  # typed values stay


def test_township_outside_the_county_is_refused(app, users):
    c = login_as(app, users["county"])
    r = _create(c, township="640402100000")
    assert r.status_code == 200 and Station.objects.count() == 0


def test_build_rules_and_future_dates(app, users):
    c = login_as(app, users["province"])
    for data, message in (
        ({"build_status": "built"}, "须填写建成年份"),
        ({"build_status": "planned", "build_year": 2023}, "只有“已建成”"),
        ({"build_status": "built", "build_year": when.today().year + 1}, "不能晚于今年"),
        (
            {
                "build_status": "built",
                "build_year": 2023,
                "filed_date": when.days_ahead(1).isoformat(),
            },
            "备案日期不能晚于今天",
        ),
        (
            {
                "build_status": "building",
                "acceptance_result": "passed",
                "acceptance_date": "2024-01-01",
            },
            "未建成的未保站不能验收",
        ),
        (
            {"build_status": "built", "build_year": 2023, "acceptance_result": "passed"},
            "须同时填写",
        ),
    ):
        r = _create(c, township="640104100000", **data)
        assert r.status_code == 200 and message in text(r), data
    assert Station.objects.count() == 0


def test_station_clerk_edits_its_station_but_not_build_or_acceptance(app, users):
    s = make_station("640104100000", build_status="built", build_year=2023)
    c = login_as(app, users["station"])
    page = c.get(f"/stations/edit/?id={s.pk}").get_data(as_text=True)
    assert (
        'name="phone"' in page
        and 'name="acceptance_result"' not in page
        and 'name="build_status"' not in page
    )
    r = c.post(
        f"/stations/edit/?id={s.pk}",
        data={
            "row_version": "0",
            "setup_mode": "dual",
            "phone": "0951-7654321",
            "rules_posted": ["rules", "duties"],
            "acceptance_result": "passed",
            "build_status": "planned",
        },
    )
    assert r.status_code == 302, text(r)
    s.reload()
    assert s.phone == "0951-7654321" and s.rules_posted == ["rules", "duties"]
    assert (s.acceptance_result, s.build_status) == (
        None,
        "built",
    )  # fields it may not set are untouched
    assert c.get("/stations/new/").status_code == 302  # may not register stations


def test_province_records_acceptance(app, users):
    s = make_station("640104100000", build_status="built", build_year=2023)
    c = login_as(app, users["province"])
    r = c.post(
        f"/stations/edit/?id={s.pk}",
        data={
            "row_version": "0",
            "setup_mode": "dual",
            "build_status": "built",
            "build_year": "2023",
            "acceptance_result": "passed",
            "acceptance_date": "2024-03-01",
            "acceptance_note": "合格",
        },
    )
    assert r.status_code == 302, text(r)
    assert Station.objects.get(pk=s.pk).acceptance_result == "passed"


def test_staff_are_recorded(app, users):
    s = make_station("640104100000")
    c = login_as(app, users["county"])
    r = c.post(
        f"/stations/edit/?id={s.pk}",
        data={
            "row_version": "0",
            "setup_mode": "dual",
            "build_status": "planned",
            "staff-0-name": "马晓燕",
            "staff-0-staff_role": "supervisor",
            "staff-0-qualification": "assistant",
            "staff-0-phone": "13900000000",
        },
    )
    assert r.status_code == 302, text(r)
    s.reload()
    assert [(m.name, m.staff_role, m.qualification) for m in s.staff] == [
        ("马晓燕", "supervisor", "assistant")
    ]
    assert "马晓燕（儿童督导员，助理社会工作师）" in text(c.get("/stations/"))


def test_second_save_of_a_stale_form_is_refused(app, users):
    """Two clerks open the same station; the second save must not overwrite the first."""
    s = make_station("640104100000")
    a, b = login_as(app, users["county"]), login_as(app, users["station"])
    base = {"row_version": "0", "setup_mode": "dual", "build_status": "planned"}
    assert a.post(f"/stations/edit/?id={s.pk}", data={**base, "phone": "111"}).status_code == 302
    r = b.post(f"/stations/edit/?id={s.pk}", data={**base, "phone": "222", "address": "新地址"})
    assert r.status_code == 200 and "已被他人修改" in text(r)
    assert 'value="新地址"' in r.get_data(as_text=True)  # what the second clerk typed stays
    s.reload()
    assert (s.phone, s.version) == ("111", 1)


def test_list_shows_labels_not_codes(app, users):
    make_station("640104100000", setup_mode="service_center", build_status="building")
    page = text(login_as(app, users["county"]).get("/stations/"))
    table = page[page.index("model-list") :]
    table = table[: table.index("</table>")]
    assert "依托乡镇（街道）便民服务中心" in table and "建设中" in table
    assert "service_center" not in table and "None" not in table


def test_export_csv_opens_in_excel(app, users):
    make_station("640104100000", phone='=HYPERLINK("x")')
    r = login_as(app, users["county"]).get("/stations/export/csv/")
    assert r.data.startswith("\ufeff".encode())
    body = r.data.decode("utf-8-sig")
    assert "掌政镇未成年人保护工作站" in body and "未保站名称" in body
    assert "'=HYPERLINK" in body  # no formula injection into Excel
