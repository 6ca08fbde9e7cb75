"""未保站 registry: registration, generated name, duplicates, role fields, dates."""

import re

from admin_app.documents import AuditEntry, Station
from tests import when
from tests.conftest import login_as, text
from tests.factories import make_station


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


def _accept(c, s, **data):
    form = {"id": str(s.pk), "acceptance_date": "", "acceptance_result": "", "acceptance_note": ""}
    form.update({k: str(v) for k, v in data.items()})
    return c.post("/stations/accept/", data=form)


def test_province_records_acceptance_by_its_own_action(app, users):
    """验收 is its own action with its own three fields; the station form has none of them,
    so recording it cannot change the station's details."""
    s = make_station(
        "640104100000", build_status="built", build_year=2023, address="掌政镇政府院内"
    )
    c = login_as(app, users["province"])
    # The province no longer edits the station; its details page carries the 验收 form.
    assert c.get(f"/stations/edit/?id={s.pk}").status_code == 302
    page = c.get(f"/stations/details/?id={s.pk}").get_data(as_text=True)
    form = page[page.index('id="accept-form"') :]
    form = form[: form.index("</form>")]
    names = set(re.findall(r'name="([^"]+)"', form))
    assert names == {"csrf_token", "id", "acceptance_date", "acceptance_result", "acceptance_note"}
    assert "记录验收" in form and "编辑" not in page[: page.index('id="accept-form"')]
    for role in ("county", "station"):  # and their forms have no acceptance field
        edit = login_as(app, users[role]).get(f"/stations/edit/?id={s.pk}")
        assert "acceptance" not in edit.get_data(as_text=True), role

    day = when.days_ago(10)
    r = _accept(
        c,
        s,
        acceptance_date=day.isoformat(),
        acceptance_result="passed",
        acceptance_note="合格 & 规范",
    )
    assert r.status_code == 302, text(r)
    s.reload()
    assert (s.acceptance_date, s.acceptance_result, s.acceptance_note) == (
        day,
        "passed",
        "合格 & 规范",
    )
    assert s.address == "掌政镇政府院内" and s.build_status == "built" and s.version == 1
    entry = AuditEntry.objects(target_type="stations", action="update").get()
    assert entry.detail == "验收" and entry.actor == "u_province"
    shown = text(c.get(f"/stations/details/?id={s.pk}"))
    assert "验收合格" in shown and "已记录验收结果" in shown


def test_acceptance_refusals_keep_what_was_typed(app, users):
    s = make_station("640104100000", build_status="built", build_year=2023)
    c = login_as(app, users["province"])
    for data, message in (
        ({"acceptance_date": "2024-03-01"}, "请填写验收日期并选择验收结果"),
        (
            {"acceptance_result": "passed", "acceptance_note": "意见<甲>"},
            "请填写验收日期并选择验收结果",
        ),
        (
            {"acceptance_date": when.days_ahead(2).isoformat(), "acceptance_result": "rectify"},
            "不能晚于",
        ),
        ({"acceptance_date": "2024-02-30", "acceptance_result": "passed"}, "验收未记录"),
    ):
        r = _accept(c, s, **data)
        page = r.get_data(as_text=True)
        assert r.status_code == 400 and message in page, (data, text(r)[-300:])
        if "acceptance_note" in data:
            assert "意见&lt;甲&gt;" in page  # the typed opinion stays in the box
        if "acceptance_date" in data:
            assert data["acceptance_date"] in page
    planned = make_station("640104200000", build_status="building")
    r = _accept(c, planned, acceptance_date="2024-03-01", acceptance_result="passed")
    assert r.status_code == 400 and "未建成的未保站不能验收" in text(r)
    for role in ("county", "station"):
        r = _accept(
            login_as(app, users[role]), s, acceptance_date="2024-03-01", acceptance_result="passed"
        )
        assert r.status_code == 302
    s.reload(), planned.reload()
    assert s.acceptance_result is None and planned.acceptance_result is None
    assert s.version == 0 and AuditEntry.objects(target_type="stations").count() == 0


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
