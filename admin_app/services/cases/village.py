"""Reports from the village (三(三), 6.3.1): the 儿童主任 files a 附件6 强制报告 or a 附件5
求助 from a child's card or from scratch, on the phone, online or queued without signal.

Each report is saved as the official form, placed at the child's village (or the
儿童主任's own), and opens a case at once, so it reaches the township station's to-dos
with the 24-hour clock of 5.2 when the harm is serious. The reporter is the 儿童主任 by
name (a public report; anonymous reports are made at the station, whose rule of who sees
the reporter is unchanged). The report time is when the server received it: the 24 hours
run from when the station can act; the time it was written on the phone is noted beside.
"""

from ...core import clock, dates
from ...documents import Child, DomainError
from ...documents.base import get_scoped
from ...documents.case import ChildInfo, HelpRequest, MandatoryReport
from ...documents.constants import GENDERS, PROVINCE_CODE
from .. import audit
from . import open_case

KINDS = {"mandatory": "强制报告（附件6）", "help": "求助登记（附件5）"}
CHANNELS = {"mandatory": "mandatory", "help": "visit"}  # 附件5 from the village: 走访发现
TEXT = {  # field: (label, limit)
    "scene": ("发生地点", 200),
    "occurred_note": ("发生时间说明", 50),
    "account": ("经过", 2000),
    "physical_state": ("身体状态", 2000),
    "mental_state": ("精神状态", 2000),
}
GENDER_CODES = {code for code, _ in GENDERS}


def _text(data: dict) -> dict:
    out = {}
    for name, (label, limit) in TEXT.items():
        value = str(data.get(name) or "").strip()
        if len(value) > limit:
            raise DomainError(f"{label}不能超过 {limit} 字。", name)
        out[name] = value or None
    if not out["account"]:
        raise DomainError("请填写经过：发现了什么、何时何地、儿童现在的情况。", "account")
    return out


def _child_info(user, data: dict) -> tuple[ChildInfo, str | None]:
    """The child as the form records it, and the village of a registered child."""
    if data.get("child"):
        child, elsewhere = get_scoped(Child, data["child"], user)
        if elsewhere:  # noted, not shown (as the archive screens do)
            audit.record(
                "denied", None, detail=f"children:{data['child']}", place_path=[PROVINCE_CODE]
            )
        if child is None:
            raise DomainError("该儿童档案不在您的管辖范围内（可能已迁出）。", "child")
        age = clock.age_on(child.birth_date, clock.today()) if child.birth_date else None
        info = ChildInfo(
            child=str(child.pk),
            name=child.name,
            gender=child.gender,
            age=min(age, 17) if age is not None else None,
            address=child.address,
        )
        return info, child.place
    name = str(data.get("child_name") or "").strip()
    if not name:
        raise DomainError("请填写儿童姓名（不知道姓名时可写“不详”）。", "child_name")
    if len(name) > 50:
        raise DomainError("儿童姓名不能超过 50 字。", "child_name")
    gender = data.get("gender") or None
    if gender and gender not in GENDER_CODES:
        raise DomainError("请选择性别。", "gender")
    age = data.get("age")
    try:
        age = int(age) if age not in (None, "") else None
    except (TypeError, ValueError):
        raise DomainError("年龄请填写 0–17 的整数。", "age") from None
    if age is not None and not 0 <= age <= 17:
        raise DomainError("年龄请填写 0–17 的整数。", "age")
    return ChildInfo(name=name, gender=gender, age=age), None


def _occurred_at(data: dict):
    value = data.get("occurred_at")
    if not value:
        return None
    try:
        when = dates.parse_datetime(str(value))
    except ValueError as exc:
        raise DomainError(str(exc), "occurred_at") from None
    clock.refuse_future(when, "发生时间", "occurred_at")
    return when


def file_report(user, data: dict, written_at=None, form_id=None):
    """Save a village report and open its case; returns (form, case). `written_at`: when
    it was written on the phone, when it was queued there; `form_id`: the form's id, made
    from the phone's id of the record (so a second send finds it)."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise DomainError("请选择报告类型：强制报告（附件6）或求助登记（附件5）。", "kind")
    info, village = _child_info(user, data)
    text = _text(data)
    occurred_at = _occurred_at(data)
    now = clock.now()
    serious = bool(data.get("serious_harm"))
    note = (
        f"手机上登记于{dates.cn_minute(written_at)}"
        if written_at and (now - written_at).total_seconds() > 300
        else None
    )
    common = dict(
        child_info=info,
        occurred_at=occurred_at,
        occurred_note=text["occurred_note"],
        account=text["account"],
        filled_by=user.display_name,
        filled_on=clock.today(),
    )
    if kind == "mandatory":
        form = MandatoryReport(
            reporter_public=True,
            reporter_name=user.display_name,
            reporter_contact=user.phone or None,
            reporter_identity="village_staff",
            report_method="other",
            report_method_note="村（居）儿童主任通过平台报告",
            reported_at=now,
            reported_note=note,
            scene=text["scene"],
            physical_state=text["physical_state"],
            mental_state=text["mental_state"],
            **common,
        )
    else:
        form = HelpRequest(location=text["scene"], **common)
    if form_id is not None:
        form.id = form_id
    form.set_place(village or user.place)
    form.validate()
    form.save_new(user)
    audit.record("create", form, detail=f"村（居）儿童主任{KINDS[kind]}")
    case = open_case(
        user,
        channel=CHANNELS[kind],
        child_info=info,
        reported_at=now,
        summary=text["account"][:500],
        serious_harm=serious,
        village=village,
        **{"mandatory_report" if kind == "mandatory" else "help_request": str(form.pk)},
    )
    type(form).objects(pk=form.pk).update(set__case=str(case.pk))
    form.case = str(case.pk)
    return form, case
