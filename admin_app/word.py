"""The official forms as Word files: one renderer and one context builder per form.

Templates live in doc_templates/ and are built by scripts/make_templates.py:
help_request_form.docx (附件5), mandatory_report_form.docx (附件6),
referral_record_form.docx (附件7) and case_dossier.docx (the dossier of an archived case,
附件4 step 8 组卷归档). Every context value is a plain string, one key per
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
from datetime import datetime
from io import BytesIO
from pathlib import Path

import docxtpl.subdoc  # noqa: F401  (docxcompose, for the dossier's forms)
from docx.oxml import ns as _docx_ns
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined

from .core import clock, dates
from .documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    CASE_CHANNELS,
    CASE_CLASSES,
    CASE_STEPS,
    CONFERENCE_PARTIES,
    FOLLOW_REFERRALS,
    FOLLOW_UP_ITEMS,
    GENDERS,
    HARM,
    INTERVENTIONS,
    PLACEMENT_SERVICES,
    REFERRAL_STATUSES,
    REPORT_METHODS,
    REPORTER_IDENTITIES,
    RISK,
    RISK_LEVELS,
    TOWNSHIP,
)

# docxcompose (imported by docxtpl.subdoc) rebinds "cp" in python-docx's global namespace
# map to the custom-properties namespace, after which python-docx writes core properties
# (title, lastModifiedBy …) in the wrong namespace. Our forms carry no custom properties,
# so python-docx's own binding is put back.
_docx_ns.nsmap["cp"] = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "doc_templates"
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


# ---- the three forms ----------------------------------------------------------------


def help_request_context(form, user) -> dict:
    """附件5 未成年人疑似伤害事件求助登记表."""
    return {
        **child_context(form.child_info),
        "location": text(form.location),
        "occurred_at": cn_when(form.occurred_at, form.occurred_note),
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
        "reported_at": cn_minute(report.reported_at, report.reported_note),
        **child_context(report.child_info),
        "scene": text(report.scene),
        "occurred_at": cn_when(report.occurred_at, report.occurred_note),
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


# ---- the dossier of an archived case (附件4 step 8 组卷归档) ---------------------------

DOSSIER_RETENTION = "长期"  # our choice of 保管期限 (永久/长期/短期): the case may matter for years
# What an event's `done` codes mean: the flowchart's boxes (and the consultation's two).
DONE_LABELS = {
    code: label
    for pairs in (INTERVENTIONS, PLACEMENT_SERVICES, FOLLOW_REFERRALS, FOLLOW_UP_ITEMS)
    for code, label in pairs
} | {
    "first_visit": "首次家访",
    "policy_explained": "政策解释",
    "help_apply": "协助申办",
    "report_time_corrected": "更正报告时间",
}
VISIT_FINDINGS = (
    ("guardianship", "监护情况"),
    ("living", "生活情况"),
    ("study", "学习情况"),
    ("health", "健康情况"),
)


def station_of(case) -> str:
    """「<township>未成年人保护工作站」: the station of the township the case belongs to."""
    from .documents import Place, station_name

    for key in reversed(case.place_path or []):
        info = Place.info(key)
        if info and info.get("level") == TOWNSHIP:
            return station_name(info["name"])
    return station_name(Place.name_of(case.place)) if case.place else BLANK


def _day_range(days) -> str:
    days = sorted(d for d in days if d is not None)
    if not days:
        return ""
    first, last = cn_day(days[0]), cn_day(days[-1])
    return first if first == last else f"{first}至{last}"


def _local_day(value):
    return clock.local_date(value) if value is not None else None


def _event_row(event) -> dict:
    note = clean(event.note)
    if clean(event.reason):
        note = "\n".join(x for x in (note, f"理由：{clean(event.reason)}") if x)
    return {
        "at": cn_when(event.happened_at or event.at),
        "step": _label(CASE_STEPS, event.step),
        "by": text(event.by_name or event.by, ""),
        "done": "、".join(text(DONE_LABELS.get(code, code), "") for code in event.done or ()),
        "note": note,
    }


def _referral_row(referral) -> dict:
    unit = [clean(referral.unit_name)]
    contact = " ".join(
        x for x in (clean(referral.unit_contact_name), clean(referral.unit_contact_phone)) if x
    )
    if contact:
        unit.append(f"对接人：{contact}")
    return {
        "date": cn_day(referral.referred_on),
        "unit": "\n".join(unit),
        "reason": text(referral.reason, ""),
        "status": _label(REFERRAL_STATUSES, referral.status),
        "feedback": text(referral.feedback, ""),
    }


def _conference_row(conference) -> dict:
    parties = "、".join(_label(CONFERENCE_PARTIES, p) for p in conference.parties or ())
    people = clean(conference.people)
    return {
        "held_on": cn_day(conference.held_on),
        "parties": "\n".join(x for x in (parties, people) if x),
        "decisions": text(conference.decisions, ""),
        "escalated": "是" if conference.escalated else "否",
    }


def _visit_row(visit) -> dict:
    from .documents.visit import VISIT_KINDS

    findings = [
        f"{label}：{clean(getattr(visit, name))}"
        for name, label in VISIT_FINDINGS
        if clean(getattr(visit, name))
    ]
    if visit.risk_level:
        risk = _label(RISK_LEVELS, visit.risk_level)
        reason = clean(visit.risk_reason)
        findings.append(f"风险评估：{risk}" + (f"（{reason}）" if reason else ""))
    services = [clean(visit.services)] if clean(visit.services) else []
    if clean(visit.follow_up_of):
        services.append(f"回访事项：{clean(visit.follow_up_of)}")
    return {
        "date": cn_day(visit.date),
        "kind": _label(VISIT_KINDS, visit.kind),
        "visitors": text(visit.visitors, ""),
        "findings": "\n".join(findings),
        "services": "\n".join(services),
    }


def case_visits(case) -> list:
    """The linked child's visits made while the case was open (reported day to archive day)."""
    from .documents.visit import VisitBook

    child = getattr(case.child_info, "child", None) if case.child_info else None
    if not child:
        return []
    book = VisitBook.objects(pk=str(child)).first()
    if book is None:
        return []
    start = _local_day(case.reported_at)
    end = _local_day(case.archived_at) if case.archived_at else None
    return sorted(
        (
            v
            for v in book.visits
            if (start is None or v.date >= start) and (end is None or v.date <= end)
        ),
        key=lambda v: (v.date, v.recorded_at or datetime.min.replace(tzinfo=clock.TZ)),
    )


def _form(template: str, fields: dict, day, title: str) -> dict:
    return {"template": template, "fields": fields, "day": day, "title": title}


def render_dossier(case) -> bytes:
    """The dossier as .docx: each form in `forms` goes in as a filled copy of its own
    official template (a docxtpl subdocument), tables, labels and boxes as on paper."""
    tpl = DocxTemplate(template_path("dossier"))
    context = dossier_context(case)
    subdocs = []
    for i, form in enumerate(context["forms"]):
        sub = tpl.new_subdoc(BytesIO(render(form["template"], form["fields"])))
        if i:  # each form on a sheet of its own, as it was filled
            sub.subdocx.paragraphs[0].paragraph_format.page_break_before = True
        subdocs.append({"doc": sub})
    context["forms"] = subdocs
    tpl.render(context, jinja_env=_environment(), autoescape=True)
    out = BytesIO()
    tpl.save(out)
    return out.getvalue()


def dossier_context(case) -> dict:
    """The dossier of a case: cover, 卷内目录, basics, timeline, forms, referrals, minutes, visits.

    Written for no one in particular (the stored file is read by every role that may see
    the case), so an anonymous reporter is always 匿名.
    """
    from .documents.case import HelpRequest, MandatoryReport, Referral

    archived = next((e for e in reversed(case.events or []) if e.step == "archived"), None)
    opened_on = cn_day(case.created_at or case.reported_at)
    archived_on = cn_day(case.archived_at) if case.archived_at else BLANK_DATE
    harm = dict(HARM).get(case.harm, "")
    risk = dict(RISK).get(case.risk, "")

    contents = []
    report = (
        MandatoryReport.objects(pk=case.mandatory_report).first() if case.mandatory_report else None
    )
    request = HelpRequest.objects(pk=case.help_request).first() if case.help_request else None
    referral_docs = sorted(
        Referral.objects(pk__in=case.referrals or []),
        key=lambda r: (r.referred_on, str(r.pk)),
    )
    visits = case_visits(case)
    # Each official form as itself (its own template, filled as its Word download is):
    # 附件6 and 附件5 that opened the case, then the 附件7 of every referral.
    forms = []
    if report is not None:
        forms.append(
            _form(
                "mandatory_report",
                mandatory_report_context(report, None),
                report.filled_on or _local_day(report.reported_at),
                "未成年人保护强制报告登记表",
            )
        )
    if request is not None:
        forms.append(
            _form(
                "help_request",
                help_request_context(request, None),
                request.filled_on or _local_day(request.created_at),
                "未成年人疑似伤害事件求助登记表",
            )
        )
    for r in referral_docs:
        forms.append(
            _form(
                "referral",
                referral_context(r, None),
                r.referred_on,
                f"未成年人保护服务转介记录表（{clean(r.unit_name)}）",
            )
        )

    contents.append(("一、案件基本情况", opened_on))
    contents.append(
        (
            f"二、办理经过（{len(case.events or [])} 条记录）",
            _day_range(_local_day(e.happened_at or e.at) for e in case.events or []),
        )
    )
    for form in forms:
        contents.append((f"三、登记表：{form['title']}", cn_day(form["day"])))
    if referral_docs:
        contents.append(
            (
                f"四、转介记录（{len(referral_docs)} 条）",
                _day_range(r.referred_on for r in referral_docs),
            )
        )
    for c in case.conferences or []:
        contents.append(("五、个案会商纪要", cn_day(c.held_on)))
    if visits:
        contents.append((f"六、走访记录（{len(visits)} 次）", _day_range(v.date for v in visits)))

    return {
        "number": text(case.number),
        "station": station_of(case),
        "opened_on": opened_on,
        "archived_on": archived_on,
        "retention": DOSSIER_RETENTION,
        "archived_by": text((archived.by_name or archived.by) if archived else None),
        "channel": _label(CASE_CHANNELS, case.channel),
        "klass": _label(CASE_CLASSES, case.klass) if case.klass else "未分类",
        "reported_at": cn_minute(case.reported_at),
        "assessment": text(" ".join(x for x in (harm, risk) if x), "未评估"),
        "serious_harm": "是" if case.serious_harm else "否",
        "first_visit": (
            cn_minute(case.first_visit_at)
            if case.first_visit_at
            else ("未记录" if case.serious_harm else "不适用")
        ),
        "child_archive": "已建档" if getattr(case.child_info, "child", None) else "未建档",
        "summary": text(case.summary),
        **child_context(case.child_info),
        "contents": [
            {"no": str(i), "title": title, "date": day}
            for i, (title, day) in enumerate(contents, 1)
        ],
        "events": [_event_row(e) for e in case.timeline()],
        "forms": [{"template": f["template"], "fields": f["fields"]} for f in forms],
        "referrals": [_referral_row(r) for r in referral_docs],
        "conferences": [_conference_row(c) for c in case.conferences or []],
        "visits": [_visit_row(v) for v in visits],
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
