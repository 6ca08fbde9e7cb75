"""The three official forms as Word files (附件5, 附件6, 附件7): templates, contexts, output.

Set WORD_PREVIEW_DIR to keep the PDFs and page PNGs of the print test for a look.
"""

import importlib.util
import io
import os
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx import Document as open_docx
from lxml import etree

from admin_app.documents import User
from admin_app.documents.case import ChildInfo, HelpRequest, MandatoryReport, Perpetrator, Referral
from admin_app.documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    REPORT_METHODS,
    REPORTER_IDENTITIES,
)
from admin_app.services import word

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "2026年11月20日下午放学后，孩子在村口被邻居拦住。\n回家后情绪低落，手臂有淤青。\n母亲联系村儿童主任。"
LONG = ("未成年人保护工作站接到求助后依法处置，" * 200)[:3000]
HOSTILE = ["A&B", "<b>粗体</b>", "x > y", "{{ x }}", "{% if %}", "第一行\n第二行\r\n第三行"]


def user(role="village"):
    return User(username=f"u_{role}", display_name="测试用户", role=role)


def child(**kw):
    values = dict(
        name="马小花",
        gender="F",
        age=11,
        address="宁夏银川市兴庆区掌政镇春林村三队12号",
        phone="13895000000",
        guardian_name="马建国",
        guardian_identity="父亲",
        guardian_phone="13995111111",
    )
    values.update(kw)
    return ChildInfo(**values)


def perpetrator(**kw):
    values = dict(name="王某", identity="邻居", address="春林村三队15号", phone="13700000000")
    values.update(kw)
    return Perpetrator(**values)


def help_request(**kw):
    values = dict(
        child_info=child(),
        location="春林村村口",
        occurred_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),  # 17:30 in Ningxia
        account=ACCOUNT,
        perpetrator=perpetrator(),
        attachment_note="照片2张（手臂淤青）",
        attachment_ids=["a1", "a2"],
        filled_by="李娟",
        filled_on=date(2026, 11, 29),
    )
    values.update(kw)
    return HelpRequest(**values)


def mandatory_report(**kw):
    values = dict(
        reporter_public=True,
        reporter_name="张老师",
        reporter_contact="13800000000",
        reporter_identity="teacher",
        report_method="wechat",
        reported_at=datetime(2026, 11, 29, 6, 5, tzinfo=UTC),  # 14:05 in Ningxia
        child_info=child(),
        scene="春林村村口",
        occurred_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC),  # 17:30 in Ningxia
        account=ACCOUNT,
        perpetrator=perpetrator(),
        physical_state="左臂淤青",
        mental_state="紧张、少言",
        behaviour="不愿出门",
        child_view="害怕施害者，不愿再见到他",
        attachment_note="照片2张",
        filled_by="李娟",
        filled_on=date(2026, 11, 29),
    )
    values.update(kw)
    return MandatoryReport(**values)


def referral(**kw):
    values = dict(
        referred_on=date(2026, 11, 29),
        child_info=child(),
        reason=ACCOUNT,
        unit_name="兴庆区掌政派出所",
        unit_address="掌政镇政府路1号",
        unit_contact_name="刘警官",
        unit_contact_phone="0951-0000000",
        follow_up_plan="一周内回访家庭；\n联系学校关注孩子情绪。",
        filled_by="李娟",
        filled_on=date(2026, 11, 29),
    )
    values.update(kw)
    return Referral(**values)


FORMS = {
    "help_request_form.docx": (help_request, word.help_request_context),
    "mandatory_report_form.docx": (mandatory_report, word.mandatory_report_context),
    "referral_record_form.docx": (referral, word.referral_context),
}
LONG_FIELD = {
    "help_request_form.docx": "account",
    "mandatory_report_form.docx": "account",
    "referral_record_form.docx": "reason",
}
# Free-text fields each form fills with a hostile value (the long one gets LONG).
TEXT_FIELDS = {
    "help_request_form.docx": ["location", "attachment_note", "filled_by"],
    "mandatory_report_form.docx": [
        "reporter_name",
        "scene",
        "physical_state",
        "mental_state",
        "behaviour",
        "child_view",
    ],
    "referral_record_form.docx": [
        "unit_name",
        "unit_address",
        "unit_contact_name",
        "follow_up_plan",
        "filled_by",
    ],
}


def all_text(data: bytes) -> str:
    """Every paragraph of the document and its tables, line breaks as "\\n"."""
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


def test_templates_are_built_by_the_script(tmp_path):
    """doc_templates/ holds exactly what scripts/make_templates.py builds (reproducibly)."""
    spec = importlib.util.spec_from_file_location(
        "make_templates", ROOT / "scripts" / "make_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert sorted(p.name for p in written) == sorted(FORMS)
    for path in written:
        assert path.read_bytes() == (ROOT / "doc_templates" / path.name).read_bytes(), path.name


@pytest.mark.parametrize("name", FORMS)
def test_placeholders_equal_context_keys(name):
    make, context = FORMS[name]
    placeholders = word.template_placeholders(name)
    assert placeholders == set(context(make(), user()))
    assert placeholders == set(context(make(), user("station")))


# Titles, section rows and labels of each form, in the seed's order and words.
SEED_LABELS = {
    "help_request_form.docx": [
        "附件5",
        "未成年人疑似伤害事件求助登记表",
        "未\n成\n年\n人\n信\n息",
        "姓名",
        "性别",
        "年龄",
        "住址",
        "联系电话",
        "监护人姓名",
        "身份",
        "联系电话",
        "情\n况\n陈\n述",
        "地点",
        "时间",
        "具体经过",
        "疑\n似\n施\n害\n者",
        "姓名",
        "身份",
        "住址",
        "联系电话",
        "附件\n（文字记录、图片等相关证明）",
        "填写人",
        "填写日期",
    ],
    "mandatory_report_form.docx": [
        "附件6",
        "未成年人保护强制报告登记表",
        "报\n告\n人\n信\n息",
        "公开或匿名",
        "报告人姓名",
        "联系方式",
        "报告人身份",
        "报告方式",
        "报告时间",
        "未\n成\n年\n人\n信\n息",
        "未成年人姓名",
        "性别",
        "年龄",
        "居住地址",
        "联系电话",
        "监护人姓名",
        "身份",
        "联系电话",
        "情\n况\n陈\n述",
        "案件发生地",
        "发生时间",
        "案件经过",
        "疑\n似\n施\n害\n者",
        "姓名",
        "身份",
        "未\n成\n年\n人\n具\n体\n状\n态",
        "身体状态",
        "精神状态",
        "行为表现",
        "未成年人对伤害案件的认知与评价",
        "（认识、理解与评价：对施害者行为的认识、关系及信任程度、亲密程度、继续相处意愿等）",
        "附件\n（文字记录、图片等相关信息）",
        "填写人",
        "填写日期",
    ],
    "referral_record_form.docx": [
        "附件7",
        "未成年人保护服务转介记录表",
        "未\n成\n年\n人\n信\n息",
        "姓名",
        "性别",
        "年龄",
        "住址",
        "联系电话",
        "监护人姓名",
        "身份",
        "联系电话",
        "转\n介\n服\n务\n记\n录",
        "转介理由",
        "（目击或了解到的未成年人伤害案件具体发展过程与情形，描述性话语）",
        "转\n介\n信\n息",
        "转介接收单位",
        "单位地址",
        "对接负责人姓名",
        "联系方式",
        "未保工作站后续跟进计划",
        "填写人姓名",
        "填写日期",
    ],
}


@pytest.mark.parametrize("name", FORMS)
def test_template_follows_the_seed_words(name):
    """Titles, section rows and labels in the seed's order and words."""
    expected = SEED_LABELS[name]
    text = all_text((word.TEMPLATE_DIR / name).read_bytes())
    position = 0
    for label in expected:
        found = text.find(label, position)
        assert found >= 0, f"{label!r} missing or out of order in {name}"
        position = found + len(label)


def test_option_lines_are_set_in_song_throughout():
    """□ and ☑ at the start of an option line are set in 宋体 like the rest of the line
    (in the Latin face LibreOffice drew the first □ of each line smaller)."""
    from docx.oxml.ns import qn

    doc = open_docx(word.template_path("mandatory_report"))
    runs = [r for r in doc.element.body.iter(qn("w:r")) if "_boxes" in "".join(r.itertext())]
    assert len(runs) == 3
    for run in runs:
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "宋体"
        assert fonts.get(qn("w:eastAsia")) == "宋体"


@pytest.mark.parametrize("name", FORMS)
def test_rendered_form_holds_every_value(name):
    make, context = FORMS[name]
    ctx = context(make(), user())
    data = word.render(name, ctx)
    etree.fromstring(document_xml(data))  # well-formed, no recovery
    text = all_text(data)
    for key, value in ctx.items():
        assert value in text, key
    assert "{{" not in text and "None" not in text
    assert "马小花" in text and "2026年11月29日" in text
    # Multi-line values are Word line breaks, not one run-on line.
    assert "孩子在村口被邻居拦住。\n回家后情绪低落" in text


@pytest.mark.parametrize("name", FORMS)
def test_hostile_values_are_text(name):
    make, context = FORMS[name]
    fields = {LONG_FIELD[name]: LONG}
    for i, field in enumerate(TEXT_FIELDS[name]):
        fields[field] = HOSTILE[i % len(HOSTILE)]
    infix = dict(
        zip(
            ["name", "address", "phone", "guardian_name", "guardian_identity", "guardian_phone"],
            [HOSTILE[i] for i in (1, 5, 0, 2, 4, 3)],
            strict=True,
        )
    )
    record = make(**fields, child_info=child(**infix))
    ctx = context(record, user())
    data = word.render(name, ctx)
    xml = document_xml(data)
    etree.fromstring(xml)  # raises unless well-formed
    assert b"<b>" not in xml
    text = all_text(data)
    used = set(fields.values()) | set(infix.values())
    assert set(HOSTILE) <= used
    for value in used:
        assert value.replace("\r\n", "\n") in text, value[:40]
    assert LONG in text
    # Every section of the form is still there after the hostile values.
    assert ("填写人" in text) and ("填写日期" in text)


def test_control_characters_cannot_break_the_file():
    ctx = word.help_request_context(
        help_request(account="响铃\x07换页\x0c空\x00字符\x1b。"), user()
    )
    data = word.render("help_request_form.docx", ctx)
    etree.fromstring(document_xml(data))
    assert "响铃\n换页\n空字符。" in all_text(data)


def test_dates_and_times_read_as_on_paper():
    ctx = word.mandatory_report_context(mandatory_report(), user())
    assert ctx["reported_at"] == "2026年11月29日 14时05分"
    assert ctx["occurred_at"] == "2026年11月20日 17时30分"
    assert ctx["filled_on"] == "2026年11月29日"
    blank = word.mandatory_report_context(
        mandatory_report(occurred_at=None, filled_on=None, scene=None), user()
    )
    assert blank["occurred_at"] == word.BLANK_WHEN
    assert blank["filled_on"] == word.BLANK_DATE
    assert blank["scene"] == word.BLANK and blank["scene"].strip() == ""
    # An approximate time in words goes beside the exact one, or stands alone.
    noted = word.help_request_context(help_request(occurred_note="晚8时许"), user())
    assert noted["occurred_at"] == "2026年11月20日 17时30分（晚8时许）"
    words_only = help_request(occurred_at=None, occurred_note="上周五傍晚")
    assert word.help_request_context(words_only, user())["occurred_at"] == "上周五傍晚"
    # Midnight in Ningxia is a time like any other (16:00 UTC the day before).
    midnight = help_request(occurred_at=datetime(2026, 11, 19, 16, 0, tzinfo=UTC))
    assert word.help_request_context(midnight, user())["occurred_at"] == "2026年11月20日 00时00分"
    assert word.referral_context(referral(), user())["referred_on"] == "2026年11月29日"


def test_checkboxes_tick_the_chosen_identity_and_method():
    ctx = word.mandatory_report_context(mandatory_report(), user())
    assert ctx["reporter_public_boxes"] == "☑公开　□匿名"
    identities = ctx["reporter_identity_boxes"]
    methods = ctx["report_method_boxes"]
    assert identities.count("☑") == 1 and "☑学校老师" in identities
    for code, label in REPORTER_IDENTITIES:
        assert ("☑" if code == "teacher" else "□") + label in identities
    assert methods.count("☑") == 1 and "☑微信" in methods
    for code, label in REPORT_METHODS:
        assert ("☑" if code == "wechat" else "□") + label in methods
    # The seed's lines: pairs of boxes, 其他亲属 and 其他 alone.
    assert identities.split("\n")[0] == "□未成年人本人　□未成年人监护人"
    assert methods.split("\n") == ["□电话　□面对面　□信箱　□邮箱", "☑微信　□其它（请注明）"]
    text = all_text(word.render("mandatory_report_form.docx", ctx))
    assert "☑公开　□匿名" in text and "☑学校老师　□学校同学" in text

    noted = word.mandatory_report_context(
        mandatory_report(
            reporter_public=False,
            reporter_identity="relative",
            reporter_identity_note="舅舅",
            report_method="other",
            report_method_note="当面递交书信",
        ),
        user(),
    )
    assert noted["reporter_public_boxes"] == "□公开　☑匿名"
    assert "☑其他亲属（请注明）舅舅" in noted["reporter_identity_boxes"]
    assert "☑其它（请注明）当面递交书信" in noted["report_method_boxes"]
    unchosen = word.mandatory_report_context(
        mandatory_report(reporter_identity=None, report_method=None), user()
    )
    assert "☑" not in unchosen["reporter_identity_boxes"] + unchosen["report_method_boxes"]


def test_anonymous_reporter_shown_only_to_allowed_roles(app):
    from admin_app.crypto import encrypt

    assert "station" in ANONYMOUS_REPORTER_ROLES and "village" not in ANONYMOUS_REPORTER_ROLES
    with app.app_context():
        report = mandatory_report(
            reporter_public=False,
            reporter_name=None,
            reporter_contact=None,
            reporter_name_enc=encrypt("赵匿名人"),
            reporter_contact_enc=encrypt("13912345678"),
        )
        assert word.reporter_identity(report, user("village")) == ("匿名", "匿名")
        assert word.reporter_identity(report, None) == ("匿名", "匿名")
        assert word.reporter_identity(report, user("station")) == ("赵匿名人", "13912345678")

        hidden = word.render(
            "mandatory_report_form.docx", word.mandatory_report_context(report, user("village"))
        )
        shown = word.render(
            "mandatory_report_form.docx", word.mandatory_report_context(report, user("station"))
        )
    hidden_text, shown_text = all_text(hidden), all_text(shown)
    assert "赵匿名人" not in hidden_text and "13912345678" not in hidden_text
    assert "报告人姓名\n匿名\n" in hidden_text
    assert "赵匿名人" in shown_text and "13912345678" in shown_text
    assert "☑匿名" in hidden_text and "☑匿名" in shown_text
    # A public reporter is on the form for everyone.
    public = word.mandatory_report_context(mandatory_report(), user("village"))
    assert (public["reporter_name"], public["reporter_contact"]) == ("张老师", "13800000000")


def _pages(pdf: Path) -> int:
    out = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line for line in out.splitlines() if line.startswith("Pages:")).split()[1])


needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")),
    reason="LibreOffice (soffice) or poppler-utils (pdfinfo) is not installed",
)


@needs_office
@pytest.mark.parametrize("filled", [True, False], ids=["filled", "blank"])
@pytest.mark.parametrize("name", FORMS)
def test_prints_on_one_or_two_pages(name, filled, tmp_path):
    make, context = FORMS[name]
    if filled:
        record = make()
    else:  # the blank paper form, to fill in by hand
        blank = {
            "help_request_form.docx": {"occurred_at": None},
            "mandatory_report_form.docx": {"reporter_identity": None, "report_method": None},
            "referral_record_form.docx": {"referred_on": None},
        }[name]
        record = type(make())(child_info=ChildInfo(name=""), **blank)
    data = word.render(name, context(record, user()))
    pdf = tmp_path / name.replace(".docx", ".pdf")
    pdf.write_bytes(word.to_pdf(data, timeout=120))
    assert _pages(pdf) in (1, 2)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60
    ).stdout
    assert "NotoSerifCJK" in fonts  # 宋体 stands in as a Song face, not a sans fallback

    keep = os.environ.get("WORD_PREVIEW_DIR")
    if keep and shutil.which("pdftoppm"):
        out = Path(keep)
        out.mkdir(parents=True, exist_ok=True)
        stem = out / f"{pdf.stem}_{'filled' if filled else 'blank'}"
        shutil.copy(pdf, stem.with_suffix(".pdf"))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(pdf), str(stem)], check=True, timeout=60
        )


@needs_office
def test_hostile_form_still_converts(tmp_path):
    ctx = word.referral_context(referral(reason=LONG + "\n" + "\n".join(HOSTILE)), user())
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(word.to_pdf(word.render("referral_record_form.docx", ctx), timeout=120))
    assert _pages(pdf) >= 2
