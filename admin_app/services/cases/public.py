"""Reports from outside (附件4 step 1: 多渠道; 附件6: 微信、信箱、邮箱): anyone sends one on a
station's public page, opened from the QR code on the station's sign and poster; a
clerk enters a call to the hotline as a work order. Each waits in the station's 待受理
inbox (a township whose station has no account: its county's) until a clerk accepts it
— it becomes a 附件6 and a case exactly as a clerk's own entry does, the 24 hours of 5.2
counted from when it was sent — or rejects it with a reason. Every step is audited.

The sender gets a receipt code, kept only as its hash, with which they can see whether
the report is 受理中 or 已处理, nothing else. No page shows a sender anything of a child.
"""

import hashlib
import secrets
from datetime import timedelta
from types import SimpleNamespace

from ...core import clock, dates
from ...crypto import encrypt
from ...documents import DomainError, Place, Station, User
from ...documents.base import get_scoped
from ...documents.case import ChildInfo, MandatoryReport
from ...documents.constants import (
    CLOSED_STEPS,
    GENDERS,
    PUBLIC_ACCEPT_HOURS,
    PUBLIC_MAX_PHOTO_BYTES,
    PUBLIC_MAX_PHOTOS,
    PUBLIC_REJECT_REASONS,
    PUBLIC_RELATIONS,
    TOWNSHIP,
    VILLAGE,
)
from ...documents.public_report import ChannelSwitch, PublicReceipt, PublicReport
from .. import audit
from ..children import attachments
from . import open_case

SWITCH = "public_reports"
SENDER = SimpleNamespace(username="public", display_name="群众", role=None)  # no account
TEXT = {  # field: (label, limit)
    "child_name": ("孩子的姓名", 50),
    "child_age": ("孩子的年龄", 20),
    "where": ("在哪里", 200),
    "what": ("发生了什么", 2000),
    "reporter_name": ("您的姓名", 50),
    "reporter_contact": ("您的联系电话", 50),
}
RELATIONS = {key: identity for key, _, identity in PUBLIC_RELATIONS}
GENDER_CODES = {code for code, _ in GENDERS}
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read over the phone
CLOSED_MESSAGE = (
    "网上报告暂停受理。如有儿童正处于危险之中，请立即拨打 110；也可拨打 12345 或 12349。"
)


# ---- the province's switch ----
def channel_open() -> bool:
    doc = ChannelSwitch._get_collection().find_one({"_id": SWITCH})
    return True if doc is None else bool(doc.get("open", True))


def set_channel(is_open: bool, user) -> None:
    """Open or close every station's public page (the province only: views check it)."""
    ChannelSwitch._get_collection().update_one(
        {"_id": SWITCH},
        {"$set": {"open": bool(is_open), "changed_by": user.username, "changed_at": clock.now()}},
        upsert=True,
    )
    audit.record(
        "update",
        None,
        detail=f"网上报告渠道：{'开放' if is_open else '关闭'}",
        place_path=list(user.place_path),
        actor=user,
    )


# ---- each station's page address ----
def token_of(station: Station) -> str:
    """The station's public page token, made on first use (one write wins a race)."""
    if station.public_token:
        return station.public_token
    token = secrets.token_urlsafe(16)
    coll = Station._get_collection()
    coll.update_one({"_id": station.pk, "public_token": None}, {"$set": {"public_token": token}})
    station.public_token = coll.find_one({"_id": station.pk}, {"public_token": 1})["public_token"]
    return station.public_token


def qr_png(url: str, scale: int = 10) -> bytes:
    """The QR code of an address as PNG (segno), for the download and the poster."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()


def station_by_token(token: str) -> Station | None:
    if not token or len(token) > 64:
        return None
    return Station.objects(public_token=token).first()


# ---- sending ----
def _text(data: dict, required=("what",)) -> dict:
    out = {}
    for name, (label, limit) in TEXT.items():
        value = str(data.get(name) or "").strip()
        if len(value) > limit:
            raise DomainError(f"{label}不能超过 {limit} 个字。", name)
        out[name] = value or None
    for name in required:
        if not out[name]:
            raise DomainError("请写一写发生了什么：孩子遇到了什么事、现在怎么样。", name)
    return out


def _choices(data: dict) -> dict:
    gender = data.get("child_gender") or None
    if gender and gender not in GENDER_CODES:
        raise DomainError("请选择孩子的性别。", "child_gender")
    relation = data.get("relation") or None
    if relation and relation not in RELATIONS:
        raise DomainError("请选择您和孩子的关系。", "relation")
    return {"child_gender": gender, "relation": relation}


def check_photos(photos) -> list[tuple[str, bytes]]:
    """[(file name, bytes)] of the photos, or a DomainError: at most PUBLIC_MAX_PHOTOS,
    each a JPEG or PNG (by content) of at most PUBLIC_MAX_PHOTO_BYTES."""
    photos = [(name, data) for name, data in photos if data]
    if len(photos) > PUBLIC_MAX_PHOTOS:
        raise DomainError(f"最多上传 {PUBLIC_MAX_PHOTOS} 张照片。", "photos")
    for _, data in photos:
        if len(data) > PUBLIC_MAX_PHOTO_BYTES:
            raise DomainError(
                f"每张照片不能超过 {PUBLIC_MAX_PHOTO_BYTES // (1024 * 1024)} MB。", "photos"
            )
        if attachments.sniff(data) not in ("image/jpeg", "image/png"):
            raise DomainError("只能上传 JPG 或 PNG 格式的照片。", "photos")
    return photos


def _new_receipt() -> str:
    return "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(12))


def receipt_key(code: str) -> str:
    cleaned = "".join(ch for ch in str(code or "").upper() if ch.isalnum())
    return hashlib.sha256(cleaned.encode()).hexdigest()


def _reporter(report: PublicReport, text: dict, anonymous: bool) -> None:
    """The sender's name and phone, when given, encrypted like 附件6's anonymous reporter."""
    report.anonymous = anonymous
    report.reporter_name_enc = encrypt(text["reporter_name"]) if text["reporter_name"] else None
    contact = text["reporter_contact"]
    report.reporter_contact_enc = encrypt(contact) if contact else None


def _report(data: dict, text: dict, choices: dict, *, channel, sent_at, place, **extra):
    """A new report from what was typed (checked by _text and _choices), not yet saved;
    to be taken in hand PUBLIC_ACCEPT_HOURS after sending unless `due` says otherwise."""
    extra.setdefault("due", sent_at + timedelta(hours=PUBLIC_ACCEPT_HOURS))
    report = PublicReport(
        channel=channel,
        sent_at=sent_at,
        child_name=text["child_name"],
        child_age=text["child_age"],
        where=text["where"],
        what=text["what"],
        danger_now=bool(data.get("danger_now")),
        **choices,
        **extra,
    )
    _reporter(report, text, anonymous=not data.get("not_anonymous"))
    report.set_place(place)
    report.validate()
    return report


def submit(station: Station, data: dict, photos=()) -> tuple[PublicReport, str]:
    """A report sent on the station's public page; (report, receipt code)."""
    if not channel_open():
        raise DomainError(CLOSED_MESSAGE)
    text, choices = _text(data), _choices(data)
    photos = check_photos(photos)
    now = clock.now()
    report = _report(
        data, text, choices, channel="qr", sent_at=now, place=station.place, station=str(station.pk)
    )
    report.save_new(SENDER)
    for name, payload in photos:
        attachments.store_for_record(report, name, payload, SENDER, note="报告人上传")
    code = _new_receipt()
    PublicReceipt(id=receipt_key(code), report=str(report.pk)).save(force_insert=True)
    audit.record("create", report, actor="public", detail="群众通过未保站公众报告页面报告")
    return report, code


def state_of(code: str) -> str | None:
    """What the sender may know: 受理中 or 已处理 (None: no such receipt)."""
    doc = PublicReceipt._get_collection().find_one({"_id": receipt_key(code)})
    if doc is None:
        return None
    report = PublicReport.objects(pk=doc["report"]).only("status", "case").first()
    if report is None or report.status == "rejected":
        return "已处理"
    if report.status == "accepted" and report.case:
        from ...documents.case import Case

        case = Case.objects(pk=report.case).only("step").first()
        if case is None or case.step in CLOSED_STEPS:
            return "已处理"
    return "受理中"


# ---- the hotline ----
def _typed_time(data: dict, name: str):
    """A date and time typed in Beijing time (None when left empty)."""
    if not data.get(name):
        return None
    try:
        return dates.parse_datetime(str(data[name]))
    except ValueError as exc:
        raise DomainError(str(exc), name) from None


def take_call(user, data: dict) -> PublicReport:
    """A call to the hotline entered by a clerk as a work order, with its reply deadline,
    in the clerk's own township."""
    if (Place.info(user.place) or {}).get("level") != TOWNSHIP:
        raise DomainError("热线工单由乡镇（街道）未保站登记。")
    text, choices = _text(data), _choices(data)
    sent_at = _typed_time(data, "sent_at") or clock.now()
    clock.refuse_future(sent_at, "来电时间", "sent_at")
    due = _typed_time(data, "due") or sent_at + timedelta(hours=PUBLIC_ACCEPT_HOURS)
    if due <= sent_at:
        raise DomainError("答复期限应晚于来电时间。", "due")
    report = _report(
        data, text, choices, channel="hotline", sent_at=sent_at, place=user.place, due=due
    )
    report.save_new(user)
    audit.record("create", report, detail="登记热线来电工单", actor=user)
    return report


# ---- the inbox ----
def _open(report_id, user) -> PublicReport:
    report, elsewhere = get_scoped(PublicReport, report_id, user)
    if elsewhere:
        audit.record("denied", None, detail=f"public_reports:{report_id}", actor=user)
    if report is None:
        raise DomainError("该报告不存在或不在您的管辖范围内。")
    if report.status != "new":
        raise DomainError("该报告已经处理过了，请刷新页面。")
    return report


def _age(text: str | None) -> int | None:
    digits = "".join(ch for ch in str(text or "") if ch.isdigit())[:2]
    return int(digits) if digits and 0 <= int(digits) <= 17 else None


def accept(report_id, user, serious: bool):
    """Take the report in hand: its 附件6 and its case, as a clerk's own entry makes them,
    the report time (and the 24 hours of a serious case) from when it was sent."""
    from ...crypto import decrypt

    report = _open(report_id, user)
    identity = RELATIONS.get(report.relation or "", "other")
    anonymous = report.anonymous
    name = decrypt(report.reporter_name_enc) if report.reporter_name_enc else None
    contact = decrypt(report.reporter_contact_enc) if report.reporter_contact_enc else None
    info = ChildInfo(
        name=report.child_name or "不详", gender=report.child_gender, age=_age(report.child_age)
    )
    hotline = report.channel == "hotline"
    form = MandatoryReport(
        reporter_public=not anonymous,
        reporter_name=None if anonymous else name,
        reporter_contact=None if anonymous else contact,
        reporter_name_enc=encrypt(name) if anonymous and name else None,
        reporter_contact_enc=encrypt(contact) if anonymous and contact else None,
        reporter_identity=identity,
        reporter_identity_note="群众报告" if identity == "other" else None,
        report_method="phone" if hotline else "other",
        report_method_note="未保热线来电" if hotline else "扫描未保站二维码网上报告",
        reported_at=report.sent_at,
        child_info=info,
        scene=report.where,
        account=report.what,
        attachment_ids=list(report.photo_ids or []),
        filled_by=user.display_name,
        filled_on=clock.today(),
    )
    form.set_place(report.place)
    form.validate()
    form.save_new(user)
    audit.record("create", form, detail="受理群众报告，生成强制报告登记表", actor=user)
    case = open_case(
        user,
        channel="hotline" if hotline else "platform",
        child_info=info,
        reported_at=report.sent_at,
        summary=report.what[:500],
        serious_harm=serious,
        mandatory_report=str(form.pk),
        township=report.place,
    )
    MandatoryReport.objects(pk=form.pk).update(set__case=str(case.pk))
    report.status = "accepted"
    report.decided_by, report.decided_at = user.username, clock.now()
    report.case, report.mandatory_report = str(case.pk), str(form.pk)
    report.save_versioned(user)
    audit.record("update", report, detail=f"受理，立案 {case.number}", actor=user)
    return case


def reject(report_id, user, reason: str, note: str = "") -> PublicReport:
    """Not taken in hand (spam, a duplicate…): a reason is required, and audited."""
    report = _open(report_id, user)
    reasons = dict(PUBLIC_REJECT_REASONS)
    if reason not in reasons:
        raise DomainError("请选择不予受理的原因。", "reason")
    note = (note or "").strip()
    if reason == "other" and not note:
        raise DomainError("请注明不予受理的原因。", "note")
    if len(note) > 200:
        raise DomainError("说明不能超过 200 字。", "note")
    report.status = "rejected"
    report.reject_reason, report.reject_note = reason, note or None
    report.decided_by, report.decided_at = user.username, clock.now()
    report.save_versioned(user)
    audit.record(
        "update",
        report,
        detail=f"不予受理：{reasons[reason]}" + (f"（{note}）" if note else ""),
        actor=user,
    )
    return report


def _staffed_townships(townships: list[str]) -> set[str]:
    """The townships among these with an active station account."""
    docs = User._get_collection().find(
        {"role": "station", "active": True, "place": {"$in": townships}}, {"place": 1}
    )
    return {d["place"] for d in docs}


def waiting(user, limit: int = 20) -> tuple[list[PublicReport], int]:
    """The reports the user's inbox holds, earliest deadline first, and how many: for a
    station its own; for a county or above those of townships without a station account."""
    mine = PublicReport.objects.in_scope(user).filter(status="new").order_by("due")
    info = Place.info(user.place) or {}
    if info.get("level") in (TOWNSHIP, VILLAGE):
        return list(mine.limit(limit)), mine.count()
    pending = list(mine.only("id", "place", "due"))  # the waiting ones: a short queue
    if not pending:
        return [], 0
    staffed = _staffed_townships(sorted({r.place for r in pending}))
    ids = [r.pk for r in pending if r.place not in staffed]
    if not ids:
        return [], 0
    shown = list(PublicReport.objects(pk__in=ids[:limit]).order_by("due"))
    return shown, len(ids)
