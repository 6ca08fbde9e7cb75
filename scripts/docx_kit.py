"""What every Word-template generator shares: the faces, the document defaults (fonts,
sizes, Chinese language, line spacing, a font table that names 宋体 and 黑体), text runs,
and reproducible .docx bytes (fixed properties and zip entry times: a rebuild changes
nothing). Used by make_templates.py, make_report_templates.py and make_bulletins.py.
"""

import io
import zipfile
from datetime import UTC, datetime

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

SONG = "宋体"  # the official Song face; Linux renders it as Noto Serif CJK SC (see word.to_pdf)
HEI = "黑体"  # Noto Sans CJK SC on Linux: labels, captions and titles
LATIN = "Times New Roman"
FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

_FONT_TABLE_ENTRIES = (
    f'<w:font w:name="{SONG}"><w:altName w:val="SimSun"/>'
    '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
    '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    f'<w:font w:name="{HEI}"><w:altName w:val="SimHei"/>'
    '<w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/>'
    '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
)


def set_run_fonts(rpr, east_asia=SONG, latin=LATIN):
    """Explicit fonts (no theme fonts, which would win over them) and Chinese language."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(
        0,
        parse_xml(
            f'<w:rFonts {nsdecls("w")} w:ascii="{latin}" w:hAnsi="{latin}" '
            f'w:eastAsia="{east_asia}" w:cs="{latin}" w:hint="eastAsia"/>'
        ),
    )


def set_defaults(doc, body_pt: float, generator: str, title: str | None = None) -> None:
    """Document-wide text settings and fixed properties (the page is the caller's)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    set_run_fonts(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(int(body_pt * 2)))
    lang = rpr.find(qn("w:lang"))
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    spacing.set(qn("w:lineRule"), "auto")
    normal = doc.styles["Normal"]
    normal.font.size = Pt(body_pt)
    set_run_fonts(normal.element.get_or_add_rPr())

    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")

    # Font table: describe 宋体 and 黑体 so Word without them substitutes a like face.
    font_table = next(p for p in doc.part.package.parts if p.partname.endswith("/fontTable.xml"))
    xml = font_table.blob.decode("utf-8")
    font_table._blob = xml.replace("</w:fonts>", _FONT_TABLE_ENTRIES + "</w:fonts>").encode()

    props = doc.core_properties
    if title is not None:
        props.title = title
    props.author = props.last_modified_by = "未保站工作平台"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision = 1
    props.comments = f"由 {generator} 生成"


def add_text(paragraph, text, *, size, bold=False, east_asia=SONG):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    set_run_fonts(run._element.get_or_add_rPr(), east_asia=east_asia)
    return run


def reproducible(doc) -> bytes:
    """The .docx bytes with fixed zip entry times and order, so a rebuild changes nothing."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            if name == "docProps/thumbnail.jpeg":
                continue  # python-docx's own sample picture, not ours
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = src.read(name)
            if name == "_rels/.rels":
                data = _drop_thumbnail_rel(data)
            elif name == "[Content_Types].xml":
                data = data.replace(b'<Default Extension="jpeg" ContentType="image/jpeg"/>', b"")
            dst.writestr(info, data)
    return out.getvalue()


def _drop_thumbnail_rel(data: bytes) -> bytes:
    from lxml import etree

    root = etree.fromstring(data)
    for rel in list(root):
        if rel.get("Target", "").endswith("thumbnail.jpeg"):
            root.remove(rel)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_all(builders: dict, out_dir) -> list:
    """Write each {file name: build()} into out_dir; the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in builders.items():
        path = out_dir / name
        path.write_bytes(build())
        written.append(path)
    return written
