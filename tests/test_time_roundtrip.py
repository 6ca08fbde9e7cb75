"""Opening any record's edit form and saving it without a change changes nothing.

Every edit form of the product is here: each record carries every date and time field of
its form, with values that trip a careless round trip (23:30 Beijing time on 31 December
is 15:30 UTC; seconds and milliseconds a minute-precision box does not show; a date at
the end of a month). The page is read as a browser reads it and sent back as a browser
sends it; the stored document, its version, its history and the audit log must not move.
A new edit form that this file does not build a record for fails the last test.
"""

from datetime import UTC, date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from admin_app.core import clock
from admin_app.documents import (
    Allocation,
    AuditEntry,
    Child,
    ChildHistory,
    Place,
    StaffMember,
    Station,
)
from admin_app.documents.calendar import HolidaySpan, HolidayYear, MakeUpDay
from admin_app.documents.case import (
    ChildInfo,
    HelpRequest,
    MandatoryReport,
    Perpetrator,
    ReceivingUnit,
    Referral,
)
from admin_app.documents.records import (
    CaringFamily,
    CommunityActivity,
    HalfYearReport,
    PublicityEvent,
    SocialOrganization,
    Volunteer,
    Worker,
    WorkPlan,
)
from tests import when
from tests.conftest import ROLE_PLACES, login_as, text
from tests.factories import make_user
from tests.forms import form_data

ZHANGZHENG = ROLE_PLACES["station"]
CHUNLIN = ROLE_PLACES["village"]
XINGQING = ROLE_PLACES["county"]
PROVINCE = ROLE_PLACES["province"]


def last_year_end(hour: int = 15, minute: int = 30) -> datetime:
    """23:30 Beijing time on last 31 December, with seconds and milliseconds."""
    year = clock.today().year - 1
    return datetime(year, 12, 31, hour, minute, 27, 123000, tzinfo=UTC)


def end_of_last_month() -> date:
    """The last day of last month (a date a careless box shifts by a day)."""
    first = clock.today().replace(day=1)
    return date.fromordinal(first.toordinal() - 1)


def placed(doc, place: str, who: str = "seed"):
    doc.set_place(place)
    doc.created_by = doc.updated_by = who
    doc.save()
    return doc


def child_info() -> ChildInfo:
    return ChildInfo(
        name="小刚",
        gender="M",
        age=10,
        address="春林村三组",
        phone="13900000000",
        guardian_name="马建国",
        guardian_identity="父亲",
        guardian_phone="13900000001",
    )


def build_children():
    birth = when.born(10, 45)
    doc = Child(
        name="马小军",
        gender="M",
        id_number=when.id_number(birth, "171"),
        birth_date=birth,
        ethnicity="回族",
        hukou_status="local",
        address="春林村三组",
        school_status="in_school",
        school_name="掌政镇中心小学",
        disability_kind="none",
        categories=["left_behind"],
        guardianship="both_away",
        guardians=[],
        risk_level="medium",
        visit_frequency="monthly",
        review_status="reviewed",
    )
    from admin_app.services.children import archive, roster

    doc.set_place(CHUNLIN)
    doc.check()
    doc.save()
    archive.reserve_id_number(doc, make_user("seeder", "station", ZHANGZHENG))
    roster.put(doc)
    return doc


BUILDERS = {
    "stations": (
        "county",
        lambda: placed(
            Station(
                name="掌政镇未成年人保护工作站",
                setup_mode="dual",
                sign_hung=True,
                office_rooms=["office"],
                staff=[StaffMember(name="马晓燕", staff_role="designated", phone="13900000001")],
                build_status="built",
                build_year=clock.today().year - 1,
                filed_date=end_of_last_month(),
                acceptance_date=end_of_last_month(),
                acceptance_result="passed",
                phone="0951-0000000",
                address="掌政镇政府院内",
            ),
            ZHANGZHENG,
        ),
    ),
    "allocations": (
        "county",
        lambda: placed(Allocation(plan_total=16, target_2023=15, target_2024=1), XINGQING),
    ),
    "users": ("county", lambda: make_user("zz_other", "station", ZHANGZHENG, phone="13900000009")),
    "places": ("province", lambda: Place.objects.get(pk=CHUNLIN)),
    "children": ("station", build_children),
    "mandatory_reports": (
        "station",
        lambda: placed(
            MandatoryReport(
                reporter_public=True,
                reporter_name="王老师",
                reporter_contact="13800001111",
                reporter_identity="teacher",
                report_method="phone",
                reported_at=last_year_end(),
                reported_note="晚11点半来电",
                child_info=child_info(),
                scene="村东头",
                occurred_at=last_year_end(12, 5),
                occurred_note="傍晚",
                account="听到哭喊 & <打骂>\n第二行",
                perpetrator=Perpetrator(name="某某", identity="邻居"),
                physical_state="手臂有淤青",
                filled_by="李娟",
                filled_on=date(clock.today().year - 1, 12, 31),
            ),
            ZHANGZHENG,
        ),
    ),
    "help_requests": (
        "station",
        lambda: placed(
            HelpRequest(
                child_info=child_info(),
                location="村委会",
                occurred_at=last_year_end(16, 0),  # midnight in Ningxia
                occurred_note="零点前后",
                account="孩子独自在家",
                perpetrator=Perpetrator(name="某某"),
                filled_by="李娟",
                filled_on=end_of_last_month(),
            ),
            ZHANGZHENG,
        ),
    ),
    "referrals": (
        "station",
        lambda: placed(
            Referral(
                referred_on=end_of_last_month(),
                child_info=child_info(),
                reason="需要心理疏导",
                unit_name="兴庆区心理服务中心",
                follow_up_plan="一周内回访",
                filled_by="李娟",
                filled_on=end_of_last_month(),
                feedback_due=when.days_ahead(10),
                status="sent",
            ),
            ZHANGZHENG,
        ),
    ),
    "receiving_units": (
        "station",
        lambda: placed(ReceivingUnit(name="兴庆区心理服务中心", kind="social_org"), ZHANGZHENG),
    ),
    "publicity": (
        "station",
        lambda: placed(
            PublicityEvent(
                held_on=end_of_last_month(), kind="law_policy", location="村委会", reached=30
            ),
            ZHANGZHENG,
        ),
    ),
    "workers": (
        "station",
        lambda: placed(
            Worker(
                name="王芳",
                role="director",
                village="640104100201",
                phone="13900000000",
                qualification="assistant",
                qualified_year=clock.today().year - 1,
            ),
            ZHANGZHENG,
        ),
    ),
    "volunteers": (
        "station",
        lambda: placed(
            Volunteer(name="李志愿", joined_on=end_of_last_month(), hours=12), ZHANGZHENG
        ),
    ),
    "social_orgs": (
        "station",
        lambda: placed(
            SocialOrganization(
                name="爱心社工",
                kind="social_work",
                contract_from=end_of_last_month(),
                contract_to=when.days_ahead(300),
            ),
            ZHANGZHENG,
        ),
    ),
    "caring_families": (
        "station",
        lambda: placed(
            CaringFamily(
                head_name="马大姐",
                members=4,
                registered_on=end_of_last_month(),
                trained_on=end_of_last_month(),
            ),
            ZHANGZHENG,
        ),
    ),
    "activities": (
        "station",
        lambda: placed(
            CommunityActivity(
                venue="children_home",
                held_on=end_of_last_month(),
                kind="tutoring",
                title="四点半课堂",
                children=12,
            ),
            ZHANGZHENG,
        ),
    ),
    "work_plans": (
        "station",
        lambda: placed(
            WorkPlan(year=clock.today().year, title="年度计划", goals="目标"), ZHANGZHENG
        ),
    ),
    "half_year_reports": (
        "station",
        lambda: placed(
            HalfYearReport(
                year=clock.today().year - 1,
                half="H2",
                reported_on=end_of_last_month(),
                reported_to="掌政镇人民政府",
            ),
            ZHANGZHENG,
        ),
    ),
    "holiday_years": (
        "province",
        lambda: placed(
            HolidayYear(
                id=clock.today().year + 1,
                holidays=[
                    HolidaySpan(
                        name="元旦",
                        first_day=date(clock.today().year, 12, 31),
                        last_day=date(clock.today().year + 1, 1, 1),
                    )
                ],
                workdays=[MakeUpDay(day=date(clock.today().year + 1, 1, 3), note="调休")],
                source="测试用安排",
            ),
            PROVINCE,
        ),
    ),
}


def raw(doc) -> dict:
    return type(doc)._get_collection().find_one({"_id": doc.pk})


def edit_views(app) -> dict[str, type]:
    """Every admin view with an edit form (some role may edit)."""
    (admin,) = app.extensions["admin"]
    return {
        v.endpoint: v
        for v in admin._views
        if getattr(v, "edit_roles", ()) and getattr(v, "model", None) is not None
    }


@pytest.mark.parametrize("ep", sorted(BUILDERS))
def test_saving_an_edit_form_unchanged_changes_nothing(app, users, ep):
    role, build = BUILDERS[ep]
    record = build()
    before = raw(record)
    history = ChildHistory._get_collection().find_one({"_id": str(record.pk)})
    writes = AuditEntry.objects(action__in=["create", "update", "delete"]).count()
    client = login_as(app, users[role])

    page = client.get(f"/{ep}/edit/?id={record.pk}")
    assert page.status_code == 200, ep
    sent = MultiDict(form_data(page.get_data(as_text=True)))
    resp = client.post(f"/{ep}/edit/?id={record.pk}", data=sent)
    assert resp.status_code == 302, text(resp)[-1500:]
    assert "内容没有改变" in text(client.get(resp.headers["Location"]))

    assert raw(record) == before, ep
    assert ChildHistory._get_collection().find_one({"_id": str(record.pk)}) == history
    assert AuditEntry.objects(action__in=["create", "update", "delete"]).count() == writes


def test_every_edit_form_is_in_this_file(app):
    assert set(edit_views(app)) == set(BUILDERS)


def test_the_form_shows_beijing_time_and_a_picker(app, users):
    record = BUILDERS["mandatory_reports"][1]()
    page = login_as(app, users["station"]).get(f"/mandatory_reports/edit/?id={record.pk}")
    html = page.get_data(as_text=True)
    year = clock.today().year - 1
    assert f'value="{year}-12-31 23:30"' in html  # not 15:30, the stored UTC
    assert 'data-wbz-when="datetime"' in html and "data-wbz-pick" in html
    assert 'data-role="datetimepicker"' not in html and 'data-role="datepicker"' not in html
