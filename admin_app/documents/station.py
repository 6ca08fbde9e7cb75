"""未保站 registry (四 建设标准) and the allocation table (附件1)."""

import secrets

from mongoengine import (
    BooleanField,
    DateField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from ..core import clock
from .base import DomainError, ScopedDocument
from .constants import (
    ACCEPTANCE_RESULTS,
    BUILD_STATUSES,
    EQUIPMENT,
    MAX_NAME_LEN,
    MAX_NOTE_LEN,
    MAX_TARGET,
    OFFICE_ROOMS,
    SERVICE_ROOMS,
    SETUP_MODES,
    SOCIAL_WORK_QUALIFICATIONS,
    STAFF_ROLES,
    WALL_RULES,
)


def station_name(township_name: str) -> str:
    """The name the plan prescribes for the sign: 「XX乡镇（街道）未成年人保护工作站」."""
    return f"{township_name}未成年人保护工作站"


class StaffMember(EmbeddedDocument):
    """A person working at the station (四(二), 附件2 2.2–2.4)."""

    name = StringField(required=True, max_length=MAX_NAME_LEN)
    staff_role = StringField(required=True, choices=STAFF_ROLES)
    phone = StringField(max_length=20)
    qualification = StringField(choices=SOCIAL_WORK_QUALIFICATIONS, default="none")
    full_time = BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.name}（{dict(STAFF_ROLES).get(self.staff_role, '')}）"


class Station(ScopedDocument):
    """One 未保站 per township; `place` is the township's key."""

    name = StringField(required=True, max_length=100)
    setup_mode = StringField(choices=SETUP_MODES)
    sign_hung = BooleanField(default=False)
    office_rooms = ListField(StringField(choices=OFFICE_ROOMS))
    service_rooms = ListField(StringField(choices=SERVICE_ROOMS))
    equipment = ListField(StringField(choices=EQUIPMENT))
    rules_posted = ListField(StringField(choices=WALL_RULES))
    staff = ListField(EmbeddedDocumentField(StaffMember))
    build_status = StringField(choices=BUILD_STATUSES, default="planned")
    build_year = IntField(min_value=2015, max_value=2100)
    filed_date = DateField()  # 报自治区民政厅儿童福利处备案
    acceptance_date = DateField()
    acceptance_result = StringField(choices=ACCEPTANCE_RESULTS)
    acceptance_note = StringField(max_length=MAX_NOTE_LEN)
    phone = StringField(max_length=30)
    address = StringField(max_length=200)
    public_token = StringField()  # the public report page's address (random; its QR code)

    meta = {
        "collection": "stations",
        "indexes": ["place_path", {"fields": ["place"], "unique": True}],
        "ordering": ["place"],
    }

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Every station has the random address of its public report page (issue 15) from
        its first save: a QR code printed once stays valid, and downloading one writes
        nothing (stations older than that get theirs from `flask migrate`)."""
        if not self.public_token:
            self.public_token = secrets.token_urlsafe(16)

    def check(self) -> None:
        """Refuse combinations that cannot be true, and dates in the future."""
        today = clock.today()
        for name, label in (("filed_date", "备案日期"), ("acceptance_date", "验收日期")):
            clock.refuse_future(getattr(self, name), label, name)
        if self.build_year and self.build_year > today.year:
            raise DomainError("建成年份不能晚于今年。", "build_year")
        if self.build_status == "built" and not self.build_year:
            raise DomainError("已建成的未保站须填写建成年份。", "build_year")
        if self.build_year and self.build_status != "built":
            raise DomainError("只有“已建成”的未保站才填写建成年份。", "build_year")
        if self.acceptance_result and self.build_status != "built":
            raise DomainError("未建成的未保站不能验收。", "acceptance_result")
        if bool(self.acceptance_result) != bool(self.acceptance_date):
            raise DomainError("验收日期和验收结果须同时填写。", "acceptance_date")
        if self.filed_date and self.acceptance_date and self.acceptance_date < self.filed_date:
            raise DomainError("验收日期不能早于备案日期。", "acceptance_date")


class Allocation(ScopedDocument):
    """A county's row of 附件1: stations to build in 2023 and 2024.

    `plan_total` is the county's figure as the plan states it; the seed text lost which
    year most figures belong to, so the split stays unconfirmed until county staff set
    both years and they add up to the total.
    """

    plan_total = IntField(required=True, min_value=0, max_value=MAX_TARGET)
    target_2023 = IntField(min_value=0, max_value=MAX_TARGET)
    target_2024 = IntField(min_value=0, max_value=MAX_TARGET)
    note = StringField(max_length=MAX_NOTE_LEN)

    meta = {
        "collection": "allocations",
        "indexes": ["place_path", {"fields": ["place"], "unique": True}],
        "ordering": ["place"],
    }

    @property
    def split_confirmed(self) -> bool:
        return (
            self.target_2023 is not None
            and self.target_2024 is not None
            and self.target_2023 + self.target_2024 == self.plan_total
        )

    def target(self, year: int) -> int | None:
        return {2023: self.target_2023, 2024: self.target_2024}.get(year)

    def check(self) -> None:
        """Refuse negative targets, and a 2023/2024 split that does not add up to the total."""
        for field in ("plan_total", "target_2023", "target_2024"):
            value = getattr(self, field)
            if value is not None and value < 0:
                raise DomainError("建设任务不能为负数。", field)
            if value is not None and value > MAX_TARGET:
                raise DomainError(f"建设任务不能超过 {MAX_TARGET} 个。", field)
        if self.target_2023 is None and self.target_2024 is None:
            return  # not split yet (未确认): the plan's total alone
        a, b = self.target_2023, self.target_2024
        if a is None or b is None:
            raise DomainError(
                f"请同时填写 2023 年和 2024 年的建设任务，两年之和应为该县（区）的任务总数 {self.plan_total}。",
                "target_2024" if b is None else "target_2023",
            )
        if a + b != self.plan_total:
            raise DomainError(
                f"2023 年与 2024 年任务之和（{a} + {b} = {a + b}）应等于该县（区）的任务总数 {self.plan_total}。",
                "target_2024",
            )
