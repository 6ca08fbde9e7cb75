"""一人一档: the child archive and the small _id-keyed documents around it.

FerretDB on SQLite pushes only `_id` equality down to SQL; every other filter reads the
whole collection. So everything a page needs is reachable by `_id`:
- `Child`: the archive itself (by its id);
- `ChildHistory` (_id = child id): the growing change history, kept out of `Child`;
- `IdNumberIndex` (_id = 身份证 number): uniqueness and the duplicate check;
- `Roster` (_id = township key): one compact row per child of the township, from which
  list pages, searches and to-dos are computed (see admin_app/services/children/roster.py);
- `TransferTrace`: the read-only trace a township keeps of a child who moved away.
"""

from datetime import date
from typing import NamedTuple

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from ..core import clock, dates
from ..core.privacy import mask_id, mask_phone  # noqa: F401 - re-exported
from .base import DomainError, ScopedDocument
from .constants import (
    BENEFIT_STATUSES,
    BENEFITS,
    CATEGORIES,
    CHILD_STATUSES,
    DISABILITY_GRADES,
    DISABILITY_KINDS,
    ETHNICITIES,
    GENDERS,
    GUARDIAN_SITUATIONS,
    GUARDIANSHIP,
    GUARDIANSHIP_OUTCOMES,
    HUKOU_STATUSES,
    NO_ID_REASONS,
    RELATIONS,
    REVIEW_STATUSES,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    VILLAGE,
    VISIT_FREQUENCIES,
)

FREQUENCY_CHOICES = tuple((value, label) for value, label, _ in VISIT_FREQUENCIES)


class IdNumber(NamedTuple):
    """A checked 身份证 number and what it says."""

    number: str
    birth: date
    gender: str  # M/F
    note: str  # why the area code deserves a second look ("" when it does not)


def check_id_number(number: str) -> IdNumber:
    """Validate a 身份证 number: length, digits, check digit and birth date are hard rules.

    The area code is not: python-stdnum's table refuses a code created after the holder's
    birth year (640104 兴庆区 exists from 2002), yet people born earlier hold such numbers,
    re-issued when their county was re-drawn. An unknown or anachronistic code is accepted
    with a note for the clerk to see.
    """
    raw = (number or "").strip().upper().replace(" ", "")
    if len(raw) != 18:
        raise DomainError("身份证号码应为 18 位。", "id_number")
    if not raw[:17].isdigit() or not (raw[17].isdigit() or raw[17] == "X"):
        raise DomainError(
            "身份证号码格式不正确（前 17 位应为数字，最后一位为数字或 X）。", "id_number"
        )
    if raw[17] != ric.calc_check_digit(raw):
        raise DomainError("身份证号码校验位不正确，请核对号码。", "id_number")
    try:
        birth = ric.get_birth_date(raw)
    except StdnumError:
        birth = None
    if birth is None or birth.year < 1900:
        raise DomainError("身份证号码中的出生日期无效。", "id_number")
    if birth > clock.today():
        raise DomainError("身份证号码中的出生日期晚于今天。", "id_number")
    gender = "M" if int(raw[16]) % 2 else "F"
    return IdNumber(raw, birth, gender, _area_note(raw, birth))


def _area_note(number: str, birth: date) -> str:
    area = number[:6]
    try:
        ric.get_birth_place(number)
        return ""
    except StdnumError:
        pass
    known = numdb.get("cn/loc").info(area)
    if any(props for _part, props in known):
        return (
            f"地区码 {area} 在持证人出生的 {birth.year} 年尚未设立，"
            "可能是行政区划调整后换发的号码，请核对。"
        )
    return f"地区码 {area} 不在国家行政区划代码表中，请核对号码。"


class Guardian(EmbeddedDocument):
    """A guardian or family member (三(二), 4.2)."""

    name = StringField(required=True, max_length=50)
    relation = StringField(required=True, choices=RELATIONS)
    id_number = StringField(max_length=18)
    phone = StringField(max_length=20)
    situation = StringField(choices=GUARDIAN_SITUATIONS, default="home")
    is_guardian = BooleanField(default=True)
    work_place = StringField(max_length=100)  # 外出务工地 (a parent away: 三(二))
    employer = StringField(max_length=100)  # 工作单位, if known
    note = StringField(max_length=200)

    def __str__(self):
        """马建国（父亲，外出务工）: who they are to the child, and where they are."""
        situation = dict(GUARDIAN_SITUATIONS).get(self.situation, "")
        away = "，".join(x for x in (self.work_place, self.employer) if x)
        parts = [
            dict(RELATIONS).get(self.relation, ""),
            f"{situation}：{away}" if situation and away else situation,
        ]
        return f"{self.name}（{'，'.join(p for p in parts if p)}）"


class Benefit(EmbeddedDocument):
    """A benefit received or applied for (4.1.2–4.1.5)."""

    kind = StringField(required=True, choices=BENEFITS)
    status = StringField(required=True, choices=BENEFIT_STATUSES, default="receiving")
    since = DateField()
    note = StringField(max_length=200)

    def __str__(self):
        return (
            f"{dict(BENEFITS).get(self.kind, '')}（{dict(BENEFIT_STATUSES).get(self.status, '')}）"
        )


class Child(ScopedDocument):
    """A child's archive. `place` is the village (村/居) the child lives in."""

    name = StringField(required=True, max_length=50)
    gender = StringField(required=True, choices=GENDERS)
    id_number = StringField(max_length=18)
    no_id_reason = StringField(choices=NO_ID_REASONS)
    birth_date = DateField(required=True)
    ethnicity = StringField(choices=ETHNICITIES, default="汉族")
    hukou_status = StringField(choices=HUKOU_STATUSES, default="local")
    address = StringField(max_length=200)
    school_status = StringField(choices=SCHOOL_STATUSES)
    school_name = StringField(max_length=100)
    disability_kind = StringField(choices=DISABILITY_KINDS, default="none")
    disability_grade = StringField(choices=DISABILITY_GRADES)
    serious_illness = BooleanField(default=False)
    illness_note = StringField(max_length=200)
    categories = ListField(StringField(choices=CATEGORIES))
    guardianship = StringField(choices=GUARDIANSHIP, default="normal")
    guardians = ListField(EmbeddedDocumentField(Guardian))
    benefits = ListField(EmbeddedDocumentField(Benefit))
    risk_level = StringField(choices=RISK_LEVELS, default="low")
    risk_reason = StringField(max_length=500)
    visit_frequency = StringField(choices=FREQUENCY_CHOICES, default="quarterly")
    # 农村留守儿童: the agreement entrusting the child's care (委托照护协议), with whom and
    # when (the 受委托监护人 is among the guardians); missing, it is a to-do.
    care_agreement_date = DateField()
    care_agreement_note = StringField(max_length=200)
    # The latest structured assessment (documents/assessment.py): its outcome, its day and
    # when the next one is due (a to-do from that day).
    guardianship_outcome = StringField(choices=GUARDIANSHIP_OUTCOMES)
    last_assessment = DateField()
    next_assessment = DateField()
    director = StringField(max_length=40)  # user name of the responsible 儿童主任
    status = StringField(choices=CHILD_STATUSES, default="active")
    status_date = DateField()
    status_reason = StringField(max_length=200)
    review_status = StringField(choices=REVIEW_STATUSES, default="reviewed")
    review_since = DateField()  # the day the review became due to be made (4.1.1)
    review_due = DateField()
    review_due_exact = BooleanField(default=True)
    reviewed_by = StringField()
    reviewed_at = DateTimeField()
    review_comment = StringField(max_length=500)  # 退回修改: what the 督导员 asks to change
    photo_ids = ListField(StringField())
    transferred_from = StringField()  # township key of the previous station

    meta = {"collection": "children", "indexes": ["place_path"], "ordering": ["name"]}

    def __str__(self):
        return self.name

    @property
    def township(self) -> str:
        return self.place_path[3] if len(self.place_path) > 3 else ""

    def age_on(self, day: date) -> int:
        return clock.age_on(self.birth_date, day)

    def check(self) -> None:
        """The archive's own rules, each with a Chinese message for its field."""
        from .place import Place

        today = clock.today()
        if not self.birth_date:
            raise DomainError("请填写出生日期。", "birth_date")
        clock.refuse_future(self.birth_date, "出生日期", "birth_date")
        self._check_identity()
        if self.status == "active" and self.age_on(today) >= 18:
            raise DomainError("该儿童已满 18 周岁，不能以“在册”状态建档。", "birth_date")
        if self.disability_kind and self.disability_kind != "none" and not self.disability_grade:
            raise DomainError("请填写残疾等级。", "disability_grade")
        if self.status != "active" and not (self.status_date and self.status_reason):
            raise DomainError("变更档案状态时须填写日期和原因。", "status_reason")
        clock.refuse_future(self.status_date, "状态变更日期", "status_date")
        if self.risk_level == "high" and not (self.risk_reason or "").strip():
            raise DomainError("高风险须填写风险原因。", "risk_reason")
        row = Place.info(self.place)
        if row is None or row["level"] != VILLAGE:
            raise DomainError("请选择儿童居住的村（居）。", "village")
        self._check_agreement()
        for g in self.guardians or []:
            if g.id_number:
                try:
                    g.id_number = check_id_number(g.id_number).number
                except DomainError as exc:
                    raise DomainError(f"监护人 {g.name} 的{exc.message}", "guardians") from exc

    def _check_agreement(self) -> None:
        """委托照护协议 (三(二)): dated, not in the future nor before the child's birth, and
        naming whom the care is entrusted to (a guardian marked 受委托监护人)."""
        if not self.care_agreement_date:
            return
        clock.refuse_future(self.care_agreement_date, "委托照护协议签订日期", "care_agreement_date")
        if self.care_agreement_date < self.birth_date:
            raise DomainError("委托照护协议签订日期不能早于儿童出生日期。", "care_agreement_date")
        if not any(g.relation == "entrusted" for g in self.guardians or []):
            raise DomainError(
                "填写委托照护协议时，请在监护人中添加关系为“受委托监护人”的一人。",
                "care_agreement_date",
            )

    def _check_identity(self) -> None:
        """The 身份证 number agrees with the birth date and gender typed, or a reason why
        there is none."""
        self.id_number = (self.id_number or "").strip() or None
        if not self.id_number:
            if not self.no_id_reason:
                raise DomainError("没有身份证号码时，请选择原因（如无户籍）。", "no_id_reason")
            return
        number, birth, gender, _note = check_id_number(self.id_number)
        self.id_number = number
        if birth != self.birth_date:
            raise DomainError(
                f"出生日期与身份证号码不一致（号码中为 {dates.cn_date(birth)}）。", "birth_date"
            )
        if gender != self.gender:
            raise DomainError(
                f"性别与身份证号码不一致（号码中为{dict(GENDERS)[gender]}）。", "gender"
            )
        self.no_id_reason = None


class ChildHistory(Document):
    """The change history of one archive: _id is the child's id, entries only appended."""

    id = StringField(primary_key=True)
    entries = ListField(DictField())  # {at, by, role, action, changes: {field: [old, new]}, note}

    meta = {"collection": "child_history"}


class IdNumberIndex(Document):
    """身份证 number → child id: the unique key, checked by _id."""

    id = StringField(primary_key=True)
    child = StringField(required=True)
    place_path = ListField(StringField())

    meta = {"collection": "child_id_numbers"}


class Roster(Document):
    """One township's compact list rows: rows[child_id] = the row as JSON text,
    visits[child_id] = "next|last" visit dates (admin_app/services/children/roster.py)."""

    id = StringField(primary_key=True)  # township key
    rows = DictField()
    visits = DictField()
    rebuilt_at = DateTimeField()

    meta = {"collection": "rosters"}


class RosterSummary(Document):
    """A township's figures: `stamp` counts the roster's changes, `computed` is the stamp
    the figures were computed at (admin_app/services/figures/summaries.py)."""

    id = StringField(primary_key=True)  # township key
    stamp = IntField(default=0)
    token = StringField()  # random, new at every roster change (roster.py's row cache)
    computed = IntField()
    figures = StringField()  # JSON (summaries.stored): FerretDB decodes nested maps slowly

    meta = {"collection": "roster_summaries", "strict": False}  # 2026-11 docs had day, summary


class TransferTrace(ScopedDocument):
    """What the old station keeps after a child moved to another township."""

    child = StringField(required=True)
    child_name = StringField()
    to_place = StringField()
    moved_on = DateField(default=clock.today)
    reason = StringField(max_length=200)
    moved_by = StringField()
    at = DateTimeField(default=clock.now)

    meta = {"collection": "transfer_traces", "indexes": ["place_path"]}
