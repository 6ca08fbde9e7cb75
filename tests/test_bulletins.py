"""上墙材料: the wall bulletins (附件3, 附件4, the sign, 附件2 3.1/3.2 duties, the rules).

Set BULLETIN_PREVIEW_DIR to keep the PDFs and page PNGs of the print test for a look.
"""

import importlib.util
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from admin_app.documents import AuditEntry, Station
from admin_app.services import word
from admin_app.services.bulletins import BULLETINS, QR_KINDS, bulletin_context, render_bulletin
from admin_app.services.cases import public
from tests.conftest import login_as
from tests.factories import make_station
from tests.places import SANYING, TONGGUI, ZHANGZHENG

ROOT = Path(__file__).resolve().parent.parent
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PHONE = "0951-6071234"
ADDRESS = "宁夏银川市兴庆区掌政镇政府路1号便民服务中心二楼"
HOSTILE = {"name": "A&B<x>{{ y }}站", "address": "路<1>号 & {% if %}", "phone": "{{ 1 }}<&>"}

# Every box of the seed's 附件3 chart, top to bottom (the seed's "(街道办事处)" printed
# with full-width brackets like the rest of the chart).
WORKFLOW_BOXES = [
    "制定年度工作计划",
    "接待服务",
    "日常管理",
    "生活受困",
    "监护缺失",
    "权益保障",
    "发现报告",
    "宣传培训",
    "定期排查",
    "教育指导",
    "督导考核",
    "联系村（居）民委员会调查核实",
    "联系村（居）民委员会落实临时监护",
    "分类并转介相关部门办理",
    "多渠道收集，按照诉求分类处置流程进行分类办理",
    "开展各种法规政策宣传活动和儿童主任培训，引导社会力量参与未成年人保护工作",
    "建立未成年人信息台账，做好动态管理；定期走访和重点核查辖区内散居孤儿、农村留守儿童、困境儿童",
    "开展家庭教育指导、儿童主任日常管理；村（居）未成年人关爱服务场所指导",
    "定期调度各村（居）未保和儿童福利保障等工作",
    "符合条件的报乡镇人民政府（街道办事处）审批开展生活救助和帮扶",
    "符合法定情形的报县级未保中心临时监护",
    "符合条件的报县级职能部门审批开展帮扶",
    "收集汇总办理情况",
    "分析乡镇（街道）未保工作形势",
    "跟踪回访",
    "定期向乡镇人民政府（街道办事处）汇报",
    "组卷归档",
    "工作总结",
]
# Every box and branch of the seed's 附件4 chart (the seed's 心里咨询 read as 心理咨询).
DISPOSAL_STEPS = [
    "1 发现报告",
    "2 分类转介",
    "3 危机评估",
    "4 强制干预",
    "5 协助安置",
    "6 跟踪转介",
    "7 跟踪回访",
    "8 组卷归档",
]
DISPOSAL_BOXES = [
    "及时发现疑似案例，接受多渠道报告（未保热线，平台转接等）",
    "接受咨询求助，强制报告",
    "咨询",
    "政策咨询",
    "政策解释",
    "熟悉掌握未保和儿童福利政策，把握政策实施",
    "协助申办",
    "协助救助帮扶和保护政策申请，协助查询政策办理情况",
    "事件咨询",
    "报告案例",
    "求助案例",
    "疑似伤害",
    "报警（110）",
    "伤情处理",
    "无伤害",
    "低危",
    "支持服务",
    "困难帮扶",
    "资源链接",
    "后续服务",
    "中高危",
    "报告上级（视情况）",
    "带离现场或紧急庇护",
    "协助家庭教育指导、监护指导",
    "协助协调家庭关系、修复亲子关系",
    "未成年人及其家庭困难帮扶",
    "未成年人及其家庭成员情绪处理、压力等心理服务",
    "协助联系专业人士对个案进行专业评估",
    "协助申请（紧急）人身安全保护令",
    "协助、联络安排临时安置",
    "配合相关部门介入、陪伴及协助受害未成年人及其家庭",
    "协调其他专业服务支持（个案服务、心理咨询、医护、教育等）",
    "立案",
    "批评教育",
    "出具告诫书等",
    "转介个案服务、心理服务或医院受伤害未成年人跟进服务",
    "强制教育",
    "开展受伤害儿童康复状况及再受伤害可能评估",
    "开展儿童安置评估，回归正常家庭和学校生活",
    "临时安置，长期安置（收养、寄养、机构教育等）",
]
SUPERVISOR = [  # 附件2 3.1.1–3.1.8
    "负责推进所在辖区困境儿童保障等工作，制定有关工作计划和工作方案。",
    "负责辖区村（居）儿童主任指导、培训、评估等工作。",
    "负责辖区各类困境儿童，特别是散居孤儿、事实无人抚养儿童等信息动态更新，建立健全信息台账。",
    "负责指导村（居）儿童主任加强对散居孤儿、事实无人抚养儿童的定期走访和重点核查，做好强制报告、转介帮扶等事项。",
    "负责指导村（居）民委员会做好儿童关爱服务场所（儿童之家）的建设与管理。",
    "负责开展未成年人保护政策宣传。",
    "负责协调引进和培育儿童类社会组织、招募志愿者或发动其他社会力量参与儿童工作。",
    "负责协助做好各类困境儿童，特别是散居孤儿、事实无人抚养儿童的社会救助、精神慰藉等关爱服务工作。",
]
SOCIAL_WORKER = [  # 附件2 3.2.1–3.2.3
    "协助儿童督导员、儿童主任做好困境儿童发现报告、预防干预、转介处置等工作。",
    "参与专业性技术支持工作，包括伤害程度评估、家庭监护状况评估、服务项目开发、服务项目评估、服务项目督导等。",
    "参与专业性帮扶工作，包括个案管理、个案辅导、情绪疏导、亲职教育、家庭关系调适、成长教育、资源链接、技能培训等。",
]
EXPECTED = {
    "workflow": ["掌政镇未成年人保护工作站工作流程图", *WORKFLOW_BOXES],
    "disposal": ["掌政镇未成年人保护工作站发现报告处置流程图", *DISPOSAL_STEPS, *DISPOSAL_BOXES],
    "sign": ["掌政镇未成年人保护工作站", "扫码报告儿童受到伤害或处境危险"],
    "duties": ["儿童督导员职责", *SUPERVISOR, "儿童社工职责", *SOCIAL_WORKER],
    "rules": ["工作制度", "工作流程", "岗位职责", "强制报告制度", "个案会商制度"],
    "report_poster": ["扫码报告", "可以匿名", "24 小时内处理", "12345", "12349", "110"],
}
PAGES = {"workflow": 1, "disposal": 1, "sign": 1, "duties": 2, "rules": 3, "report_poster": 1}
QR = public.qr_png("https://weibao.example.cn/report/abcdefghijklmnopqrstuv")


def render(kind, s):
    """The sheet as the download makes it (a QR sheet with the station's QR code)."""
    return render_bulletin(kind, s, QR if kind in QR_KINDS else None)


def station(name="掌政镇未成年人保护工作站", phone=PHONE, address=ADDRESS):
    """An unsaved station: the renderer needs only its name, phone and address."""
    return Station(name=name, phone=phone, address=address, place=ZHANGZHENG)


def paragraphs(data: bytes) -> list[str]:
    """The text of every paragraph, body then footers, in document order."""
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = ["word/document.xml"] + sorted(
            n for n in z.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)
        )
        for part in parts:
            root = etree.fromstring(z.read(part))
            for p in root.iter(f"{W}p"):
                out.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return out


def footer_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = [n for n in z.namelist() if re.fullmatch(r"word/footer\d*\.xml", n)]
        root = etree.fromstring(z.read(names[0]))
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


def load_script():
    spec = importlib.util.spec_from_file_location(
        "make_bulletins", ROOT / "scripts" / "make_bulletins.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---- templates ----------------------------------------------------------------------


def test_templates_are_built_by_the_script(tmp_path):
    """doc_templates/bulletin_*.docx is exactly what make_bulletins.py builds, every time."""
    module = load_script()
    first = module.main(tmp_path / "a")
    second = module.main(tmp_path / "b")
    assert sorted(p.name for p in first) == sorted(t for t, _ in BULLETINS.values())
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
        assert a.read_bytes() == (ROOT / "doc_templates" / a.name).read_bytes(), a.name


@pytest.mark.parametrize("kind", BULLETINS)
def test_placeholders_equal_context_keys(kind):
    expected = set(bulletin_context(station())) | ({"qr_image"} if kind in QR_KINDS else set())
    assert word.template_placeholders(BULLETINS[kind][0]) == expected


@pytest.mark.parametrize("kind", BULLETINS)
def test_sheet_is_a3_landscape_with_large_type(kind):
    from docx import Document

    doc = Document(io.BytesIO(render(kind, station())))
    section = doc.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (42.0, 29.7)
    sizes = [
        r.font.size.pt
        for table in doc.tables
        for row in table.rows
        for cell in row.cells
        for p in cell.paragraphs
        for r in p.runs
        if r.text.strip()
    ]
    titles = [r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip()]
    assert min(sizes, default=99) >= 14, kind
    assert max(titles + sizes) >= 28, kind


# ---- what each sheet says -------------------------------------------------------------


@pytest.mark.parametrize("kind", BULLETINS)
def test_rendered_sheet_holds_the_station_and_every_box(kind):
    data = render(kind, station())
    text = "\n".join(paragraphs(data))
    assert "掌政镇未成年人保护工作站" in text
    assert "XX" not in text and "{{" not in text
    footer = footer_text(data)
    assert PHONE in footer and ADDRESS in footer and "掌政镇未成年人保护工作站" in footer
    missing = [box for box in EXPECTED[kind] if box not in text]
    assert not missing, missing


def test_charts_read_top_to_bottom():
    """The steps follow one another down the sheet, as on the seed's charts."""
    lines = [
        re.sub(r"\s+", " ", p).strip() for p in paragraphs(render_bulletin("disposal", station()))
    ]
    positions = [lines.index(step) for step in DISPOSAL_STEPS]
    assert positions == sorted(positions)
    lines = paragraphs(render_bulletin("workflow", station()))
    order = [
        "制定年度工作计划",
        "接待服务",
        "生活受困",
        "联系村（居）民委员会调查核实",
        "符合条件的报乡镇人民政府（街道办事处）审批开展生活救助和帮扶",
        "收集汇总办理情况",
        "跟踪回访",
        "组卷归档",
    ]
    positions = [lines.index(box) for box in order]
    assert positions == sorted(positions)
    # Arrows are drawn between the boxes, not a bulleted list.
    assert sum(1 for line in lines if line == "↓") >= 30


def test_no_harm_joins_the_bracket_to_the_risk_levels():
    """附件4 step 3: 无伤害 is joined by a drawn line, edge to edge, to the bracket whose
    arrow leads to 低危 / 中高危 (as 伤情处理 is), not by an arrow ending in empty space."""
    from docx import Document as open_docx
    from docx.oxml.ns import qn

    doc = open_docx(io.BytesIO(render_bulletin("disposal", station())))
    table = next(t for t in doc.tables if any(c.text == "无伤害" for c in t._cells))
    row = next(r for r in table.rows if any(c.text == "无伤害" for c in r.cells))
    tcs = row._tr.findall(qn("w:tc"))
    at = next(i for i, tc in enumerate(tcs) if "无伤害" in "".join(tc.itertext()))
    line = tcs[at + 1]
    border = line.find(f".//{qn('w:pBdr')}/{qn('w:bottom')}")
    assert border is not None and border.get(qn("w:val")) == "single"
    assert line.find(f".//{qn('w:gridSpan')}").get(qn("w:val")) == "4"
    margins = line.find(f".//{qn('w:tcMar')}")
    assert {m.get(qn("w:w")) for m in margins} == {"0"}
    # The next cell is the merged bracket (its left border is the line's end).
    assert tcs[at + 2].find(f".//{qn('w:vMerge')}") is not None
    above = next(r for r in table.rows if any(c.text == "疑似伤害" for c in r.cells))
    assert any(c.text == "→" and c.text for c in above.cells)


def test_hostile_values_render_literally():
    data = render_bulletin("workflow", station(**HOSTILE))
    text = "\n".join(paragraphs(data))
    for value in HOSTILE.values():
        assert value in text, value


def test_blank_phone_and_address_leave_a_line_to_write_on():
    footer = footer_text(render("sign", station(phone="", address=None)))
    assert "地址：＿" in footer and "联系电话：＿" in footer


def test_unknown_kind_is_refused():
    with pytest.raises(KeyError):
        render_bulletin("../help_request_form", station())


# ---- printing -------------------------------------------------------------------------

needs_office = pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo") and shutil.which("pdftotext")),
    reason="LibreOffice (soffice) or poppler-utils is not installed",
)


def _pages(pdf: Path) -> int:
    out = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return int(next(line for line in out.splitlines() if line.startswith("Pages:")).split()[1])


@needs_office
@pytest.mark.parametrize("values", ["zhangzheng", "long"])
@pytest.mark.parametrize("kind", BULLETINS)
def test_prints_on_the_expected_pages(kind, values, tmp_path):
    if values == "long":  # the longest township name of the test tree, a long address
        s = station(
            name="满城北街街道未成年人保护工作站",
            phone="0951-5012345 / 13900000000",
            address="宁夏回族自治区银川市金凤区满城北街街道宝湖社区党群服务中心三楼东侧",
        )
    else:
        s = station()
    pdf = tmp_path / f"bulletin_{kind}.pdf"
    pdf.write_bytes(word.to_pdf(render(kind, s), timeout=180))
    assert _pages(pdf) == PAGES[kind]
    out = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert s.name in re.sub(r"\s+", "", out)

    keep = os.environ.get("BULLETIN_PREVIEW_DIR")
    if keep and shutil.which("pdftoppm"):
        out_dir = Path(keep)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = out_dir / f"{pdf.stem}_{values}"
        shutil.copy(pdf, stem.with_suffix(".pdf"))
        subprocess.run(
            ["pdftoppm", "-png", "-r", "50", str(pdf), str(stem)], check=True, timeout=60
        )


# ---- the screen -------------------------------------------------------------------------


def test_station_user_downloads_its_own_bulletins(app, users):
    own = make_station(ZHANGZHENG, phone=PHONE, address=ADDRESS)
    other = make_station(TONGGUI)
    c = login_as(app, users["station"])
    page = c.get("/bulletins/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for kind in BULLETINS:
        assert f"/bulletins/{kind}.docx?station={own.pk}" in html
    assert str(other.pk) not in html
    assert 'id="station-picker"' not in html

    r = c.get(f"/bulletins/disposal.docx?station={own.pk}")
    assert r.status_code == 200
    assert r.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in r.headers["Content-Disposition"]
    text = "\n".join(paragraphs(r.data))
    assert "掌政镇未成年人保护工作站发现报告处置流程图" in text
    entry = AuditEntry.objects(action="download", target_id=str(own.pk)).first()
    assert entry is not None and entry.actor == "u_station" and "发现报告处置流程图" in entry.detail

    # Without ?station= the user's own township's station.
    assert c.get("/bulletins/sign.docx").status_code == 200
    # Another township's station, a malformed id, an unknown sheet: not found.
    assert c.get(f"/bulletins/sign.docx?station={other.pk}").status_code == 404
    assert c.get("/bulletins/sign.docx?station=nonsense").status_code == 404
    assert c.get(f"/bulletins/forms.docx?station={own.pk}").status_code == 404
    assert not AuditEntry.objects(action="download", target_id=str(other.pk)).count()


def test_county_picks_among_its_own_stations(app, users):
    own = make_station(ZHANGZHENG)
    sibling = make_station(TONGGUI)
    foreign = make_station(SANYING)
    c = login_as(app, users["county"])
    html = c.get("/bulletins/").get_data(as_text=True)
    assert 'id="station-picker"' in html
    assert str(own.pk) in html and str(sibling.pk) in html
    assert str(foreign.pk) not in html and "三营镇" not in html
    chosen = c.get(f"/bulletins/?station={sibling.pk}").get_data(as_text=True)
    assert f"/bulletins/rules.docx?station={sibling.pk}" in chosen

    r = c.get(f"/bulletins/workflow.docx?station={sibling.pk}")
    assert r.status_code == 200
    assert "通贵乡未成年人保护工作站工作流程图" in "\n".join(paragraphs(r.data))
    assert c.get(f"/bulletins/workflow.docx?station={foreign.pk}").status_code == 404
    assert AuditEntry.objects(action="download", target_id=str(sibling.pk)).count() == 1


def test_province_sees_every_station_and_a_village_none(app, users):
    foreign = make_station(SANYING)
    html = login_as(app, users["province"]).get("/bulletins/").get_data(as_text=True)
    assert str(foreign.pk) in html
    village = login_as(app, users["village"])
    assert village.get("/bulletins/").status_code == 403
    assert village.get(f"/bulletins/sign.docx?station={foreign.pk}").status_code == 403


def test_unregistered_station_says_so(app, users):
    html = login_as(app, users["station"]).get("/bulletins/").get_data(as_text=True)
    assert 'id="no-station"' in html
    assert login_as(app, users["station"]).get("/bulletins/sign.docx").status_code == 404
