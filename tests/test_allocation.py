"""附件1 allocation table: splits, checks, Excel in and out."""

import io

from openpyxl import Workbook, load_workbook

from admin_app.documents import Allocation
from admin_app.services.stations import progress
from tests.conftest import login_as, text
from tests.factories import make_allocation, make_station


def _edit(c, a, **data):
    a.reload()
    form = {"row_version": str(a.version), "note": "", **{k: str(v) for k, v in data.items()}}
    return c.post(f"/allocations/edit/?id={a.pk}", data=form)


def test_county_sets_the_split(app, users):
    a = make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    assert "未确认" in text(c.get("/allocations/"))
    r = _edit(c, a, target_2023=12, target_2024=4)
    assert r.status_code == 302
    a.reload()
    assert (a.target_2023, a.target_2024, a.split_confirmed, a.version) == (12, 4, True, 1)
    assert "已确认" in text(c.get("/allocations/"))


def test_county_cannot_change_the_plan_total(app, users):
    a = make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    _edit(c, a, target_2023=10, target_2024=6, plan_total=99)
    a.reload()
    assert a.plan_total == 16 and a.target_2023 == 10


def test_bad_splits_are_refused_and_nothing_is_saved(app, users):
    a = make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    for data, message in (
        ({"target_2023": 15, "target_2024": 4}, "（15 + 4 = 19）应等于该县（区）的任务总数 16"),
        # Short of the total: was saved as 「保存记录成功」, shown as 未确认, 14 used as 2023's.
        ({"target_2023": 14, "target_2024": 1}, "（14 + 1 = 15）应等于该县（区）的任务总数 16"),
        ({"target_2023": 14, "target_2024": ""}, "请同时填写 2023 年和 2024 年的建设任务"),
        ({"target_2023": -1, "target_2024": 4}, "必须介于 0 到 100 之间"),
        ({"target_2023": "abc", "target_2024": 4}, "is-invalid"),
    ):
        r = _edit(c, a, **data)
        assert r.status_code == 200, data
        page = r.get_data(as_text=True)
        assert message in page, data
        assert "保存失败" in page and "保存记录成功" not in page
        assert f'value="{data["target_2023"]}"' in page  # the typed value stays
        assert f'value="{data["target_2024"]}"' in page or data["target_2024"] == ""
    a.reload()
    assert (a.target_2023, a.target_2024, a.version) == (None, None, 0)


def test_province_check_against_the_plan_totals(app, users):
    make_allocation("640104000000", 16, 15, 1)
    make_allocation("640402000000", 14)
    c = login_as(app, users["province"])
    page = text(c.get("/allocations/"))
    assert "与方案全区总数核对" in page
    assert "尚有 1 个县（区）未确认分年" in page
    rows = progress.county_rows(users["province"])
    checks = progress.province_check(rows)
    assert [c["value"] for c in checks] == [15, 1, 30]
    assert not any(c["ok"] for c in checks)


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["县区代码", "县（区）", "2023年建设任务", "2024年建设任务", "备注"])
    for r in rows:
        ws.append(list(r))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_import_excel(app, users):
    a = make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    data = _xlsx([("640104000000", "兴庆区", 11, 5, "县局确认 & <核对>")])
    r = c.post(
        "/allocations/import/",
        data={"file": (io.BytesIO(data), "分配表.xlsx")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    a.reload()
    assert (a.target_2023, a.target_2024, a.note) == (11, 5, "县局确认 & <核对>")


def test_import_with_errors_imports_nothing(app, users):
    a = make_allocation("640104000000", 16)
    make_allocation("640402000000", 14)
    c = login_as(app, users["county"])
    csv_bytes = (
        "县区代码,2023年建设任务,2024年建设任务\n"
        "640104000000,10,6\n"
        "640402000000,13,1\n"  # another city's county
        "640104000000,20,1\n"
    ).encode("gb18030")
    r = c.post(
        "/allocations/import/",
        data={"file": (io.BytesIO(csv_bytes), "t.csv")},
        content_type="multipart/form-data",
    )
    page = text(r)
    assert "未导入任何数据" in page
    assert "第 3 行" in page and "不在您的管辖范围内" in page
    assert "第 4 行" in page and "重复" in page
    a.reload()
    assert a.target_2023 is None and a.version == 0


def test_import_refuses_a_split_that_does_not_add_up_as_the_form_does(app, users):
    """The file is held to the same rule as the edit form (Allocation.check): 14 + 1 for a
    total of 16 is refused with the form's message and nothing is written."""
    a = make_allocation("640104000000", 16)
    j = make_allocation("640106000000", 8)  # 金凤区: a valid row beside it
    c = login_as(app, users["province"])
    csv_bytes = (
        "县区代码,2023年建设任务,2024年建设任务\n640106000000,5,3\n640104000000,14,1\n"
    ).encode("gb18030")
    r = c.post(
        "/allocations/import/",
        data={"file": (io.BytesIO(csv_bytes), "t.csv")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 200
    page = text(r)
    assert "未导入任何数据" in page
    assert (
        "第 3 行：2023 年与 2024 年任务之和（14 + 1 = 15）应等于该县（区）的任务总数 16。" in page
    )
    a.reload()
    j.reload()
    assert (a.target_2023, a.version, j.target_2023, j.version) == (None, 0, None, 0)


def test_import_refuses_other_files(app, users):
    make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    r = c.post(
        "/allocations/import/",
        data={"file": (io.BytesIO(b"MZ\x00\x01"), "virus.exe")},
        content_type="multipart/form-data",
    )
    assert "只支持 .xlsx 或 .csv" in text(r)
    r = c.post(
        "/allocations/import/",
        data={"file": (io.BytesIO(b"PK\x03\x04broken"), "x.xlsx")},
        content_type="multipart/form-data",
    )
    assert "无法读取该 Excel 文件" in text(r)


def test_too_large_upload_gets_a_chinese_message(app, users):
    make_allocation("640104000000", 16)
    c = login_as(app, users["county"])
    # A small limit keeps the werkzeug test body in memory; the rule is the same at 20 MB.
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        big = io.BytesIO(b"0" * 8192)
        r = c.post(
            "/allocations/import/",
            data={"file": (big, "big.csv")},
            content_type="multipart/form-data",
        )
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert r.status_code == 413 and "上传文件过大" in text(r)


def test_download_excel(app, users):
    make_allocation("640104000000", 16, 15, 1)
    make_allocation("640402000000", 14)
    c = login_as(app, users["city"])
    r = c.get("/allocations/download.xlsx")
    ws = load_workbook(io.BytesIO(r.data)).active
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert values[2][:6] == [
        "县区代码",
        "市",
        "县（区）",
        "任务总数（附件1）",
        "2023年建设任务",
        "2024年建设任务",
    ]
    assert values[3][:6] == ["640104000000", "银川市", "兴庆区", 16, 15, 1]
    assert not any(
        "原州区" in str(v) for row in values for v in row
    )  # 银川市 sees only its counties


def test_progress_view_flags_counties_behind(app, users):
    make_allocation("640104000000", 16, 15, 1)
    make_station("640104100000", build_status="built", build_year=2023)
    make_station("640104200000", build_status="building")
    rows = progress.county_rows(users["province"])
    (row,) = rows
    assert (row.stations, row.built_2023, row.built_total) == (2, 1, 1)
    assert row.behind == ["2023 年应建 15 个，已建 1 个", "2024 年底应全覆盖 16 个，已建 1 个"]
    from datetime import date

    early = progress.county_rows(users["province"], on=date(2023, 6, 1))
    assert early[0].behind == []  # before the first 31 Aug nothing is late
    c = login_as(app, users["county"])
    page = text(c.get("/progress/"))
    assert "进度滞后的县（区）：兴庆区" in page and "2023 年应建 15 个，已建 1 个" in page


def test_only_county_and_province_edit(app, users):
    a = make_allocation("640104000000", 16)
    c = login_as(app, users["city"])
    _edit(c, a, target_2023=10, target_2024=6)
    assert Allocation.objects.get(pk=a.pk).target_2023 is None


def test_county_sees_the_total_it_splits(app, users):
    a = make_allocation("640104000000", 16)
    page = (
        login_as(app, users["county"]).get(f"/allocations/edit/?id={a.pk}").get_data(as_text=True)
    )
    assert 'name="plan_total"' not in page and "任务总数（附件1）为 16 个" in page
