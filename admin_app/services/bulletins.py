"""上墙材料: a station's wall bulletins as Word files, from doc_templates/bulletin_*.docx.

The templates are built by scripts/make_bulletins.py: 附件3 工作流程图 and 附件4 发现报告处置流程图
(the station's own name in place of XX), the sign of 四(一)2, the duty lists of 附件2 3.1
and 3.2, and the rules of 四(三) (工作制度、工作流程、岗位职责; fixed text for now, not yet
editable by the station). Every template takes the same three values; rendering goes
through word.render, which escapes them.
"""

import io

from ..core import text
from . import word

# kind -> (template, the sheet's name as the download list and the file name show it)
BULLETINS = {
    "workflow": ("bulletin_workflow.docx", "工作流程图（附件3）"),
    "disposal": ("bulletin_disposal.docx", "发现报告处置流程图（附件4）"),
    "sign": ("bulletin_sign.docx", "未保站标识（四（一）2）"),
    "duties": ("bulletin_duties.docx", "儿童督导员职责、儿童社工职责（附件2 3.1、3.2）"),
    "rules": ("bulletin_rules.docx", "工作制度、工作流程、岗位职责（四（三））"),
    "report_poster": ("bulletin_report_poster.docx", "网上报告二维码海报"),
}
# The sheets that show the QR code of the station's public report page, and its width (cm).
QR_KINDS = {"report_poster": 12, "sign": 7}
BLANK_LINE = "＿" * 10  # nothing registered: a line to write on by hand


def bulletin_context(station) -> dict:
    """The three values every bulletin shows: name (title), address and phone (footer)."""
    return {
        "station_name": word.text(station.name, BLANK_LINE),
        "station_address": word.text(station.address, BLANK_LINE).replace("\n", " "),
        "station_phone": word.text(station.phone, BLANK_LINE).replace("\n", " "),
    }


def render_bulletin(kind: str, station, qr_png: bytes | None = None) -> bytes:
    """The filled bulletin as .docx bytes; KeyError for an unknown kind. A QR_KINDS sheet
    takes the PNG of the station's QR code (services/cases/public.py: qr_png)."""
    template, _ = BULLETINS[kind]
    prepare = None
    if kind in QR_KINDS:

        def prepare(tpl, context):
            from docx.shared import Cm
            from docxtpl import InlineImage

            context["qr_image"] = InlineImage(tpl, io.BytesIO(qr_png), width=Cm(QR_KINDS[kind]))

    return word.render(template, bulletin_context(station), prepare)


def file_name(kind: str, station) -> str:
    return text.file_name(f"{station.name}_{BULLETINS[kind][1]}.docx")
