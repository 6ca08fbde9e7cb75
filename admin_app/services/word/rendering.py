"""Templates and rendering (always escaped), and values as the paper shows them: blanks to
write on by hand, 年月日, check-box lines."""

import re
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docxtpl.subdoc  # noqa: F401  (docxcompose, for the dossier's forms)
from docx.oxml import ns as _docx_ns
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

import doc_templates

from ...core import dates
from ...documents.constants import GENDERS

# docxcompose (imported by docxtpl.subdoc) rebinds "cp" in python-docx's global namespace
# map to the custom-properties namespace, after which python-docx writes core properties
# (title, lastModifiedBy …) in the wrong namespace. Our forms carry no custom properties,
# so python-docx's own binding is put back.
_docx_ns.nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

TEMPLATE_DIR = doc_templates.DIR  # in the checkout or the installed wheel
TEMPLATES = {
    "help_request": "help_request_form.docx",  # 附件5
    "mandatory_report": "mandatory_report_form.docx",  # 附件6
    "referral": "referral_record_form.docx",  # 附件7
    "dossier": "case_dossier.docx",  # 组卷归档
}

CHECKED, UNCHECKED = "☑", "□"
GAP = "　"  # full-width space between check boxes
BLANK = GAP * 6  # an empty value: room to write by hand on the printed form
BLANK_DATE = "　　　　年　　月　　日"
BLANK_MINUTE = "　　　　年　　月　　日　　时　　分"
BLANK_WHEN = "　　年　月　日\n　　时　　分"  # fits the narrow 时间 box
ANONYMOUS = "匿名"

# How the seed lays out the check boxes of 附件6, line by line.
IDENTITY_LINES = (
    ("self", "guardian"),
    ("relative",),
    ("community", "village_staff"),
    ("teacher", "classmate"),
    ("medical", "volunteer"),
    ("station_staff", "social_org"),
    ("other",),
)
METHOD_LINES = (("phone", "in_person", "letterbox", "email"), ("wechat", "other"))

# Characters XML 1.0 does not allow; "\a", "\f" and "\v" would also be read by docxtpl as
# paragraph or page breaks, so they become plain line breaks first.
_BREAKS = re.compile(r"\r\n|[\r\f\v\a\u2028\u2029\x85]")
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


# ---- rendering ----------------------------------------------------------------------


def template_path(name: str) -> Path:
    name = TEMPLATES.get(name, name)
    if not name.endswith(".docx"):
        name += ".docx"
    path = (TEMPLATE_DIR / name).resolve()
    if path.parent != TEMPLATE_DIR.resolve() or not path.is_file():
        raise FileNotFoundError(f"没有这个 Word 模板：{name}")
    return path


def _environment() -> Environment:
    # StrictUndefined: a placeholder the context forgot is an error, not a silent blank.
    return Environment(autoescape=True, undefined=StrictUndefined)


def render(template_name: str, context: dict, prepare=None) -> bytes:
    """The filled .docx as bytes: the one place a Word template is opened and rendered
    (always escaped). `prepare(tpl, context)` may add what needs the opened template first
    (the dossier's subdocuments)."""
    tpl = DocxTemplate(template_path(template_name))
    if prepare is not None:
        prepare(tpl, context)
    tpl.render(context, jinja_env=_environment(), autoescape=True)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()


def template_placeholders(name: str) -> set[str]:
    """The variables a template uses (to check against the context builders)."""
    return DocxTemplate(template_path(name)).get_undeclared_template_variables()


# ---- values as the paper shows them -------------------------------------------------


def clean(value) -> str:
    """Text safe for a Word run: normalised line breaks, no XML-forbidden characters."""
    if value is None:
        return ""
    text = _BREAKS.sub("\n", str(value))
    return _INVALID.sub("", text).strip()


def text(value, blank: str = BLANK) -> str:
    """A value for the form, or a blank space to write in."""
    cleaned = clean(value)
    return cleaned if cleaned else blank


def cn_day(value) -> str:
    """2026年11月29日 (a stored time shows its Beijing day), or the blank to write it in."""
    return dates.cn_date(value) or BLANK_DATE


def cn_minute(value, note: str | None = None) -> str:
    """2026年11月29日14时05分 in Beijing time (with its wording: （晚8时许）), or the blank."""
    if value is None:
        return clean(note) or BLANK_MINUTE
    if not isinstance(value, datetime):
        return cn_day(value)
    printed = dates.cn_minute(value)
    return f"{printed}（{clean(note)}）" if clean(note) else printed


def cn_when(value, note: str | None = None) -> str:
    """An event time: the day and time of day in Beijing time, with its wording, or the
    wording alone (“去年冬天”) when no exact time was recorded."""
    if value is None:
        return clean(note) or BLANK_WHEN
    if isinstance(value, datetime):
        return cn_minute(value, note)
    return f"{cn_day(value)}（{clean(note)}）" if clean(note) else cn_day(value)


def checkboxes(choices, chosen, lines=None, note: str = "") -> str:
    """'☑公开　□匿名': every choice of a constants list, the chosen one ticked.

    `lines` groups the codes line by line as the paper does (codes not named in it go on
    a last line); `note` follows the chosen label (请注明 …).
    """
    labels = dict((code, label) for code, label, *_ in choices)
    lines = [list(line) for line in (lines or [labels])]
    placed = {code for line in lines for code in line}
    rest = [code for code in labels if code not in placed]
    if rest:
        lines.append(rest)
    note = clean(note).replace("\n", " ")
    out = []
    for line in lines:
        boxes = []
        for code in line:
            if code not in labels:
                continue
            mark = CHECKED if code == chosen else UNCHECKED
            extra = note if code == chosen and note else ""
            boxes.append(f"{mark}{labels[code]}{extra}")
        if boxes:
            out.append(GAP.join(boxes))
    return "\n".join(out)


def _label(choices, code) -> str:
    return text(dict(choices).get(code, code))


def _age(value) -> str:
    return BLANK if value is None else str(value)


def child_context(info) -> dict:
    """未成年人信息, the same keys on every form."""
    get = (lambda name: getattr(info, name, None)) if info is not None else (lambda name: None)
    return {
        "child_name": text(get("name")),
        "child_gender": _label(GENDERS, get("gender")),
        "child_age": _age(get("age")),
        "child_address": text(get("address")),
        "child_phone": text(get("phone")),
        "guardian_name": text(get("guardian_name")),
        "guardian_identity": text(get("guardian_identity")),
        "guardian_phone": text(get("guardian_phone")),
    }


def _attachments(note, ids) -> str:
    parts = [clean(note)]
    if ids:
        parts.append(f"（本系统存有附件 {len(ids)} 份）")
    return text("\n".join(p for p in parts if p))


def _perp(record, name):
    perp = getattr(record, "perpetrator", None)
    return getattr(perp, name, None) if perp is not None else None
