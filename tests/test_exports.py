"""Excel and CSV exports: sheets that read well in Chinese, numbers as numbers, names in
Chinese, and an audit entry at every place whose records left."""

import io
import re
from urllib.parse import unquote

from openpyxl import load_workbook

from admin_app.documents import AuditEntry, Child
from admin_app.services.children import roster
from tests.conftest import login_as
from tests.factories import make_user
from tests.places import TONGXI as TONGGUI_VILLAGE
from tests.test_children import create


def _filename(response) -> str:
    header = response.headers["Content-Disposition"]
    return unquote(re.search(r"filename\*=UTF-8''([^;]+)", header).group(1))


def _two_townships(app, users):
    create(login_as(app, users["station"]))  # 马小花, 掌政镇 春林村
    other = make_user("tg_station", "station", "640104200000")
    r = create(
        login_as(app, other),
        village=TONGGUI_VILLAGE,
        name="马小军",
        gender="M",
        id_number="",
        no_id_reason="not_issued",
    )
    assert r.status_code == 302
    assert Child.objects.count() == 2


def test_county_children_workbook_reads_as_a_sheet_of_chinese(app, users):
    _two_townships(app, users)
    r = login_as(app, users["county"]).get("/children/export/xlsx/")
    assert r.status_code == 200
    assert re.fullmatch(r"儿童档案_\d{8}_\d{4}\.xlsx", _filename(r)), _filename(r)
    ws = load_workbook(io.BytesIO(r.data)).active
    assert ws.title == "儿童档案"  # not "Tablib Dataset"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["姓名", "性别", "年龄", "乡镇（街道）"]
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"马小花", "马小军"}
    assert isinstance(rows["马小花"][2], int) and rows["马小花"][2] == 11  # 年龄, a number
    assert rows["马小花"][3] == "掌政镇" and rows["马小军"][3] == "通贵乡"
    widths = {
        ws.cell(row=1, column=i + 1).value: d.width
        for i, d in enumerate(
            ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter]
            for i in range(len(header))
        )
    }
    assert widths["姓名"] >= 8 and widths["乡镇（街道）"] >= 14  # CJK is two columns wide
    csv = login_as(app, users["county"]).get("/children/export/csv/")
    assert _filename(csv).startswith("儿童档案_") and _filename(csv).endswith(".csv")
    assert csv.data.startswith("\ufeff".encode()) and "掌政镇" in csv.data.decode("utf-8-sig")


def test_an_export_is_logged_at_every_township_whose_records_left(app, users):
    _two_townships(app, users)
    province = login_as(app, users["province"])
    r = province.get("/children/export/csv/?area=640104000000")
    assert r.status_code == 200 and "马小军" in r.data.decode("utf-8-sig")
    entries = AuditEntry.objects(action="export", actor="u_province")
    by_place = {e.place_path[-1]: e for e in entries}
    assert set(by_place) == {"640104100000", "640104200000"}
    assert all("其中本地区 1 条" in e.detail for e in entries)
    # The county, and each station, see in their audit log that their children left.
    county_log = login_as(app, users["county"]).get("/audit/?search=导出").get_data(as_text=True)
    assert county_log.count("其中本地区 1 条") == 2
    station_log = login_as(app, users["station"]).get("/audit/?search=导出")
    assert station_log.get_data(as_text=True).count("其中本地区 1 条") == 1


def test_a_control_character_in_a_record_never_breaks_an_export(app, users):
    """Text pasted from another document can hold \\x0b or \\x07: the archive keeps it, the
    lists, the workbooks and the audit export still open (issue 12 saw a 500 for good)."""
    create(login_as(app, users["station"]))
    child = Child.objects.get()
    Child.objects(pk=child.pk).update_one(set__name="马小\x0b花\x07")
    roster.put(Child.objects.get(pk=child.pk))
    entry = AuditEntry.objects(target_type="children").first()
    AuditEntry(
        action="update",
        actor="u_station",
        target_type="children",
        target_id=str(child.pk),
        place_path=list(entry.place_path),
        detail="从文档粘贴\x0b的说明",
    ).save()
    for who in ("station", "county"):
        c = login_as(app, users[who])
        for url in ("/children/export/xlsx/", "/children/export/csv/", "/audit/export/xlsx/"):
            r = c.get(url)
            assert r.status_code == 200, (who, url)
            if url.endswith("xlsx/"):
                sheet = load_workbook(io.BytesIO(r.data)).active  # opens: nothing broken inside
                cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
                assert not any("\x0b" in c or "\x07" in c for c in cells), (who, url)
                assert any(("马小" in c) or ("粘贴" in c) for c in cells), (who, url)


def test_a_line_break_in_a_childs_name_never_breaks_a_download(app, users):
    """A name imported with a line break goes into the Word file's name: the download
    still opens, under a one-line name (issue 12 saw a 500)."""
    from admin_app.core import clock
    from admin_app.documents.case import ChildInfo, MandatoryReport

    report = MandatoryReport(
        reporter_public=True,
        reporter_name="张老师",
        reporter_identity="teacher",
        report_method="phone",
        reported_at=clock.now(),
        child_info=ChildInfo(name="马小\n花/<1>", gender="F"),
        account="邻居听到哭喊",
    )
    report.set_place("640104100000")
    report.save()
    r = login_as(app, users["station"]).get(f"/mandatory_reports/word/?id={report.pk}")
    assert r.status_code == 200
    assert re.fullmatch(r"强制报告登记表（附件6）_马小 花 1_\d{8}\.docx", _filename(r)), _filename(
        r
    )
