"""The official forms as Word files: one renderer and one context builder per form.

Templates live in doc_templates/ and are built by scripts/make_templates.py:
help_request_form.docx (附件5), mandatory_report_form.docx (附件6) and
referral_record_form.docx (附件7). Every context value is a plain string, one key per
placeholder; check-box groups arrive ready-made ("☑公开　□匿名") from the labels in
constants.py, so the templates hold no logic.

Rendering always escapes (`autoescape=True`): a value with `&` or `<` would otherwise
silently wipe most of the document. Line breaks in a value become Word line breaks
(docxtpl turns "\\n" inside a text run into <w:br/> after rendering, keeping the
template's font); other control characters are removed, since they are not allowed in
XML at all.
"""

import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from .documents.base import TZ
from .documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    GENDERS,
    REPORT_METHODS,
    REPORTER_IDENTITIES,
)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "doc_templates"
TEMPLATES = {
    "help_request": "help_request_form.docx",  # 附件5
    "mandatory_report": "mandatory_report_form.docx",  # 附件6
    "referral": "referral_record_form.docx",  # 附件7
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


def render(template_name: str, context: dict) -> bytes:
    """The filled .docx as bytes."""
    tpl = DocxTemplate(template_path(template_name))
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


def _local(value: datetime) -> datetime:
    # Stored datetimes come back timezone-aware UTC; naive ones are already local time.
    return value.astimezone(TZ) if value.tzinfo else value


def cn_day(value) -> str:
    """2026年11月29日 (a datetime shows its local day)."""
    if value is None:
        return BLANK_DATE
    if isinstance(value, datetime):
        value = _local(value)
    return f"{value.year}年{value.month}月{value.day}日"


def cn_minute(value) -> str:
    """2026年11月29日 14时05分."""
    if value is None:
        return BLANK_MINUTE
    if not isinstance(value, datetime):
        return cn_day(value)
    local = _local(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H}时{local:%M}分"


def cn_when(value) -> str:
    """An event time: the day, and the time of day unless only a day was recorded."""
    if value is None:
        return BLANK_WHEN
    if isinstance(value, datetime):
        local = _local(value)
        if (local.hour, local.minute) != (0, 0):
            return cn_minute(local)
    if isinstance(value, date | datetime):
        return cn_day(value)
    return text(value)


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


# ---- the three forms ----------------------------------------------------------------


def help_request_context(form, user) -> dict:
    """附件5 未成年人疑似伤害事件求助登记表."""
    return {
        **child_context(form.child_info),
        "location": text(form.location),
        "occurred_at": cn_when(form.occurred_at),
        "account": text(form.account),
        "perp_name": text(_perp(form, "name")),
        "perp_identity": text(_perp(form, "identity")),
        "perp_address": text(_perp(form, "address")),
        "perp_phone": text(_perp(form, "phone")),
        "attachment_note": _attachments(form.attachment_note, form.attachment_ids),
        "filled_by": text(form.filled_by),
        "filled_on": cn_day(form.filled_on),
    }


def reporter_identity(report, user) -> tuple[str, str]:
    """(name, contact) of the reporter as this user may see them.

    Public reports show the plain fields. An anonymous reporter is decrypted only for
    ANONYMOUS_REPORTER_ROLES (the caller logs that showing); everyone else sees 匿名.
    """
    if report.reporter_public:
        return clean(report.reporter_name), clean(report.reporter_contact)
    if user is not None and getattr(user, "role", None) in ANONYMOUS_REPORTER_ROLES:
        from .crypto import decrypt

        return clean(decrypt(report.reporter_name_enc)), clean(decrypt(report.reporter_contact_enc))
    return ANONYMOUS, ANONYMOUS


def mandatory_report_context(report, user) -> dict:
    """附件6 未成年人保护强制报告登记表."""
    name, contact = reporter_identity(report, user)
    public = "public" if report.reporter_public else "anonymous"
    return {
        "reporter_public_boxes": checkboxes((("public", "公开"), ("anonymous", "匿名")), public),
        "reporter_name": text(name),
        "reporter_contact": text(contact),
        "reporter_identity_boxes": checkboxes(
            REPORTER_IDENTITIES,
            report.reporter_identity,
            IDENTITY_LINES,
            report.reporter_identity_note,
        ),
        "report_method_boxes": checkboxes(
            REPORT_METHODS, report.report_method, METHOD_LINES, report.report_method_note
        ),
        "reported_at": cn_minute(report.reported_at),
        **child_context(report.child_info),
        "scene": text(report.scene),
        "occurred_at": cn_when(report.occurred_at),
        "account": text(report.account),
        "perp_name": text(_perp(report, "name")),
        "perp_identity": text(_perp(report, "identity")),
        "physical_state": text(report.physical_state),
        "mental_state": text(report.mental_state),
        "behaviour": text(report.behaviour),
        "child_view": text(report.child_view),
        "attachment_note": _attachments(report.attachment_note, report.attachment_ids),
        "filled_by": text(report.filled_by),
        "filled_on": cn_day(report.filled_on),
    }


def referral_context(referral, user) -> dict:
    """附件7 未成年人保护服务转介记录表."""
    return {
        "referred_on": cn_day(referral.referred_on),
        **child_context(referral.child_info),
        "reason": text(referral.reason),
        "unit_name": text(referral.unit_name),
        "unit_address": text(referral.unit_address),
        "unit_contact_name": text(referral.unit_contact_name),
        "unit_contact_phone": text(referral.unit_contact_phone),
        "follow_up_plan": text(referral.follow_up_plan),
        "filled_by": text(referral.filled_by),
        "filled_on": cn_day(referral.filled_on),
    }


# ---- print preview ------------------------------------------------------------------

# 宋体/黑体 are not installed on Linux; tell fontconfig which Noto faces stand in for them.
_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">{base}</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
"""


def to_pdf(docx: bytes, timeout: int = 120) -> bytes:
    """The document as PDF through LibreOffice (headless, a private profile per call)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("未安装 LibreOffice（soffice），无法生成 PDF")
    with tempfile.TemporaryDirectory(prefix="wbz-pdf-") as tmp:
        work = Path(tmp)
        source = work / "form.docx"
        source.write_bytes(docx)
        conf = work / "fonts.conf"
        base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
        conf.write_text(_FONTS_CONF.format(base=base), encoding="utf-8")
        env = {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": tmp}
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={(work / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(work),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=timeout,
            env=env,
        )
        target = work / "form.pdf"
        if not target.is_file():
            raise RuntimeError("LibreOffice 未能生成 PDF")
        return target.read_bytes()
