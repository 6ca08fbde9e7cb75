"""The records tests start from, made through the product's own save paths (never by
writing documents around the rules): an archive through services.archive.create, a station
and an allocation through the versioned first save, a user with a hashed password."""

import contextlib

from admin_app.documents import Allocation, Child, Place, Station, User
from admin_app.documents.constants import PROVINCE_CODE
from admin_app.services.children import archive
from tests import when
from tests.places import CHUNLIN

PASSWORD = "Test@pass2026"


def actor() -> User:
    """Who made a record a test starts from: a province account that is never saved."""
    user = User(username="test_setup", display_name="测试数据", role="province")
    user.set_place(PROVINCE_CODE)
    return user


def make_user(username, role, place, password=PASSWORD, must_change=False, **kw) -> User:
    user = User(username=username, display_name=kw.pop("display_name", username), role=role, **kw)
    user.set_place(place)
    user.password_hash = None
    user.set_password(password)
    user.must_change_password = must_change
    user.save()
    return user


def make_child(
    village: str = CHUNLIN,
    name: str = "张小明",
    *,
    frequency: str | None = None,
    id_number: str | None = None,
    by: User | None = None,
    planned: bool = True,
    **kw,
) -> Child:
    """An archive as the archive screen's 新建 leaves it: checked, its 身份证 reserved, its
    roster row, its 建档 history and its visit plan for the year written. `by` defaults to a
    province account (reviewed). `planned=False`: an archive whose visit frequency was set
    by a later edit, so it has no plan yet (as archives made before plans were automatic)."""
    fields = {"visit_frequency": frequency} if frequency else {}

    child = Child(
        name=name,
        gender=kw.pop("gender", "M"),
        birth_date=kw.pop("birth_date", when.born(11, 40)),
        id_number=id_number,
        no_id_reason=None if id_number else "not_issued",
        risk_reason=kw.pop(
            "risk_reason", "父母长期外出" if kw.get("risk_level") == "high" else None
        ),
        **fields,
        **kw,
    )
    if not planned:  # created as before plans were automatic: no book, no next visit
        with _no_first_plan():
            return archive.create(child, by or actor(), village)
    return archive.create(child, by or actor(), village)


@contextlib.contextmanager
def _no_first_plan():
    """The archive's creation without its first visit plan (the one rule left out)."""
    from admin_app.services import visits

    saved = visits.plan_new
    visits.plan_new = lambda child, user: []
    try:
        yield
    finally:
        visits.plan_new = saved


def make_station(township, **kw) -> Station:
    s = Station(name=f"{Place.name_of(township)}未成年人保护工作站", **kw)
    s.set_place(township)
    s.save_new(actor())
    return s


def make_allocation(county, total, t23=None, t24=None) -> Allocation:
    a = Allocation(plan_total=total, target_2023=t23, target_2024=t24)
    a.set_place(county)
    a.save_new(actor())
    return a
