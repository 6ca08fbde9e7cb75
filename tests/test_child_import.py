"""导入儿童台账: preview with row errors, nothing imported unless chosen, chunks, ownership."""

import csv
import io
import os
import re
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from admin_app.core import clock
from admin_app.documents import AuditEntry, Child, IdNumberIndex
from admin_app.services.children import archive_history, child_import, roster
from admin_app.services.children.child_import import (
    TEMPLATE_HEADERS,
    ImportFileError,
    parse,
    save_rows,
)
from admin_app.views import child_import as import_view
from tests import when
from tests.conftest import CHROMIUM, TOUCHED, login_as, refusal, text
from tests.factories import PASSWORD, make_user
from tests.places import TONGXI, ZHANGZHENG

CHUNLIN, ZHANGZHENG_VILLAGE = "640104100201", "640104100200"


def make_id(birth, seq: str = "123", region: str = "640104") -> str:
    """A valid 身份证 number; an odd 17th digit is a boy, an even one a girl."""
    return when.id_number(birth, seq, region)


# Birth dates relative to the suite's day (tests/when.py), written as clerks write them.
B_ZHANG = when.born(11, 40)
B_ZHAO = when.born(12, 100)
B_QIAN, B_SUN = when.born(13, 10), when.born(14, 20)
B_LI = when.born(10, 150)
B_ZHENG = when.born(6, 300)
B_YI, B_BING = when.born(6, 30), when.born(7, 45)


def kids(i: int):
    """The birth date of the i-th child of a generated ledger."""
    return when.born(11, i)


def xlsx(rows: list[dict], headers=TEMPLATE_HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h, "") for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def child_row(name, id_number="", birth=None, village=CHUNLIN, **extra) -> dict:
    row = {"姓名": name, "身份证号码": id_number, "村（居）代码": village}
    if birth is not None:
        row["出生日期"] = birth
    row.update(extra)
    return row


def upload(client, data: bytes, filename="台账.xlsx"):
    return client.post(
        "/child_import/",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:
    m = re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True))
    assert m, "no import token on the page"
    return m.group(1)


def uploads():
    return child_import.uploads_collection()


GOOD_ID = make_id(B_ZHANG, "123")
MIXED = [
    child_row(  # line 2: good
        "张一",
        GOOD_ID,
        B_ZHANG,
        性别="男",
        困境类别="农村留守儿童、家庭困境儿童",
        监护状况="父母双方外出务工",
        监护人姓名="张大山",
        监护人关系="祖父/外祖父",
        监护人电话="13900000000",
    ),
    child_row("王二", GOOD_ID[:-1] + str((int(GOOD_ID[-1], 11) + 1) % 10)),  # 3: bad checksum
    child_row(
        "赵三", make_id(B_ZHAO, "333"), (B_ZHAO + timedelta(days=1)).isoformat()
    ),  # 4: birth ≠ ID
    child_row("钱四", make_id(B_QIAN, "113"), village=TONGXI),  # 5: other township
    child_row("孙五", make_id(B_SUN, "223"), 困境类别="贫困儿童"),  # 6: unknown category
    child_row("周六", GOOD_ID),  # 7: same number as line 2
    child_row(  # 8: born in the future
        "吴七",
        "",
        (clock.today() + timedelta(days=30)).isoformat(),
        性别="女",
        无身份证号码原因="无户籍",
    ),
    child_row(  # 9: good, Chinese date, village by name, high risk with reason
        "李八",
        make_id(B_LI, "124"),
        f"{B_LI.year}年{B_LI.month}月{B_LI.day}日",
        village="",
        **{"村（居）名称": "掌政村委会", "风险等级": "高风险", "风险原因": "独自在家"},
    ),
    child_row(  # 10: good, no number, village by short name
        "郑九",
        "",
        f"{B_ZHENG.year}/{B_ZHENG.month}/{B_ZHENG.day}",
        village="",
        **{"村（居）名称": "春林村", "性别": "女", "无身份证号码原因": "尚未办理身份证号码"},
    ),
]


def test_preview_lists_every_bad_row_and_nothing_is_imported_until_chosen(app, users):
    c = login_as(app, users["station"])
    r = upload(c, xlsx(MIXED))
    assert r.status_code == 200
    page = text(r)
    assert "无误 3 行" in page and "有误 6 行" in page
    expected = {
        3: "身份证号码校验位不正确",
        4: "出生日期与身份证号码不一致",
        5: "不在您的管辖范围内",
        6: "困境类别“贫困儿童”无法识别",
        7: "身份证号码与第 2 行重复",
        8: "出生日期不能晚于今天",
    }
    for line, reason in expected.items():
        assert re.search(rf"第 {line} 行（[^）]*）：[^<]*{reason}", page), (line, reason)
    for line in (2, 9, 10):
        assert f"第 {line} 行（" not in page
    assert "导入全部" not in page
    assert "仅导入无误的 3 行" in page
    assert Child.objects.count() == 0
    token = token_of(r)

    # Confirming the whole file while it has errors imports nothing.
    r = c.post("/child_import/confirm/", data={"token": token, "mode": "all"})
    assert r.status_code == 400
    assert "有 6 行有误，未导入任何数据" in text(r)
    r = c.post("/child_import/confirm/", data={"token": token})
    assert r.status_code == 400
    assert Child.objects.count() == 0
    assert uploads().find_one({"_id": token}) is not None

    # Choosing the valid rows imports exactly those, through the archive's own path.
    r = c.post("/child_import/confirm/", data={"token": token, "mode": "valid"})
    assert r.status_code == 200
    page = text(r)
    assert "成功导入 3 行" in page
    children = {ch.name: ch for ch in Child.objects}
    assert set(children) == {"张一", "李八", "郑九"}
    zhang = children["张一"]
    assert zhang.id_number == GOOD_ID and zhang.gender == "M"
    assert zhang.categories == ["left_behind", "family_difficulty"]
    assert zhang.guardianship == "both_away"
    assert zhang.guardians[0].relation == "grandfather"
    assert zhang.guardians[0].phone == "13900000000"
    assert zhang.created_by == "u_station" and zhang.version == 0
    li = children["李八"]
    assert (li.gender, li.birth_date, li.place) == ("F", B_LI, ZHANGZHENG_VILLAGE)
    assert (li.risk_level, li.risk_reason) == ("high", "独自在家")
    zheng = children["郑九"]
    assert (zheng.place, zheng.id_number, zheng.no_id_reason) == (CHUNLIN, None, "not_issued")
    rows = {row["id"]: row for row in roster.rows_for(users["station"])}
    for ch in children.values():
        assert ch.review_status == "reviewed"
        assert rows[str(ch.pk)]["name"] == ch.name
        entries = archive_history.history(ch.pk)
        assert [e["action"] for e in entries] == ["建档"]
        assert entries[0]["by"] == "u_station"
        assert AuditEntry.objects(
            action="create", target_id=str(ch.pk), detail="Excel 导入"
        ).count()
    assert IdNumberIndex.objects(pk=GOOD_ID).first().child == str(zhang.pk)
    assert AuditEntry.objects(action="import", actor="u_station").count() == 1
    # The stored file is gone; the token cannot be used again.
    assert uploads().count_documents({}) == 0
    r = c.post("/child_import/confirm/", data={"token": token, "mode": "valid"})
    assert r.status_code == 404 and "不存在、已完成或不属于您" in text(r)
    assert Child.objects.count() == 3


def test_numbers_already_archived_are_refused_on_a_second_import(app, users):
    c = login_as(app, users["station"])
    data = xlsx([child_row("张一", GOOD_ID)])
    r = upload(c, data)
    c.post("/child_import/confirm/", data={"token": token_of(r), "mode": "all"})
    assert Child.objects.count() == 1
    page = text(upload(c, data))
    assert "第 2 行（张一）：该身份证号码已建档，请勿重复导入" in page
    assert "无误 0 行" in page and 'name="token"' not in page


def test_chunks_imported_by_the_page_script_report_progress(app, users, monkeypatch):
    monkeypatch.setattr(import_view, "CHUNK_ROWS", 2)
    c = login_as(app, users["social_worker"])
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["姓名", "性别", "身份证号码", "出生日期", "村（居）名称"])
    for i in range(5):
        writer.writerow([f"孩子{i}", "", make_id(kids(i), "12" + str(i)), "", "春林村"])
    r = upload(c, buf.getvalue().encode("gb18030"), "台账.csv")
    assert "无误 5 行" in text(r) and "导入全部 5 行" in text(r)
    assert "<progress" in r.get_data(as_text=True)
    token = token_of(r)
    seen = []
    for _ in range(10):
        r = c.post(
            "/child_import/confirm/",
            data={"token": token, "mode": "all", "chunk": "1"},
            headers={"X-CSRFToken": "unused-in-tests"},
        )
        assert r.status_code == 200
        body = r.get_json()
        seen.append((body["processed"], body["total"], body["done"]))
        if body["done"]:
            break
    assert seen == [(2, 5, False), (4, 5, False), (5, 5, True)]
    assert '<b id="saved-count">成功导入 5 行</b>' in body["html"]
    assert Child.objects.count() == 5
    assert {ch.gender for ch in Child.objects} == {"M", "F"}  # taken from the numbers
    r = c.post("/child_import/confirm/", data={"token": token, "mode": "all", "chunk": "1"})
    assert r.status_code == 404 and "不存在" in r.get_json()["error"]


def test_a_request_stops_claiming_rows_after_its_time_budget(app, users, monkeypatch):
    monkeypatch.setattr(import_view, "TIME_BUDGET", 0)
    monkeypatch.setattr(import_view, "STEP_ROWS", 1)
    c = login_as(app, users["station"])
    rows = [child_row(f"孩子{i}", make_id(kids(i), "12" + str(i))) for i in range(3)]
    token = token_of(upload(c, xlsx(rows)))
    progress = []
    for _ in range(3):
        body = c.post(
            "/child_import/confirm/", data={"token": token, "mode": "all", "chunk": "1"}
        ).get_json()
        progress.append((body["processed"], body["saved"], body["done"]))
    assert progress == [(1, 1, False), (2, 2, False), (3, 3, True)]
    assert Child.objects.count() == 3


def test_a_village_import_leaves_the_archives_pending_review(app, users):
    c = login_as(app, users["village"])
    headers = ("姓名", "性别", "身份证号码", "出生日期", "困境类别")
    data = xlsx([{"姓名": "马小花", "性别": "女", "身份证号码": make_id(B_YI, "222")}], headers)
    r = upload(c, data)
    assert "无误 1 行" in text(r)
    r = c.post("/child_import/confirm/", data={"token": token_of(r), "mode": "all"})
    assert "成功导入 1 行" in text(r) and "待乡镇（街道）儿童督导员审核" in text(r)
    child = Child.objects.get()
    assert child.place == CHUNLIN  # the 儿童主任's own village
    assert child.review_status == "pending" and child.review_due is not None
    row = roster.rows_for(users["village"])[0]
    assert row["review"] == "pending"


def test_a_village_user_cannot_import_into_another_village(app, users):
    c = login_as(app, users["village"])
    page = text(
        upload(c, xlsx([child_row("马小花", make_id(B_YI, "222"), village=ZHANGZHENG_VILLAGE)]))
    )
    assert "第 2 行（马小花）" in page and "不在您的管辖范围内" in page


def test_another_users_token_cannot_be_used(app, users):
    c = login_as(app, users["station"])
    r = upload(c, xlsx([child_row("张一", GOOD_ID)]))
    token = token_of(r)
    other = login_as(app, make_user("u_station2", "station", ZHANGZHENG))
    r = other.post("/child_import/confirm/", data={"token": token, "mode": "all"})
    assert r.status_code == 404 and "不存在、已完成或不属于您" in text(r)
    r = other.post("/child_import/confirm/", data={"token": token, "mode": "all", "chunk": "1"})
    assert r.status_code == 404
    r = other.post("/child_import/cancel/", data={"token": token})
    assert "不存在、已完成或不属于您，无需取消" in refusal(other, r)
    assert uploads().find_one({"_id": token}) is not None
    r = other.post("/child_import/confirm/", data={"token": token + ".1", "mode": "all"})
    assert r.status_code == 404
    assert Child.objects.count() == 0
    # The owner can still cancel it: nothing imported, the file removed.
    r = c.post("/child_import/cancel/", data={"token": token}, follow_redirects=True)
    assert "已取消，未导入任何数据" in text(r)
    assert uploads().count_documents({}) == 0 and Child.objects.count() == 0


def test_other_files_are_refused(app, users):
    c = login_as(app, users["station"])
    r = upload(c, b"MZ\x00\x01", "virus.exe")
    assert "只支持 .xlsx 或 .csv 文件" in text(r)
    assert "另存为" in text(upload(c, b"\xd0\xcf\x11\xe0", "old.xls"))
    assert "无法读取该 Excel 文件" in text(upload(c, b"PK\x03\x04broken", "x.xlsx"))
    assert "找不到表头" in text(upload(c, b"a,b\n1,2\n", "x.csv"))
    assert "请选择要导入的" in text(c.post("/child_import/", data={}))
    assert uploads().count_documents({}) == 0


def test_the_template_downloads_and_reimports_cleanly(app, users):
    c = login_as(app, users["station"])
    page = text(c.get("/child_import/"))
    assert "下载导入模板" in page
    r = c.get("/child_import/template.xlsx")
    assert r.status_code == 200
    assert r.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(r.data))
    assert [c.value for c in wb.worksheets[0][1]] == list(TEMPLATE_HEADERS)
    assert "说明" in wb.sheetnames
    r = upload(c, r.data, "儿童台账导入模板.xlsx")
    assert "无误 1 行" in text(r) and "有误 0 行" in text(r)
    r = c.post("/child_import/confirm/", data={"token": token_of(r), "mode": "all"})
    assert "成功导入 1 行" in text(r)
    child = Child.objects.get()
    assert child.place in (CHUNLIN, ZHANGZHENG_VILLAGE)
    assert child.categories == ["left_behind", "family_difficulty"]


def test_only_archive_editors_may_import(app, users):
    for role in ("county", "city", "province"):
        assert login_as(app, users[role]).get("/child_import/").status_code == 403
    for role in ("station", "social_worker", "village"):
        assert login_as(app, users[role]).get("/child_import/").status_code == 200
    assert login_as(app, users["county"]).get("/child_import/template.xlsx").status_code == 403


# ---- parse() and save_rows() directly ----
def test_labels_dates_and_defaults(app, users):
    rows = [
        {
            "姓名": "甲",
            "身份证号码": make_id(B_ZHANG, "123").lower(),
            "出生日期": f"{B_ZHANG.year}.{B_ZHANG.month}.{B_ZHANG.day}",
            "村（居）代码": CHUNLIN,
            "民族": "回",
            "户籍状况": "流动（暂住）",
            "就学状况": "幼儿园",
            "走访频次": "每月",
            "风险等级": "中",
            "监护人姓名": "甲父",
            "监护人关系": "爸爸",
        },
        {
            "姓名": "乙",
            "性别": "女",
            "出生日期": B_YI,
            "村（居）代码": CHUNLIN,
            "无身份证号码原因": "号码不详，待核实",
            "困境类别": "孤儿,散居孤儿；流动儿童",
        },
        {
            "姓名": "丙",
            "性别": "男",
            "出生日期": f"{B_BING:%Y%m%d}",
            "村（居）代码": CHUNLIN,
            "无身份证号码原因": "无户籍",
        },
        {
            "姓名": "丁",
            "性别": "男",
            "出生日期": "2019-02-30",
            "村（居）代码": CHUNLIN,
            "无身份证号码原因": "无户籍",
        },
        {
            "姓名": "戊",
            "性别": "男",
            "出生日期": "去年",
            "村（居）代码": "6401041002",
            "无身份证号码原因": "无户籍",
            "监护人电话": "12",
        },
        {"姓名": "", "出生日期": "2019-01-01", "村（居）代码": "640104100299"},
    ]
    results = parse("t.xlsx", xlsx(rows), users["station"])
    a, b, c, d, e, f = results
    assert [r.line for r in results] == [2, 3, 4, 5, 6, 7]
    assert a.ok and b.ok and c.ok, (a.errors, b.errors, c.errors)
    assert a.child.id_number.endswith(make_id(B_ZHANG, "123")[-1].upper())
    assert (a.child.gender, a.child.ethnicity, a.child.hukou_status) == ("M", "回族", "floating")
    assert (a.child.school_status, a.child.visit_frequency, a.child.risk_level) == (
        "kindergarten",
        "monthly",
        "medium",
    )
    assert a.child.guardians[0].relation == "father" and a.child.pk is None
    assert b.child.categories == ["orphan", "scattered_orphan", "migrant"]
    assert (b.child.ethnicity, b.child.guardianship, b.child.risk_level) == (
        "汉族",
        "normal",
        "low",
    )
    assert c.child.birth_date == B_BING
    assert d.errors == ["出生日期“2019-02-30”不是有效的日期。"]
    assert any("出生日期“去年”无法识别" in m for m in e.errors)
    assert any("应为 12 位数字" in m for m in e.errors)
    assert any("监护人电话“12”格式不正确" in m for m in e.errors)
    assert "请填写姓名。" in f.errors and "请填写性别。" in f.errors
    assert any("640104100299”不存在" in m for m in f.errors)
    assert Child.objects.count() == 0


def test_file_limits(app, users):
    header = ",".join(["姓名", "性别", "出生日期", "村（居）代码"]) + "\n"
    body = "".join(f"孩子{i},男,{B_ZHANG},{CHUNLIN}\n" for i in range(child_import.MAX_ROWS + 1))
    with pytest.raises(ImportFileError) as exc:
        parse("big.csv", (header + body).encode(), users["station"])
    assert "超过每次最多 5000 行" in exc.value.errors[0]
    with pytest.raises(ImportFileError) as exc:
        parse("empty.csv", header.encode(), users["station"])
    assert "没有可导入的数据行" in exc.value.errors[0]
    with pytest.raises(ImportFileError) as exc:
        parse("nov.csv", f"姓名,性别,出生日期\n甲,男,{B_ZHANG}\n".encode(), users["station"])
    assert "村（居）代码”或“村（居）名称" in exc.value.errors[0]


def test_save_rows_reports_a_row_whose_number_was_taken_meanwhile(app, users):
    user = users["station"]
    data = xlsx([child_row("张一", GOOD_ID), child_row("李八", make_id(B_LI, "124"))])
    first = parse("t.xlsx", data, user)
    again = parse("t.xlsx", data, user)
    with app.test_request_context():
        saved, failed = save_rows(first[:1], user)
        assert [ch.name for ch in saved] == ["张一"] and failed == []
        saved, failed = save_rows(again, user)  # line 2 was valid when parsed, taken since
    assert [ch.name for ch in saved] == ["李八"]
    assert failed == [(2, "该身份证号码已建档，请勿重复建档。")]
    assert Child.objects.count() == 2
    assert IdNumberIndex.objects.count() == 2


@pytest.mark.browser
@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"Chromium not found at {CHROMIUM}")
def test_the_page_script_imports_in_chunks_with_csrf_on(browser, live_server, users, monkeypatch):
    monkeypatch.setattr(import_view, "CHUNK_ROWS", 2)
    page = browser.page
    confirms = []
    page.on(
        "request",
        lambda req: confirms.append(req) if req.url.endswith("/child_import/confirm/") else None,
    )
    page.goto("/login")
    page.get_by_label("用户名").fill("u_station")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server}/")
    rows = [
        child_row(
            f"孩子{i}",
            make_id(kids(i), "12" + str(i)),
            village="",
            **{"村（居）名称": "春林村"},
        )
        for i in range(5)
    ] + [child_row("错一", "640104")]
    page.goto("/child_import/")
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(rows)}],
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#invalid-count")).to_have_text("有误 1 行")
    expect(page.locator("#import-errors")).to_contain_text("第 7 行（错一）：身份证号码应为 18 位")
    page.locator("#import-valid").click()
    expect(page.locator("#import-result")).to_contain_text("成功导入 5 行")
    assert len(confirms) == 3
    assert all(req.headers.get("x-csrftoken") for req in confirms)
    assert Child.objects.count() == 5
    assert browser.problems == []


def _ledger(n: int) -> bytes:
    rows = []
    for i in range(n):
        birth = when.born(5 + i % 10, (i // 10) % 300)
        rows.append(child_row(f"台账{i}", make_id(birth, f"{i // 3000:03d}")))
    return xlsx(rows)


def test_the_import_reads_the_file_once_and_writes_in_batches(app, users, monkeypatch):
    """Issue 13: a 5,000-row 台账 took 232 s — its file parsed again for every chunk and
    every row written one by one. Now the import reads it once and saves each block of
    rows with a few insert_many."""
    c = login_as(app, users["station"])
    parsed = []
    real_parse = import_view.parse
    monkeypatch.setattr(
        import_view, "parse", lambda *a, **k: parsed.append(1) or real_parse(*a, **k)
    )
    looked_up = TOUCHED.finds["child_id_numbers"]
    token = token_of(upload(c, _ledger(300)))
    # The numbers already archived are looked up together, not row by row (was 300 finds).
    assert TOUCHED.finds["child_id_numbers"] - looked_up == 1
    before = TOUCHED.writes
    body, requests = {}, 0
    while not body.get("done"):  # the page's script: chunk after chunk
        requests += 1
        body = c.post(
            "/child_import/confirm/", data={"token": token, "mode": "all", "chunk": "1"}
        ).get_json()
    assert body["done"] and body["saved"] == 300 and body["failed"] == 0
    assert parsed == [1]  # read once, at upload
    assert Child.objects.count() == 300 and IdNumberIndex.objects.count() == 300
    assert AuditEntry.objects(action="create").count() == 300
    assert len(archive_history.history(str(Child.objects.first().pk))) == 1
    assert len(roster.township_rows(ZHANGZHENG)) == 300
    writes = TOUCHED.writes - before
    assert writes < 20, writes  # one by one it was six per row: over 1,800
    assert requests == 1  # 300 rows are one block, one request (a block is 500)
