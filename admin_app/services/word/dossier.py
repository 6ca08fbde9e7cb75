"""The dossier of an archived case (附件4 step 8 组卷归档): its contents, and each form
embedded whole as its own official table."""

from datetime import datetime
from io import BytesIO

from ...core import clock
from ...documents.constants import (
    CASE_CHANNELS,
    CASE_CLASSES,
    CASE_STEPS,
    CONFERENCE_PARTIES,
    FOLLOW_REFERRALS,
    FOLLOW_UP_ITEMS,
    HARM,
    INTERVENTIONS,
    PLACEMENT_SERVICES,
    REFERRAL_STATUSES,
    RISK,
    RISK_LEVELS,
    TOWNSHIP,
)
from . import rendering
from .forms import help_request_context, mandatory_report_context, referral_context
from .rendering import (
    BLANK,
    BLANK_DATE,
    _label,
    child_context,
    clean,
    cn_day,
    cn_minute,
    cn_when,
    text,
)

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
    from ...documents import Place, station_name

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
    from ...documents.visit import VISIT_KINDS

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
    from ...documents.visit import VisitBook

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
    return rendering.render("dossier", dossier_context(case), prepare=_embed_forms)


def _embed_forms(tpl, context: dict) -> None:
    subdocs = []
    for i, form in enumerate(context["forms"]):
        sub = tpl.new_subdoc(BytesIO(rendering.render(form["template"], form["fields"])))
        if i:  # each form on a sheet of its own, as it was filled
            sub.subdocx.paragraphs[0].paragraph_format.page_break_before = True
        subdocs.append({"doc": sub})
    context["forms"] = subdocs


def dossier_context(case) -> dict:
    """The dossier of a case: cover, 卷内目录, basics, timeline, forms, referrals, minutes, visits.

    Written for no one in particular (the stored file is read by every role that may see
    the case), so an anonymous reporter is always 匿名.
    """
    from ...documents.case import HelpRequest, MandatoryReport, Referral

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
