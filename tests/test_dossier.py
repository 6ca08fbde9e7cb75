"""组卷归档 (附件4 step 8): archiving a case stores its dossier as one Word file, read-only.

Set WORD_PREVIEW_DIR to keep the dossier's PDF and page PNGs for a look.
"""

import hashlib
import importlib.util
import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from lxml import etree

from admin_app.core import clock
from admin_app.documents import AuditEntry, DomainError
from admin_app.documents.case import (
    Case,
    ChildInfo,
    Conference,
    Dossier,
    HelpRequest,
    MandatoryReport,
    Referral,
)
from admin_app.services import cases, visits, word
from admin_app.services.cases import referrals
from admin_app.services.children import archive
from tests.conftest import login_as, text
from tests.factories import make_child, make_user
from tests.test_visits import visit_data
from tests.test_word import SEED_LABELS

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "甲&乙 <b>粗体</b> x > y {{ x }} {% if %} {%p endfor %}\n第二行\r\n第三行 "
LONG_HOSTILE = (HOSTILE * 60)[:2997] + "（完）"  # 3,000 characters, more than a form allows
REPORTER = ("王阿姨", "13800001111")


def all_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def literal(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def report_form(reported_at: datetime) -> dict:
    return {
        # reporter_public unchecked: an anonymous reporter, stored encrypted
        "reporter_name": REPORTER[0],
        "reporter_contact": REPORTER[1],
        "reporter_identity": "community",
        "report_method": "phone",
        "reported_at": reported_at.strftime("%Y-%m-%d %H:%M:%S"),
        "child_info-name": "张小明",
        "child_info-gender": "M",
        "child_info-age": "11",
        "child_info-address": "春林村三队12号",
        "scene": "村东头 & <小卖部>",
        "account": LONG_HOSTILE[:2000],
        "physical_state": "手臂有淤青",
        "mental_state": "紧张 {{ 少言 }}",
        "filled_by": "李娟",
        "filled_on": reported_at.date().isoformat(),
        "open_case": "y",
    }


def full_case(app, users):
    """A mandatory report's case, walked to 跟踪回访 with everything a dossier holds."""
    u = users["station"]
    child = make_child(name="张小明")
    c = login_as(app, u)
    reported = clock.local_now().replace(second=0, microsecond=0) - timedelta(hours=2)
    r = c.post("/mandatory_reports/new/", data=report_form(reported))
    assert r.status_code == 302, text(r)
    report = MandatoryReport.objects.get()
    # 3,000 characters: more than the form's 2,000, as an older or imported record may hold.
    MandatoryReport._get_collection().update_one(
        {"_id": report.pk}, {"$set": {"account": LONG_HOSTILE}}
    )
    case = Case.objects.get()
    archive.link_case(child, str(case.pk), u)
    case.reload()
    assert case.child_info.child == str(child.pk)
    for to, kw in (
        ("classified", {"klass": "report"}),
        ("assessed", {"harm": "suspected", "risk": "mid_high", "done": ["police_110"]}),
        ("intervention", {"done": ["report_up", "shelter"], "note": "带离 & 庇护 <当晚>"}),
        ("placement", {"done": ["temporary_placement"]}),
        ("referral", {"done": ["psych_service"]}),
        ("follow_up", {"done": ["rehab"], "note": "多行说明\n第二行 {% raw %}"}),
    ):
        cases.advance(case, to, u, **kw)
    ref = Referral(
        referred_on=clock.today(),
        child_info=case.child_info,
        reason="需要心理疏导 {{ reason }}",
        unit_name="兴庆区心理服务中心",
        unit_contact_name="刘老师",
        case=str(case.pk),
    )
    ref.set_place(case.place)
    referrals.prepare_new(ref, u)
    ref.save()
    referrals.link_to_case(ref, u)
    referrals.set_status(ref, "received", u)
    referrals.set_status(ref, "feedback", u, "已开展 3 次心理疏导 & 情绪稳定")
    cases.add_conference(
        case,
        Conference(
            held_on=clock.today(),
            parties=["police", "education"],
            people="派出所刘警官、学校王老师",
            decisions="由派出所出具告诫书 <告诫书>；\n学校关注孩子情绪",
            escalated=True,
        ),
        u,
    )
    visits.record_visit(
        child,
        visit_data(
            kind="follow_up",
            follow_up_of="心理疏导",
            visitors="王主任、李社工",
            guardianship="祖母监护 & 照料到位",
            services="讲解临时救助政策",
        ),
        u,
    )
    case.reload()
    return case, report, child, ref


@pytest.fixture
def archived(app, users):
    case, report, child, ref = full_case(app, users)
    cases.advance(case, "archived", users["station"], note="结案，组卷归档")
    return case, report, child, ref


def test_archiving_stores_the_dossier(app, users, archived):
    case, report, child, ref = archived
    stored = Dossier.objects.get(pk=str(case.pk))
    assert case.step == "archived" and case.dossier == str(case.pk)
    assert Case.objects.get(pk=case.pk).dossier == str(case.pk)
    assert stored.place_path == case.place_path and stored.created_by == "u_station"
    assert stored.sha256 == hashlib.sha256(stored.data).hexdigest()
    with zipfile.ZipFile(io.BytesIO(stored.data)) as z:
        etree.fromstring(z.read("word/document.xml"))  # well-formed, no recovery
    assert AuditEntry.objects(action="create", target_type="dossiers").count() == 1

    body = all_text(stored.data)
    # Cover.
    assert (
        body.index("未成年人保护个案卷宗") < body.index("卷内目录") < body.index("一、案件基本情况")
    )
    today = word.cn_day(clock.local_now())
    for value in (
        case.number,
        "张小明",
        "掌政镇未成年人保护工作站",
        "立案日期",
        "归档日期",
        "保管期限",
        word.DOSSIER_RETENTION,
        "立卷人",
        "u_station",
        today,
    ):
        assert value in body, value
    # 卷内目录 and the sections in order.
    for title in ("一、案件基本情况", "二、办理经过", "三、登记表", "四、转介记录"):
        assert title in body
    order = ["二、办理经过", "三、登记表", "四、转介记录", "五、个案会商纪要", "六、走访记录"]
    last = body.index("一、案件基本情况")
    for title in order:
        last = body.index(title, last)  # the section headings, after the 目录 rows
    assert "三、登记表：未成年人保护强制报告登记表" in body
    assert "三、登记表：未成年人保护服务转介记录表（兴庆区心理服务中心）" in body
    assert "四、转介记录（1 条）" in body
    # Every event of the timeline.
    for e in case.events:
        assert cases.STEP_LABELS[e.step] in body
    assert len(case.events) == 8
    for done in ("报警（110）", "报告上级、紧急庇护", "协助、联络安排临时安置", "转介心理服务"):
        assert done in body, done
    assert "带离 & 庇护 <当晚>" in body and "多行说明\n第二行 {% raw %}" in body
    # The form, the referral, the conference, the visit.
    assert "☑匿名" in body and "报告人姓名\n匿名" in body
    assert REPORTER[0] not in body and REPORTER[1] not in body
    assert "村东头 & <小卖部>" in body and "紧张 {{ 少言 }}" in body
    assert literal(LONG_HOSTILE) in body
    assert "兴庆区心理服务中心" in body and "需要心理疏导 {{ reason }}" in body
    assert "已开展 3 次心理疏导 & 情绪稳定" in body and "已反馈" in body
    assert "由派出所出具告诫书 <告诫书>；\n学校关注孩子情绪" in body
    assert "公安、教育" in body and "派出所刘警官、学校王老师" in body
    assert "跟踪回访" in body and "王主任、李社工" in body
    assert "监护情况：祖母监护 & 照料到位" in body and "回访事项：心理疏导" in body
    assert "{{" not in body.replace("{{ x }}", "").replace("{{ 少言 }}", "").replace(
        "{{ reason }}", ""
    )
    assert "None" not in body


def in_order(data: bytes) -> str:
    """The body's text in document order: paragraphs and table cells as they come."""
    doc = open_docx(io.BytesIO(data))
    out = []
    for block in doc.element.body.iterchildren():
        if block.tag == qn("w:p"):
            out.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for tc in block.iter(qn("w:tc")):
                for p in tc.iter(qn("w:p")):
                    out.append(
                        "".join(
                            "\n" if el.tag == qn("w:br") else (el.text or "")
                            for el in p.iter(qn("w:t"), qn("w:br"))
                        )
                    )
    return "\n".join(out)


def test_each_form_is_in_the_dossier_as_its_official_table(app, users, archived):
    """三、登记表 holds 附件6 and the 附件7 whole: every seed label in order, in tables
    laid out as the forms themselves, with the □ lines and the values filled in."""
    case, report, child, ref = archived
    data = Dossier.objects.get(pk=str(case.pk)).data
    body = in_order(data)
    start = body.index("三、登记表\n")  # the heading, not the 目录 rows (三、登记表：…)
    end = body.index("四、转介记录\n", start)
    section = body[start:end]
    position = 0
    for name in ("mandatory_report_form.docx", "referral_record_form.docx"):
        for label in SEED_LABELS[name]:
            found = section.find(label, position)
            assert found >= 0, f"{label!r} of {name} missing or out of order in the dossier"
            position = found + len(label)
    assert "☑匿名" in section and "☑社区人员（邻居等）" in section
    assert "兴庆区心理服务中心" in section and "需要心理疏导 {{ reason }}" in section
    # The forms' own tables, not a two-column list: the 附件6 and 附件7 grids are there,
    # cell for cell as in the forms' Word downloads.
    doc = open_docx(io.BytesIO(data))
    widths = {len(t.columns) for t in doc.tables}
    for name in ("mandatory_report_form.docx", "referral_record_form.docx"):
        form = open_docx(word.template_path(name))
        assert len(form.tables[0].columns) in widths
    report = MandatoryReport.objects.get(pk=report.pk)
    alone = open_docx(
        io.BytesIO(word.render("mandatory_report", word.mandatory_report_context(report, None)))
    )
    cells = [c.text for row in alone.tables[0].rows for c in row.cells]
    assert any([c.text for row in t.rows for c in row.cells] == cells for t in doc.tables)


def test_placeholders_equal_the_context_keys(app, users, archived):
    case = archived[0]
    assert word.template_placeholders("dossier") == set(word.dossier_context(case))
    ctx = word.dossier_context(case)
    assert all(isinstance(v, str) for k, v in ctx.items() if not isinstance(v, list))
    assert ctx["station"] == "掌政镇未成年人保护工作站"


def test_the_template_is_built_by_the_script(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "scripts" / "make_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = module.write_dossier(tmp_path)
    assert path.read_bytes() == (ROOT / "doc_templates" / "case_dossier.docx").read_bytes()


@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")),
    reason="LibreOffice (soffice) or poppler-utils (pdfinfo) is not installed",
)
def test_the_dossier_prints(app, users, archived, tmp_path):
    data = Dossier.objects.get(pk=str(archived[0].pk)).data
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(word.to_pdf(data, timeout=180))
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    assert pages >= 4  # cover, 目录, and the dossier over at least two pages
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60)
    assert "NotoSerifCJK" in fonts.stdout
    keep = os.environ.get("WORD_PREVIEW_DIR")
    if keep and shutil.which("pdftoppm"):
        out = Path(keep)
        out.mkdir(parents=True, exist_ok=True)
        shutil.copy(pdf, out / "case_dossier.pdf")
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(out / "case_dossier")],
            check=True,
            timeout=120,
        )


def test_download_is_scoped_and_logged(app, users, archived):
    case = archived[0]
    stored = Dossier.objects.get(pk=str(case.pk)).data
    for role in ("station", "county"):
        r = login_as(app, users[role]).get(f"/cases/dossier/?id={case.pk}")
        assert r.status_code == 200, role
        assert r.data == stored
        assert quote(f"案卷_{case.number}.docx") in r.headers["Content-Disposition"]
    assert AuditEntry.objects(action="download", detail="下载案卷").count() == 2
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert other.get(f"/cases/dossier/?id={case.pk}").status_code == 404
    assert other.get("/cases/dossier/?id=../../x").status_code == 404
    station = login_as(app, users["station"])
    open_case = cases.open_case(
        users["station"],
        channel="hotline",
        child_info=ChildInfo(name="小红"),
        reported_at=clock.now(),
    )
    assert station.get(f"/cases/dossier/?id={open_case.pk}").status_code == 404
    assert AuditEntry.objects(action="download", detail="下载案卷").count() == 2


def test_archived_case_and_dossier_are_read_only(app, users, archived):
    case, report, child, ref = archived
    u = users["station"]
    before = Dossier.objects.get(pk=str(case.pk))
    with pytest.raises(DomainError, match="流程不允许"):
        cases.advance(case, "archived", u)
    with pytest.raises(DomainError, match="只读"):
        cases.store_dossier(case, u)
    with pytest.raises(DomainError, match="只读"):
        before.save()
    with pytest.raises(DomainError, match="只读"):
        referrals.set_status(ref, "closed", u)
    c = login_as(app, u)
    form = report_form(clock.local_now() - timedelta(hours=1))
    form.pop("open_case")
    version = str(MandatoryReport.objects.get(pk=report.pk).version or 0)
    r = c.post(
        f"/mandatory_reports/edit/?id={report.pk}",
        data={**form, "scene": "改过", "row_version": version},
        follow_redirects=True,
    )
    assert "只读" in text(r) and "/mandatory_reports/details/" in r.request.url
    assert MandatoryReport.objects.get(pk=report.pk).scene == "村东头 & <小卖部>"
    after = Dossier.objects.get(pk=str(case.pk))
    assert (after.sha256, after.data, after.created_at) == (
        before.sha256,
        before.data,
        before.created_at,
    )
    assert Dossier.objects.count() == 1


def test_details_page_links_the_dossier(app, users, archived):
    case = archived[0]
    for role in ("station", "county"):
        r = login_as(app, users[role]).get(f"/cases/details/?id={case.pk}")
        assert r.status_code == 200, role
        page = r.get_data(as_text=True)
        assert 'id="dossier-download"' in page and f"/cases/dossier/?id={case.pk}" in page


def test_a_dossier_that_cannot_be_rendered_leaves_the_case_open(app, users, monkeypatch):
    case, *_ = full_case(app, users)

    def broken(name, context, prepare=None):
        raise RuntimeError("模板损坏")

    monkeypatch.setattr(word.rendering, "render", broken)  # what the dossier renders with
    with pytest.raises(RuntimeError, match="模板损坏"):
        cases.advance(case, "archived", users["station"])
    assert case.step == "follow_up" and case.dossier is None and case.archived_at is None
    stored = Case.objects.get(pk=case.pk)
    assert stored.step == "follow_up" and stored.dossier is None
    assert Dossier.objects.count() == 0
    monkeypatch.undo()
    cases.advance(case, "archived", users["station"])
    assert Dossier.objects(pk=str(case.pk)).count() == 1


def test_a_missing_dossier_is_stored_on_first_download(app, users, archived):
    """Archived, but the insert after the save failed: the download stores it, once."""
    case = archived[0]
    Dossier._get_collection().delete_one({"_id": str(case.pk)})
    r = login_as(app, users["county"]).get(f"/cases/dossier/?id={case.pk}")
    assert r.status_code == 200 and "未成年人保护个案卷宗" in all_text(r.data)
    assert Dossier.objects.get(pk=str(case.pk)).created_by == "u_county"


def test_archived_forms_are_shown_read_only_and_each_paper_is_one_click_away(app, users, archived):
    """An archived case's forms offer no 编辑 (list icon, details tab) and say why; a typed
    edit URL lands on the details page. Every form links its case by number and its Word."""
    case, report, child, ref = archived
    c = login_as(app, users["station"])
    for ep, doc in (("mandatory_reports", report), ("referrals", ref)):
        details = c.get(f"/{ep}/details/?id={doc.pk}").get_data(as_text=True)
        assert 'id="edit-tab"' not in details and 'id="read-only-note"' in details, ep
        assert "已组卷归档，登记表只读" in details
        assert f'href="/cases/details/?id={case.pk}"' in details and case.number in details
        assert f'href="/{ep}/word/?id={doc.pk}"' in details
        listing = c.get(f"/{ep}/").get_data(as_text=True)
        shown = re.sub(r"<[^>]+>", " ", listing)
        assert str(doc.pk) not in shown and str(case.pk) not in shown  # the case number
        assert f"/{ep}/edit/?id={doc.pk}" not in listing and case.number in listing, ep
        r = c.get(f"/{ep}/edit/?id={doc.pk}", follow_redirects=True)
        assert r.request.path == f"/{ep}/details/" and "只读" in text(r)
    # A form of an open case still offers 编辑, everywhere.
    r = c.post(
        "/help_requests/new/",
        data={"child_info-name": "小芳", "location": "村口", "open_case": "y"},
    )
    assert r.status_code == 302, text(r)
    request = HelpRequest.objects.get()
    open_case = Case.objects.get(help_request=str(request.pk))
    details = c.get(f"/help_requests/details/?id={request.pk}").get_data(as_text=True)
    assert 'id="edit-tab"' in details and 'id="read-only-note"' not in details
    assert f'href="/help_requests/word/?id={request.pk}"' in details  # 附件5 has its Word too
    assert f'href="/cases/details/?id={open_case.pk}"' in details and open_case.number in details
    assert f"/help_requests/edit/?id={request.pk}" in c.get("/help_requests/").get_data(
        as_text=True
    )
