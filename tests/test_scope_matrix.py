"""Place scoping, route by route: no role reaches a record outside its place.

The matrix is built from three tables:

* ROLE_PLACES (conftest): one user per role, all on the line 宁夏 → 银川市 → 兴庆区 →
  掌政镇 → 春林村委会;
* RECORDS: one record per model in several places (原州区 / 三营镇 far away, 通贵乡 next
  door in the same county, 掌政镇 at home), each with texts that identify it on a page;
* ROUTES: every route of a model view (list, search, details, edit, delete, actions,
  exports, ajax, GridFS file) and the views' own routes (allocation import, the archive's
  review/transfer/attachments, a case's steps and dossier, the forms' Word downloads, a
  referral's status).

个案处置 (cases, 附件5/6/7, receiving units) sits in 三营镇, 通贵乡 and 掌政镇; an anonymous
reporter of 附件6 is also checked inside the place, role by role (section 12).

For every (role, record outside the role's place, route) the route must show nothing
of the record and change nothing in the database; for every (role, record inside,
route) the same route must work as far as the role's permissions go (positive
controls: without them the matrix would prove nothing). Anonymous requests and roles
a view does not admit are covered over the whole url_map, and a test fails as soon as
a new endpoint appears that this file does not cover.
"""

import csv
import io
import json
import re
import zipfile
from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote, urlsplit

import mongoengine
import pytest
from bson import ObjectId
from docx import Document as Docx
from openpyxl import Workbook, load_workbook
from stdnum.cn import ric

from admin_app.auth import PUBLIC_ENDPOINTS
from admin_app.core import clock
from admin_app.crypto import encrypt
from admin_app.documents import (
    Allocation,
    AuditEntry,
    Child,
    IdNumberIndex,
    Place,
    Roster,
    Station,
    TransferTrace,
    User,
    VisitBook,
)
from admin_app.documents.attachment import Attachment
from admin_app.documents.case import (
    Case,
    ChildInfo,
    Dossier,
    HelpRequest,
    MandatoryReport,
    ReceivingUnit,
    Referral,
)
from admin_app.documents.constants import ANONYMOUS_REPORTER_ROLES
from admin_app.documents.public_report import PublicReport
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
from admin_app.services import cases
from admin_app.services.children import archive, attachments
from admin_app.services.children.child_import import TEMPLATE_HEADERS, uploads_collection
from admin_app.views.cases import CaseView
from tests import when
from tests.conftest import PLACES, ROLE_PLACES, login_as, refusal
from tests.factories import make_allocation, make_station, make_user
from tests.places import (
    CHUNLIN,
    JINFENG,
    SANYING,
    TONGGUI,
    TONGXI,
    XINGQING,
    YUANZHOU,
    ZHANGZHENG,
)
from tests.places import SANYING_V as SANYING_VILLAGE
from tests.places import ZHANGZHENG_V as ZHANGZHENG_VILLAGE

# --------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------
PROVINCE = ROLE_PLACES["province"]
# Villages, where children live.
# Two townships without a station, for the create forms.
FREE_INSIDE = "640104001000"  # 凤凰北街街道, 兴庆区
FREE_OUTSIDE = "640402101000"  # 开城镇, 原州区
EXTRA_PLACES = [
    (FREE_INSIDE, "凤凰北街街道", "township", XINGQING, "街道"),
    (FREE_OUTSIDE, "开城镇", "township", YUANZHOU, "镇"),
]


def _paths() -> dict[str, list[str]]:
    paths: dict[str, list[str]] = {}
    for code, _name, _level, parent, _kind in PLACES + EXTRA_PLACES:
        paths[code] = (paths[parent] if parent else []) + [code]
    return paths


PATHS = _paths()

# --------------------------------------------------------------------------------------
# Roles and what each view admits (the policy under test; checked against the classes)
# --------------------------------------------------------------------------------------
ALL_ROLES = ("province", "city", "county", "station", "social_worker", "village")
SCOPED_ROLES = ALL_ROLES[1:]  # the province sees everything: positive cases only


@dataclass(frozen=True)
class ViewPolicy:
    model: type
    open: tuple[str, ...]  # may open the view at all
    edit: tuple[str, ...]
    create: tuple[str, ...]
    delete: tuple[str, ...]
    details: bool
    export: bool


SUPERVISORS = ("province", "city", "county")
ARCHIVE_EDITORS = ("station", "social_worker", "village")  # 一人一档: who writes archives
REVIEWERS = ("station",)  # the township 儿童督导员 reviews a pending archive
TRANSFERRERS = ("station", "social_worker")  # 未保站 staff move an archive
CASE_ROLES = ALL_ROLES[:5]  # every role but the village
CASE_WORKERS = ("station", "social_worker")  # 未保站 staff file the forms and work the cases
UNIT_KEEPERS = ("province", "county", "station")  # keep the referral directory
POLICY = {
    "stations": ViewPolicy(
        Station,
        ALL_ROLES,
        ("county", "station"),  # the province records 验收 by its own route (accept)
        ("province", "county"),
        ("province", "county"),
        True,
        True,
    ),
    "allocations": ViewPolicy(
        Allocation, SUPERVISORS, ("province", "county"), (), (), False, False
    ),
    "places": ViewPolicy(Place, ALL_ROLES, ("province",), (), (), False, True),
    "users": ViewPolicy(User, SUPERVISORS, SUPERVISORS, SUPERVISORS, SUPERVISORS, True, True),
    "audit": ViewPolicy(AuditEntry, SUPERVISORS + ("station",), (), (), (), True, True),
    "children": ViewPolicy(Child, ALL_ROLES, ARCHIVE_EDITORS, ARCHIVE_EDITORS, (), True, True),
    # 个案处置: cases move only through their own routes (no edit form, never deleted).
    "cases": ViewPolicy(Case, CASE_ROLES, (), CASE_WORKERS, (), True, True),
    "mandatory_reports": ViewPolicy(
        MandatoryReport, CASE_ROLES, CASE_WORKERS, CASE_WORKERS, (), True, True
    ),
    "help_requests": ViewPolicy(
        HelpRequest, CASE_ROLES, CASE_WORKERS, CASE_WORKERS, (), True, True
    ),
    "referrals": ViewPolicy(Referral, CASE_ROLES, CASE_WORKERS, CASE_WORKERS, (), True, True),
    "receiving_units": ViewPolicy(
        ReceivingUnit, CASE_ROLES, UNIT_KEEPERS, UNIT_KEEPERS, UNIT_KEEPERS, True, True
    ),
    # 群众报告: read by every case role; accepted or rejected by their own routes (section 19).
    "public_reports": ViewPolicy(PublicReport, CASE_ROLES, (), (), (), True, False),
}
PUBLIC_DECIDERS = CASE_WORKERS + ("county",)  # accept or reject (a county: unstaffed townships)
PUBLIC_CALLERS = CASE_WORKERS  # enter a hotline call
# 工作台账 (RecordView): the 未保站 staff keep them (create, edit, delete), supervisors read.
RECORD_MODELS = {
    "work_plans": WorkPlan,
    "publicity": PublicityEvent,
    "activities": CommunityActivity,
    "volunteers": Volunteer,
    "workers": Worker,
    "social_orgs": SocialOrganization,
    "caring_families": CaringFamily,
    "half_year_reports": HalfYearReport,
}
RECORD_EPS = tuple(RECORD_MODELS)
RECORD_ROLES = CASE_ROLES  # every role but the village
RECORD_KEEPERS = CASE_WORKERS
POLICY.update(
    {
        ep: ViewPolicy(
            model, RECORD_ROLES, RECORD_KEEPERS, RECORD_KEEPERS, RECORD_KEEPERS, True, True
        )
        for ep, model in RECORD_MODELS.items()
    }
)
# Work records with a record in every township (the full route matrix); the others have one
# record far away and go through LIGHT_ROUTES (their closed routes and inside writes: 13).
FULL_RECORD_EPS = ("publicity", "caring_families")
LIGHT_EPS = tuple(ep for ep in RECORD_EPS if ep not in FULL_RECORD_EPS)
LIGHT_ROUTES = ("list", "details", "edit_get", "edit_post", "delete", "action_delete", "export_csv")
FORMS = ("mandatory_reports", "help_requests", "referrals")  # 附件6, 附件5, 附件7
CASE_EPS = ("cases", *FORMS, "receiving_units")
# Views whose records take the creating user's own place (their forms offer no place).
PLACE_FROM_USER = set(CASE_EPS) | set(RECORD_EPS) | {"public_reports"}
# The receiving-unit directory lists, besides the units inside the user's place, those of
# the places above it (a station refers to its county's units); only the list and the
# export do: details, edit and delete reach units inside the place alone.
LISTS_ABOVE = {"receiving_units"}
# Plain pages (no model): endpoint prefix -> roles admitted.
PAGES = {
    "progress": SUPERVISORS,
    "admin": ALL_ROLES,
    "visits": ALL_ROLES,  # a child's visits, reached from the archive (section 10)
    "child_import": ARCHIVE_EDITORS,  # 导入儿童台账 (section 11)
    "reports": RECORD_KEEPERS + SUPERVISORS,  # 工作报告 (section 14)
    "bulletins": RECORD_KEEPERS + SUPERVISORS,  # 上墙材料 (section 15)
    "holiday_years": ("province",),  # 放假调休安排: the province's alone (section 17)
    "field": ARCHIVE_EDITORS,  # 走访（手机）: those who record visits (section 18)
    "assessments": ALL_ROLES,  # 监护与风险评估 of a child, from the archive (section 20)
    "assessment_scale": ALL_ROLES,  # 评估指标: read by all, revised by the province (section 20)
    "funds": ("province", "city", "county", "station", "social_worker"),  # section 21
    "spot_checks": ("province", "city", "county", "station", "social_worker"),  # section 22
    "appraisal": ALL_ROLES,  # 工作考核: each reads its own place (section 23)
}
# Endpoints with no record behind them, reachable without the matrix.
NON_RECORD_ENDPOINTS = {
    "auth.login",
    "auth.logout",
    "auth.change_password",
    "static",
    "admin.static",
    "health",
    "ready",  # the database answers or not: no record, no personal data
    "favicon",
}

# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


def id_number(area: str, birth: str, seq: str) -> str:
    """A valid 身份证 number (the 17th digit, last of `seq`, odd for a boy)."""
    body = area + birth.replace("-", "") + seq
    return body + ric.calc_check_digit(body + "0")  # stdnum wants a placeholder check digit


@dataclass(frozen=True)
class Rec:
    name: str  # key in the `world` fixture
    endpoint: str
    place: str  # the place the record belongs to
    search: str  # a term the view's search box finds it by
    labels: tuple[str, ...]  # texts that betray it; labels[0] shows in its list and export

    @property
    def path(self) -> list[str]:
        return PATHS[self.place]

    def inside(self, role: str) -> bool:
        return ROLE_PLACES[role] in self.path

    def listed(self, role: str) -> bool:
        """Shown in the view's list and export (wider than `inside` for LISTS_ABOVE)."""
        return self.inside(role) or (
            self.endpoint in LISTS_ABOVE and self.place in PATHS[ROLE_PLACES[role]]
        )

    def __str__(self) -> str:
        return self.name


RECORDS = [
    Rec(
        "station_sanying",
        "stations",
        SANYING,
        "三营镇",
        ("三营镇未成年人保护工作站", "MARK-ADDR-SANYING"),
    ),
    Rec(
        "station_tonggui",
        "stations",
        TONGGUI,
        "通贵乡",
        ("通贵乡未成年人保护工作站", "MARK-ADDR-TONGGUI"),
    ),
    Rec(
        "station_zhangzheng",
        "stations",
        ZHANGZHENG,
        "掌政镇",
        ("掌政镇未成年人保护工作站", "MARK-ADDR-ZHANGZHENG"),
    ),
    Rec("alloc_yuanzhou", "allocations", YUANZHOU, "原州", ("MARK-NOTE-YUANZHOU", "固原市原州区")),
    Rec("alloc_xingqing", "allocations", XINGQING, "兴庆", ("MARK-NOTE-XINGQING",)),
    Rec("user_yuanzhou", "users", YUANZHOU, "yz_county", ("MARK-USER-YUANZHOU", "固原市原州区")),
    Rec("user_zhangzheng", "users", ZHANGZHENG, "zz_clerk", ("MARK-USER-ZHANGZHENG",)),
    Rec("place_sanying", "places", SANYING, "三营", (SANYING, "三营镇")),
    Rec("place_tonggui", "places", TONGGUI, "通贵", (TONGGUI, "通贵乡")),
    # 掌政镇's name shows legitimately as the village's parent: only its code betrays it.
    Rec("place_zhangzheng", "places", ZHANGZHENG, "掌政", (ZHANGZHENG,)),
    Rec("place_chunlin", "places", CHUNLIN, "春林", (CHUNLIN,)),
    Rec(
        "audit_yuanzhou",
        "audit",
        YUANZHOU,
        "yz_actor",
        ("MARK-AUDIT-YUANZHOU", "MARK-DETAIL-YUANZHOU"),
    ),
    Rec(
        "audit_zhangzheng",
        "audit",
        ZHANGZHENG,
        "zz_actor",
        ("MARK-AUDIT-ZHANGZHENG", "MARK-DETAIL-ZHANGZHENG"),
    ),
    # Children: labels are the name (in list and export), the 身份证 number (masked for
    # supervisors, so never required on a page) and the address. The search term is part
    # of the name, not all of it: the search box echoes the term.
    Rec(
        "child_sanying",
        "children",
        SANYING_VILLAGE,
        "三营甲",
        (
            "童三营甲",
            id_number("640402", when.born(13, 30).isoformat(), "221"),
            "MARK-CHILDADDR-SANYING",
        ),
    ),
    Rec(
        "child_tonggui",
        "children",
        TONGXI,
        "通贵乙",
        (
            "童通贵乙",
            id_number("640104", when.born(12, 60).isoformat(), "332"),
            "MARK-CHILDADDR-TONGGUI",
        ),
    ),
    Rec(
        "child_chunlin",
        "children",
        CHUNLIN,
        "春林丙",
        (
            "童春林丙",
            id_number("640104", when.born(11, 90).isoformat(), "443"),
            "MARK-CHILDADDR-CHUNLIN",
        ),
    ),
    # Inside 掌政镇 but outside the village user's 春林村委会.
    Rec(
        "child_zhangzheng",
        "children",
        ZHANGZHENG_VILLAGE,
        "掌政丁",
        (
            "童掌政丁",
            id_number("640104", when.born(10, 120).isoformat(), "554"),
            "MARK-CHILDADDR-ZHANGZHENG",
        ),
    ),
]


# 个案处置 in three townships: a case, the three forms and a receiving unit in each
# (plus one unit of the county, listed to its stations). Labels: the child's name first
# (each view lists it), then what else betrays the record: the case number, an anonymous
# reporter's name and contact, marks in the texts.
CASE_YEAR = clock.today().year
CASE_TOWNSHIPS = [  # (key, place, short name): far away, next door, at home
    ("sanying", SANYING, "三营"),
    ("tonggui", TONGGUI, "通贵"),
    ("zhangzheng", ZHANGZHENG, "掌政"),
]


def case_number(township: str) -> str:
    """The number `cases.open_case` gives the first case of a township this year."""
    return f"{township[:9]}-{CASE_YEAR}-0001"


for _key, _place, _short in CASE_TOWNSHIPS:
    _mark = _key.upper()
    RECORDS += [
        Rec(
            f"case_{_key}",
            "cases",
            _place,
            case_number(_place)[:10],
            (f"案童{_short}", case_number(_place), f"MARK-CASE-{_mark}"),
        ),
        Rec(
            f"report_{_key}",
            "mandatory_reports",
            _place,
            f"童{_short}",
            (
                f"报童{_short}",
                f"MARK-REPORTER-{_mark}",  # anonymous: stored encrypted
                f"MARK-CONTACT-{_mark}",
                f"MARK-SCENE-{_mark}",
            ),
        ),
        Rec(
            f"help_{_key}",
            "help_requests",
            _place,
            f"童{_short}",
            # The details pages of 附件5 and 附件7 do not show the child: labels[0] is a
            # text they do show (the place of the event, the receiving unit).
            (f"MARK-HELPLOC-{_mark}", f"助童{_short}", f"MARK-HELP-{_mark}"),
        ),
        Rec(
            f"referral_{_key}",
            "referrals",
            _place,
            f"童{_short}",
            (f"MARK-REFUNIT-{_mark}", f"介童{_short}", f"MARK-REFERRAL-{_mark}"),
        ),
    ]
RECORDS += [
    Rec(
        f"unit_{key}",
        "receiving_units",
        place,
        f"单位{short}",
        (f"接收单位{short}", f"MARK-UNIT-{key}"),
    )
    for key, place, short in [
        ("sanying", SANYING, "三营"),
        ("tonggui", TONGGUI, "通贵"),
        ("xingqing", XINGQING, "兴庆"),  # listed to the 掌政镇 staff, not theirs to open
        ("zhangzheng", ZHANGZHENG, "掌政"),
    ]
]
CASE_RECORDS = [r for r in RECORDS if r.endpoint in CASE_EPS]

# 群众报告 (issue 15): one waiting in each of the three townships (a hotline work order).
for _key, _place, _short in CASE_TOWNSHIPS:
    RECORDS.append(
        Rec(
            f"public_{_key}",
            "public_reports",
            _place,
            f"童{_short}",  # part of the name: the search box echoes the term
            (f"群童{_short}", f"MARK-PUBLIC-{_key.upper()}"),
        )
    )

# 工作台账: publicity and caring families in the three townships (the numbers reached by a
# publicity event are unique too: section 13 looks for them in the station's report);
# one record of every other kind far away, in 三营镇.
PUBLICITY_REACHED = {"sanying": 97531, "tonggui": 86420, "zhangzheng": 4321}
for _key, _place, _short in CASE_TOWNSHIPS:
    _mark = _key.upper()
    RECORDS += [
        Rec(
            f"publicity_{_key}",
            "publicity",
            _place,
            f"点{_short}",
            (f"宣传点{_short}", f"MARK-TOPICS-{_mark}", f"MARK-AUDIENCE-{_mark}"),
        ),
        Rec(
            f"family_{_key}",
            "caring_families",
            _place,
            f"心户{_short}",
            (f"爱心户{_short}", f"MARK-FAMADDR-{_mark}", f"MARK-FAMNOTE-{_mark}"),
        ),
    ]
RECORDS += [
    Rec("plan_sanying", "work_plans", SANYING, "计划三营", ("工作计划三营", "MARK-GOALS-SANYING")),
    Rec("activity_sanying", "activities", SANYING, "活动三", ("活动三营", "MARK-ACTIVITY-SANYING")),
    Rec(
        "volunteer_sanying",
        "volunteers",
        SANYING,
        "愿者三营",
        ("志愿者三营", "MARK-SKILLS-SANYING"),
    ),
    Rec("worker_sanying", "workers", SANYING, "督导三营", ("督导三营", "MARK-WORKER-SANYING")),
    Rec(
        "org_sanying", "social_orgs", SANYING, "组织三营", ("社会组织三营", "MARK-SERVICES-SANYING")
    ),
    Rec(
        "halfyear_sanying",
        "half_year_reports",
        SANYING,
        "对象三营",
        ("汇报对象三营", "MARK-HYR-SANYING"),
    ),
]
WORK_RECORDS = [r for r in RECORDS if r.endpoint in RECORD_EPS]
# The field an edit changes (to "EDITED"), per kind of work record.
RECORD_EDITED = {
    "work_plans": "goals",
    "publicity": "topics",
    "activities": "content",
    "volunteers": "skills",
    "workers": "note",
    "social_orgs": "services",
    "caring_families": "note",
    "half_year_reports": "summary",
}


def record_values(ep: str, labels: tuple[str, ...], reached: int = 5) -> dict:
    """A work record's fields, its identifying texts in `labels` (first: the listed one)."""
    today = clock.today()
    first, second = labels[0], labels[1]
    third = labels[2] if len(labels) > 2 else "—"
    return {
        "work_plans": lambda: {
            "year": today.year,
            "title": first,
            "goals": second,
            "status": "draft",
        },
        "publicity": lambda: {
            "held_on": today,
            "kind": "law_policy",
            "location": first,
            "topics": second,
            "audience": third,
            "reached": reached,
        },
        "activities": lambda: {
            "venue": "children_home",
            "held_on": today,
            "kind": "tutoring",
            "title": first,
            "content": second,
            "children": 12,
            "organisers": "王老师",
        },
        "volunteers": lambda: {
            "name": first,
            "skills": second,
            "phone": "13800000001",
            "joined_on": today - timedelta(days=60),
            "trained": True,
            "hours": 10,
            "active": True,
        },
        "workers": lambda: {
            "name": first,
            "role": "supervisor",
            "note": second,
            "phone": "13800000003",
            "qualification": "none",
            "active": True,
        },
        "social_orgs": lambda: {
            "name": first,
            "kind": "social_work",
            "services": second,
            "contact_name": "张三",
            "contact_phone": "0951-1234567",
            "contract_from": today - timedelta(days=90),
            "contract_to": today + timedelta(days=270),
        },
        "caring_families": lambda: {
            "head_name": first,
            "address": second,
            "note": third,
            "phone": "13800000002",
            "members": 3,
            "care_mode": "voluntary",
            "registered_on": today - timedelta(days=30),
            "trained_on": today - timedelta(days=20),
        },
        "half_year_reports": lambda: {
            "year": today.year,
            "half": "H1" if today.month <= 6 else "H2",
            "reported_on": today,
            "reported_to": first,
            "summary": second,
        },
    }[ep]()


def record_form(ep: str, values: dict) -> dict:
    """The edit/create form of a work record holding `values` (its view's form columns)."""
    from admin_app.views.records import RecordView

    (view,) = [v for v in RecordView.__subclasses__() if v.__name__ == RECORD_VIEWS[ep]]
    form = {}
    for name in view.form_columns:
        value = values.get(name)
        if value is None or value is False or value == []:
            continue
        if isinstance(value, list):  # a multiple choice (a training's attendees)
            form[name] = [str(v) for v in value]
            continue
        form[name] = (
            "y" if value is True else value.isoformat() if isinstance(value, date) else str(value)
        )
    return form


RECORD_VIEWS = {
    "work_plans": "WorkPlanView",
    "publicity": "PublicityView",
    "activities": "ActivityView",
    "volunteers": "VolunteerView",
    "workers": "WorkerView",
    "social_orgs": "SocialOrganizationView",
    "caring_families": "CaringFamilyView",
    "half_year_reports": "HalfYearReportView",
}


def child_name(rec: Rec) -> str:
    return rec.labels[1 if rec.endpoint in ("help_requests", "referrals") else 0]


# --------------------------------------------------------------------------------------
# Routes
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    path: str  # formatted with ep, id, term
    view_endpoint: str  # the Flask endpoint (after "<ep>.") it exercises
    form: str | None = None  # which form builder supplies the POST body
    only: tuple[str, ...] = ()  # model endpoints it exists on (empty: all)

    def applies_to(self, ep: str) -> bool:
        return not self.only or ep in self.only

    def __str__(self) -> str:
        return self.name


ROUTES = [
    Route("list", "GET", "/{ep}/", "index_view"),
    Route("search", "GET", "/{ep}/?search={term}", "index_view"),
    Route("details", "GET", "/{ep}/details/?id={id}", "details_view"),
    Route("edit_get", "GET", "/{ep}/edit/?id={id}", "edit_view"),
    Route("edit_post", "POST", "/{ep}/edit/?id={id}", "edit_view", form="edit"),
    Route("delete", "POST", "/{ep}/delete/", "delete_view", form="delete"),
    Route("action_delete", "POST", "/{ep}/action/", "action_view", form="action_delete"),
    Route(
        "action_unlock",
        "POST",
        "/{ep}/action/",
        "action_view",
        form="action_unlock",
        only=("users",),
    ),
    Route("export_csv", "GET", "/{ep}/export/csv/", "export"),
    Route("export_xlsx", "GET", "/{ep}/export/xlsx/", "export"),
    Route("ajax_lookup", "GET", "/{ep}/ajax/lookup/?name=x&query=y", "ajax_lookup"),
    Route("ajax_update", "POST", "/{ep}/ajax/update/", "ajax_update", form="ajax_update"),
    Route("api_file", "GET", "/{ep}/api/file/?id={id}&coll=fs&db=default", "api_file_view"),
    Route("download", "GET", "/{ep}/download.xlsx", "download", only=("allocations",)),
    Route("import", "POST", "/{ep}/import/", "import_view", form="import", only=("allocations",)),
    # The archive's own routes: review, transfer, attachments (upload; show by attachment id).
    Route("review", "POST", "/{ep}/review/", "review_view", form="review", only=("children",)),
    Route(
        "transfer", "POST", "/{ep}/transfer/", "transfer_view", form="transfer", only=("children",)
    ),
    Route("attach", "POST", "/{ep}/attach/", "attach_view", form="attach", only=("children",)),
    Route("attachment", "GET", "/{ep}/attachment/?id={id}", "attachment_view", only=("children",)),
    # 个案处置: a form filled in as Word, the case's own steps, a referral's status.
    Route("word", "GET", "/{ep}/word/?id={id}", "word_view", only=FORMS),
    Route("advance", "POST", "/{ep}/advance/", "advance_view", form="advance", only=("cases",)),
    Route(
        "first_visit",
        "POST",
        "/{ep}/first_visit/",
        "first_visit_view",
        form="first_visit",
        only=("cases",),
    ),
    Route(
        "conference",
        "POST",
        "/{ep}/conference/",
        "conference_view",
        form="conference",
        only=("cases",),
    ),
    Route("status", "POST", "/{ep}/status/", "status_view", form="status", only=("referrals",)),
    # 验收: the province's own action on a built station (not the station's edit form).
    Route("accept", "POST", "/{ep}/accept/", "accept_view", form="accept", only=("stations",)),
    # 群众报告: taken in hand (a 附件6 and a case) or not, with a reason.
    Route(
        "public_accept",
        "POST",
        "/{ep}/accept/",
        "accept_view",
        form="public_accept",
        only=("public_reports",),
    ),
    Route(
        "public_reject",
        "POST",
        "/{ep}/reject/",
        "reject_view",
        form="public_reject",
        only=("public_reports",),
    ),
]
# The archived case's dossier (案卷) download, once the view has it.
HAS_DOSSIER = hasattr(CaseView, "dossier_view")
if HAS_DOSSIER:
    ROUTES.append(
        Route("dossier", "GET", "/{ep}/dossier/?id={id}", "dossier_view", only=("cases",))
    )
ROUTES_BY_NAME = {r.name: r for r in ROUTES}


def routes_for(ep: str) -> list[Route]:
    """The matrix routes of a model endpoint (LIGHT_EPS: LIGHT_ROUTES only)."""
    return [
        r for r in ROUTES if r.applies_to(ep) and (ep not in LIGHT_EPS or r.name in LIGHT_ROUTES)
    ]


READ_PAGES = {"list", "search"}
NOT_FOUND_REDIRECTS = {
    "details",
    "edit_get",
}  # a foreign id: "record does not exist" + back to list
WRITES = {
    "edit_post",
    "delete",
    "action_delete",
    "action_unlock",
    "import",
    "review",
    "transfer",
    "attach",
    "advance",
    "first_visit",
    "conference",
    "status",
    "accept",
    "public_accept",
    "public_reject",
}
# Writes that look their record up by the posted id: "not found", back to the list.
NOT_FOUND_WRITES = {
    "review",
    "transfer",
    "attach",
    "advance",
    "first_visit",
    "conference",
    "status",
    "accept",
    "public_accept",
    "public_reject",
}
ACCEPTORS = ("province",)  # 验收 is the province's (五(一))
CASE_STEPS = {"advance", "first_visit", "conference"}  # only CASE_WORKERS work a case
EXPORTS = {"export_csv", "export_xlsx", "download"}
CLOSED = {"ajax_lookup", "ajax_update", "api_file"}  # 404 for everyone
FILES = {"attachment"}  # the stored bytes inside the place, 404 outside
DOWNLOADS = {"word"} | ({"dossier"} if HAS_DOSSIER else set())  # a .docx inside, 404 outside
MULTIPART = {"import", "attach"}  # forms that carry a file
ID_ROUTES = [
    "details",
    "edit_get",
    "edit_post",
    "delete",
    "action_delete",
    "action_unlock",
    "ajax_update",
    "api_file",
    "review",
    "transfer",
    "attach",
    "attachment",
    *sorted(DOWNLOADS),
    "advance",
    "first_visit",
    "conference",
    "status",
    "accept",
    "public_accept",
    "public_reject",
]
BAD_IDS = {
    "random_objectid": str(ObjectId()),
    "traversal": "../../etc",
    "huge": "x" * 5000,
}
assert READ_PAGES | NOT_FOUND_REDIRECTS | WRITES | EXPORTS | CLOSED | FILES | DOWNLOADS == set(
    ROUTES_BY_NAME
)


def _cases(inside: bool):
    for rec in RECORDS:
        for role in ALL_ROLES if inside else SCOPED_ROLES:
            if rec.inside(role) != inside or role not in POLICY[rec.endpoint].open:
                continue
            for route in routes_for(rec.endpoint):
                yield pytest.param(role, rec, route, id=f"{role}-{rec}-{route}")


OUTSIDE_CASES = list(_cases(inside=False))
INSIDE_CASES = list(_cases(inside=True))
FORBIDDEN = [
    (role, ep)
    for ep, roles in {**{e: p.open for e, p in POLICY.items()}, **PAGES}.items()
    for role in ALL_ROLES
    if role not in roles
]

# --------------------------------------------------------------------------------------
# The world: the records above, in a fresh database for every test
# --------------------------------------------------------------------------------------


def _add_extra_places() -> None:
    Place._get_collection().insert_many(
        Place(
            key=code,
            code=code,
            name=name,
            level=level,
            parent=parent,
            kind=kind,
            place=code,
            place_path=PATHS[code],
        )
        .to_mongo()
        .to_dict()
        for code, name, level, parent, kind in EXTRA_PLACES
    )
    Place.forget_cache()


def _user(rec: Rec, role: str) -> User:
    user = User(
        username=rec.search,
        display_name=rec.labels[0],
        role=role,
        locked_until=clock.now() + timedelta(hours=1),
        failed_logins=0,
    )
    user.set_place(rec.place)
    user.save()
    return user


def _audit(rec: Rec) -> AuditEntry:
    entry = AuditEntry(
        actor=rec.search,
        actor_role="county",
        action="update",
        target_type="stations",
        target_label=rec.labels[0],
        detail=rec.labels[1],
        place_path=rec.path,
    )
    entry.save()
    return entry


PNG = b"\x89PNG\r\n\x1a\n"


def file_mark(rec: Rec) -> bytes:
    """Bytes inside the attachment of a child record (the file itself betrays it)."""
    return f"MARK-FILE-{rec.name}".encode()


def _child(rec: Rec) -> tuple[Child, Attachment]:
    """An archive made through the product's own paths by the village's 儿童主任, so it
    waits for review (only the scope or the role can stop a review), with its roster row,
    its 身份证 index entry and one photo."""
    name, number, address = rec.labels
    director = User(username="seed", display_name="村儿童主任", role="village")
    director.set_place(rec.place)
    child = archive.create(
        Child(
            name=name,
            gender="M" if int(number[16]) % 2 else "F",
            birth_date=ric.get_birth_date(number),
            id_number=number,
            address=address,
            categories=["left_behind"],
            guardianship="both_away",
        ),
        director,
        rec.place,
    )
    att = attachments.store(child, f"photo-{rec.name}.png", PNG + file_mark(rec), director)
    return child, att


def _child_info(name: str) -> ChildInfo:
    return ChildInfo(
        name=name, gender="M", age=9, guardian_name="马大山", guardian_phone="13900000000"
    )


def _case_records(app, docs: dict) -> None:
    """个案处置 records made as the app makes them: a case opened by a clerk of its township
    (serious, so it tops the home page's to-dos), the three forms filled in there (the
    report anonymous, the referral's feedback overdue) and the receiving units."""
    workers = {}
    for rec in CASE_RECORDS:
        key = rec.name.split("_", 1)[1]
        if rec.endpoint == "cases":
            workers[rec.place] = make_user(f"worker_{key}", "station", rec.place)
            case = cases.open_case(
                workers[rec.place],
                channel="hotline",
                child_info=_child_info(rec.labels[0]),
                reported_at=clock.now() - timedelta(hours=2),
                summary=rec.labels[2],
                serious_harm=True,
            )
            assert case.number == rec.labels[1]
            docs[rec.name] = case
            continue
        if rec.endpoint == "mandatory_reports":
            with app.app_context():
                doc = MandatoryReport(
                    reporter_public=False,
                    reporter_name_enc=encrypt(rec.labels[1]),
                    reporter_contact_enc=encrypt(rec.labels[2]),
                    reporter_identity="community",
                    report_method="phone",
                    reported_at=clock.now() - timedelta(hours=3),
                    scene=rec.labels[3],
                    account="邻居听到哭喊",
                )
        elif rec.endpoint == "help_requests":
            doc = HelpRequest(location=rec.labels[0], account=rec.labels[2])
        elif rec.endpoint == "referrals":
            doc = Referral(
                referred_on=clock.today() - timedelta(days=20),
                reason=rec.labels[2],
                unit_name=rec.labels[0],
                status="sent",
                feedback_due=clock.today() - timedelta(days=10),
                status_log=[{"at": clock.now(), "by": "seed", "status": "sent", "note": "转介"}],
            )
        else:
            doc = ReceivingUnit(name=rec.labels[0], kind="police", address=rec.labels[1])
        if rec.endpoint in FORMS:
            doc.child_info = _child_info(child_name(rec))
            doc.filled_by, doc.filled_on = "李娟", clock.today()
        doc.set_place(rec.place)
        doc.save()
        docs[rec.name] = doc


def _work_record(rec: Rec):
    """A work record of the 未保站 of its township, as a clerk there would have kept it."""
    reached = PUBLICITY_REACHED.get(rec.name.rsplit("_", 1)[1], 5)
    doc = RECORD_MODELS[rec.endpoint](
        **record_values(rec.endpoint, rec.labels, reached), created_by="seed", updated_by="seed"
    )
    doc.set_place(rec.place)
    doc.save()
    return doc


def build_world(app) -> dict:
    _add_extra_places()
    docs = {}
    for rec in RECORDS:
        if rec.endpoint == "stations":
            docs[rec.name] = make_station(
                rec.place,
                address=rec.labels[1],
                setup_mode="standalone",
                build_status="built",  # built, so the province may record 验收
                build_year=2024,
            )
        elif rec.endpoint == "allocations":
            a = make_allocation(rec.place, 5)  # the edits and imports split it 3 + 2
            a.note = rec.labels[0]
            a.save()
            docs[rec.name] = a
        elif rec.endpoint == "users":
            docs[rec.name] = _user(rec, "county" if rec.place == YUANZHOU else "station")
        elif rec.endpoint == "places":
            docs[rec.name] = Place.objects.get(pk=rec.place)
        elif rec.endpoint == "children":
            docs[rec.name], docs[f"{rec.name}.photo"] = _child(rec)
            docs[f"{rec.name}.id_number"] = IdNumberIndex.objects.get(pk=rec.labels[1])
        elif rec.endpoint == "audit":
            docs[rec.name] = _audit(rec)
        elif rec.endpoint in RECORD_EPS:
            docs[rec.name] = _work_record(rec)
        elif rec.endpoint == "public_reports":
            doc = PublicReport(
                channel="hotline",
                sent_at=clock.now() - timedelta(hours=1),
                due=clock.now() + timedelta(hours=23),
                child_name=rec.labels[0],
                what=rec.labels[1],
                where="村口",
                created_by="seed",
            )
            doc.set_place(rec.place)
            doc.save()
            docs[rec.name] = doc
    _case_records(app, docs)
    # What the archive keeps beside the children collection (compared like the records).
    for township in {Place.path_of(r.place)[3] for r in RECORDS if r.endpoint == "children"}:
        docs[f"roster.{township}"] = Roster.objects.get(pk=township)
    return docs


# The world as first built (through the domain code), kept to lay it down again as it was
# for every later test: {"collections": name -> stored documents, "docs": key -> (class,
# stored record)}. Building it takes longer than the test that uses it.
_WORLD: dict = {}


class World(Mapping):
    """The world's records by key, each loaded from its stored record when first used."""

    def __init__(self, stored: dict[str, tuple[type, dict]]):
        self._stored, self._docs = stored, {}

    def __getitem__(self, key):
        if key not in self._docs:
            model, son = self._stored[key]
            self._docs[key] = model._from_son(deepcopy(son))
        return self._docs[key]

    def __iter__(self):
        return iter(self._stored)

    def __len__(self):
        return len(self._stored)

    def model(self, key) -> type:
        return self._stored[key][0]

    def pk(self, key):
        return self._stored[key][1]["_id"]

    def laid_down(self) -> dict[str, dict]:
        """What `snapshot` reads before any request: the records as the fixture stored them
        (the places, made anew for every test by conftest, as they are now)."""
        places = [key for key, (model, _) in self._stored.items() if model is Place]
        return {
            **{key: son for key, (model, son) in self._stored.items() if model is not Place},
            **snapshot(self, places),
        }


@pytest.fixture
def world(app):
    db = mongoengine.get_db()
    if not _WORLD:
        docs = build_world(app)
        _WORLD["collections"] = {
            name: list(db[name].find()) for name in db.list_collection_names() if name != "places"
        }
        _WORLD["docs"] = {name: (type(doc), raw(doc)) for name, doc in docs.items()}
    else:
        _add_extra_places()
        for name, stored in _WORLD["collections"].items():
            if stored:
                db[name].insert_many([dict(d) for d in stored])
    return World(_WORLD["docs"])


def raw(doc) -> dict | None:
    """The record as stored right now (None once deleted)."""
    return type(doc)._get_collection().find_one({"_id": doc.pk})


def snapshot(world, names=None) -> dict[str, dict | None]:
    """The records as stored right now (one query per collection)."""
    by_collection: dict[type, list[str]] = {}
    for name in names or world:
        by_collection.setdefault(world.model(name), []).append(name)
    out = {}
    for model, keys in by_collection.items():
        pks = [world.pk(k) for k in keys]
        stored = {d["_id"]: d for d in model._get_collection().find({"_id": {"$in": pks}})}
        out.update({k: stored.get(world.pk(k)) for k in keys})
    return out


def assert_unchanged(world, before: dict[str, dict], names=None) -> None:
    """Every record still exists with the same version and the same fields."""
    current = snapshot(world, names)
    for name in names or world:
        now = current[name]
        assert now is not None, f"{name} was deleted"
        assert now.get("version") == before[name].get("version"), f"{name}: version changed"
        assert now == before[name], f"{name} changed"


_SESSIONS: dict[str, tuple[dict, str]] = {}  # role -> (the user as stored, its session cookie)


def sign_in(app, role, **kw):
    """A client logged in as `u_<role>`, a user of that role placed as in ROLE_PLACES.

    Argon2 makes one log-in cost about half a second, so each role logs in for real once
    (through /login); later tests store the very same user again (same id, hash and session
    nonce, so load_user accepts it) and reuse that session cookie.
    """
    if role in _SESSIONS and not kw:
        stored, cookie = _SESSIONS[role]
        User._get_collection().insert_one(dict(stored))
        client = app.test_client()
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return client
    user = make_user(f"u_{role}", role, ROLE_PLACES[role], **kw)
    client = login_as(app, user)
    if not kw:
        cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
        _SESSIONS[role] = (User._get_collection().find_one({"_id": user.pk}), cookie)
    return client


# --------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------
CSV_HEADER = "县区代码,县（区）,2023年建设任务,2024年建设任务,备注\n"


def edit_data(ep: str, doc, role: str) -> dict:
    """A valid, changed edit form (so only the scope can stop it)."""
    v = str(getattr(doc, "version", None) or 0)  # audit entries have no version
    if ep == "stations":
        return {
            "row_version": v,
            "setup_mode": "dual",
            "build_status": doc.build_status,
            "build_year": str(doc.build_year or ""),
            "phone": "0951-9999999",
            "address": "EDITED",
        }
    if ep == "allocations":
        return {
            "row_version": v,
            "plan_total": str(doc.plan_total),
            "target_2023": "3",
            "target_2024": "2",
            "note": "EDITED",
        }
    if ep == "places":
        return {"row_version": v, "code": doc.code, "name": doc.name + "改"}
    if ep == "users":
        # The target place is one the editor may choose: pull the record into my scope.
        key, user_role = (
            (doc.place, doc.role) if ROLE_PLACES[role] in doc.place_path else (XINGQING, "county")
        )
        return {
            "row_version": v,
            "username": doc.username,
            "display_name": "EDITED",
            "role": user_role,
            "place_key": key,
            "phone": "",
            "active": "y",
        }
    if ep == "children":
        # The record's own village: moving it is the transfer route's business, and a
        # foreign village would be refused by the archive's rules before the scope mattered.
        return {
            "row_version": v,
            "village": doc.place,
            "name": doc.name,
            "gender": doc.gender,
            "id_number": doc.id_number,
            "no_id_reason": "",
            "birth_date": doc.birth_date.isoformat(),
            "ethnicity": "回族",
            "hukou_status": "local",
            "address": "EDITED",
            "school_status": "in_school",
            "disability_kind": "none",
            "categories": ["left_behind"],
            "guardianship": "both_away",
            "risk_level": "medium",
            "visit_frequency": "monthly",
            "status": "active",
            "guardians-0-name": "马大山",
            "guardians-0-relation": "father",
            "guardians-0-phone": "13912345678",
            "guardians-0-situation": "migrant_work",
            "guardians-0-is_guardian": "y",
        }
    if ep in FORMS:
        return {"row_version": v, **form_fields(ep, doc)}
    if ep in RECORD_EPS:
        values = {name: getattr(doc, name, None) for name in doc._fields}
        return {"row_version": v, **record_form(ep, values), RECORD_EDITED[ep]: "EDITED"}
    if ep == "receiving_units":
        return {
            "row_version": v,
            "name": doc.name,
            "kind": doc.kind,
            "address": "EDITED",
            "contact_name": "",
            "contact_phone": "",
            "active": "y",
        }
    return {"row_version": v, "actor": "EDITED", "detail": "EDITED"}


def local_minute(value: datetime, fmt: str = "%Y-%m-%d %H:%M:%S") -> str:
    """A stored (UTC) time as a form takes it: Ningxia time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(clock.TZ).strftime(fmt)


def form_fields(ep: str, doc) -> dict:
    """A valid form of 附件5/6/7 with the record's child and a changed text."""
    info = doc.child_info
    common = {
        "child_info-name": info.name,
        "child_info-gender": info.gender,
        "child_info-age": str(info.age),
        "child_info-guardian_name": info.guardian_name,
        "child_info-guardian_phone": info.guardian_phone,
        "filled_by": doc.filled_by,
        "filled_on": doc.filled_on.isoformat(),
    }
    if ep == "mandatory_reports":
        rec = next(r for r in RECORDS if r.endpoint == ep and r.labels[0] == info.name)
        return {
            **common,
            # reporter_public left out: the report stays anonymous. The name and contact
            # are on the form only for the roles that see them (ignored for the others).
            "reporter_name": rec.labels[1],
            "reporter_contact": rec.labels[2],
            "reporter_identity": doc.reporter_identity,
            "report_method": doc.report_method,
            "reported_at": local_minute(doc.reported_at),
            "scene": doc.scene,
            "account": "EDITED",
        }
    if ep == "help_requests":
        return {**common, "location": doc.location, "account": "EDITED"}
    return {
        **common,
        "referred_on": doc.referred_on.isoformat(),
        "reason": "EDITED",
        "unit": "",
        "unit_name": doc.unit_name,
    }


def transfer_target(place: str) -> str:
    """Where a transfer tries to move a child: a village inside every transferring role's
    place (掌政镇) other than its own. For an outside child that is "into my place"."""
    return ZHANGZHENG_VILLAGE if place == CHUNLIN else CHUNLIN


def upload(content: bytes = PNG + b"MARK-NEW-UPLOAD"):
    return (io.BytesIO(content), "new.png")


def import_file(place: str, rows=None):
    info = Place.info(place)
    body = CSV_HEADER + "".join(rows or [f"{info['code']},{info['name']},3,2,IMPORTED\n"])
    return (io.BytesIO(body.encode("utf-8")), "alloc.csv")


def form_for(route: Route, ep: str, doc, role: str):
    pk = str(doc.pk)
    return {
        "edit": lambda: edit_data(ep, doc, role),
        "delete": lambda: {"id": pk},
        "action_delete": lambda: {"action": "delete", "rowid": pk},
        "action_unlock": lambda: {"action": "unlock", "rowid": pk},
        "ajax_update": lambda: {"list_form_pk": pk, "name": "EDITED", "note": "EDITED"},
        "import": lambda: {"file": import_file(doc.place)},
        "review": lambda: {"id": pk, "note": "EDITED"},
        "transfer": lambda: {
            "id": pk,
            "to_code": transfer_target(doc.place),
            "reason": "随父母搬迁",
        },
        "attach": lambda: {"id": pk, "note": "EDITED", "file": upload()},
        "advance": lambda: {"id": pk, "to": "classified", "klass": "report", "note": "EDITED"},
        "first_visit": lambda: {
            "id": pk,
            "at": (clock.local_now() - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M"),
            "note": "EDITED",
        },
        "conference": lambda: {
            "id": pk,
            "held_on": clock.today().isoformat(),
            "parties": ["police", "education"],
            "people": "EDITED",
            "decisions": "EDITED",
            "escalated": "y",
        },
        "status": lambda: {"id": pk, "status": "received", "note": "EDITED"},
        "accept": lambda: {
            "id": pk,
            "acceptance_date": (clock.today() - timedelta(days=1)).isoformat(),
            "acceptance_result": "passed",
            "acceptance_note": "EDITED",
        },
        "public_accept": lambda: {"id": pk, "serious": "1"},
        "public_reject": lambda: {"id": pk, "reason": "other", "note": "EDITED"},
        None: lambda: None,
    }[route.form]()


def call(client, route: Route, ep: str, id: str, term: str = "", data=None, area: str = ""):
    url = route.path.format(ep=ep, id=quote(id, safe=""), term=quote(term, safe=""))
    if area:
        url += ("&" if "?" in url else "?") + f"area={area}"
    if route.method == "GET":
        return client.get(url)
    return client.post(
        url, data=data, content_type="multipart/form-data" if route.form in MULTIPART else None
    )


def request_record(client, route: Route, rec: Rec, doc, role: str):
    # The attachment route takes the attachment's id, not the archive's.
    id = doc.photo_ids[0] if route.name == "attachment" else str(doc.pk)
    # A city or the province lists children one area at a time: ask for the record's own
    # township, a guessed area when the record lies outside their place.
    area = ""
    if (
        rec.endpoint == "children"
        and role in ("city", "province")
        and route.method == "GET"
        and "{id}" not in route.path
    ):
        area = doc.place_path[3]
    return call(
        client,
        route,
        rec.endpoint,
        id,
        rec.search,
        form_for(route, rec.endpoint, doc, role),
        area=area,
    )


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def body_text(resp) -> str:
    """What a response shows: the page, the CSV, or every cell of an .xlsx file."""
    data = resp.get_data()
    if resp.mimetype == DOCX:  # a Word form: the text of its table cells and paragraphs
        doc = Docx(io.BytesIO(data))
        cells = [cell.text for t in doc.tables for row in t.rows for cell in row.cells]
        return "\n".join(cells + [p.text for p in doc.paragraphs])
    if data[:2] == b"PK":  # an .xlsx file is a zip
        wb = load_workbook(io.BytesIO(data), read_only=True)
        cells = [
            str(c)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        ]
        wb.close()
        return "\n".join(cells)
    text = data.decode("utf-8-sig")
    if resp.mimetype == "text/csv":
        return "\n".join(",".join(row) for row in csv.reader(io.StringIO(text)))
    return text


def side_counts() -> dict[str, int]:
    """Documents an archive route could add beside the records (files, traces, visit books)."""
    return {
        model.__name__: model.objects.count()
        for model in (Child, Attachment, TransferTrace, VisitBook, IdNumberIndex, Dossier)
    }


def assert_hidden(resp, rec: Rec, doc) -> None:
    text = body_text(resp)
    for label in (*rec.labels, str(doc.pk)):
        assert label not in text, f"{rec.name} leaked: {label!r} in the response"


def assert_listed_or_hidden(resp, rec: Rec, doc, role: str) -> None:
    """A list or export outside the place: the record is absent, unless the view lists it
    from above (LISTS_ABOVE) — then it is there, and only there."""
    if rec.listed(role):
        assert_shown(resp, rec)
    else:
        assert_hidden(resp, rec, doc)


def assert_shown(resp, rec: Rec) -> None:
    assert rec.labels[0] in body_text(resp), f"{rec.name} missing: {rec.labels[0]!r}"


def redirects_to(resp, path: str) -> bool:
    return resp.status_code == 302 and urlsplit(resp.headers["Location"]).path == path


# --------------------------------------------------------------------------------------
# 1. Outside records: nothing shown, nothing changed, by any route
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("role", "rec", "route"), OUTSIDE_CASES)
def test_outside_record_is_out_of_reach(app, world, role, rec, route):
    client = sign_in(app, role)
    policy = POLICY[rec.endpoint]
    doc = world[rec.name]
    before, counts = world.laid_down(), side_counts()

    resp = request_record(client, route, rec, doc, role)

    if route.name in READ_PAGES:
        assert resp.status_code == 200
        assert_listed_or_hidden(resp, rec, doc, role)
    elif route.name in FILES:
        assert resp.status_code == 404
        assert file_mark(rec) not in resp.get_data()
    elif route.name in DOWNLOADS:
        assert resp.status_code == 404, resp.status_code
        assert_hidden(resp, rec, doc)
    elif route.name in NOT_FOUND_REDIRECTS:
        assert redirects_to(resp, f"/{rec.endpoint}/"), resp.status_code
        assert_hidden(resp, rec, doc)
    elif route.name in EXPORTS:
        if route.name == "download" or policy.export:
            assert resp.status_code == 200
            assert_listed_or_hidden(resp, rec, doc, role)
        else:
            assert redirects_to(resp, f"/{rec.endpoint}/")
    elif route.name in CLOSED:
        assert resp.status_code == 404
    elif route.name == "import" and role in policy.edit:
        assert resp.status_code == 200
        assert "import-errors" in resp.get_data(as_text=True)
        assert "不在您的管辖范围内" in resp.get_data(as_text=True)
    elif route.name in NOT_FOUND_WRITES:  # a record's own writes: "not found", to the list
        assert redirects_to(resp, f"/{rec.endpoint}/"), (resp.status_code, resp.location)
        assert_hidden(resp, rec, doc)
    else:  # a write: bounced back to the list
        assert resp.status_code == 302, resp.status_code
    assert_unchanged(world, before)
    assert side_counts() == counts


# --------------------------------------------------------------------------------------
# 2. Positive controls: inside records, the same routes, as far as the role may go
# --------------------------------------------------------------------------------------


def expect_written(rec: Rec, route: Route, doc, before: dict) -> None:
    now = raw(doc)
    if route.name in ("delete", "action_delete"):
        assert now is None, f"{rec.name} was not deleted"
        return
    assert now is not None
    if route.name == "action_unlock":
        assert now.get("locked_until") is None
        return
    if route.name == "attach":  # a file added beside the archive, which is not re-versioned
        assert len(now["photo_ids"]) == len(before["photo_ids"]) + 1, "no attachment added"
        assert Attachment.objects(child=str(doc.pk)).count() == 2
        return
    if route.name == "conference":  # pushed beside the case, which is not re-versioned
        assert len(now.get("conferences", [])) == len(before.get("conferences", [])) + 1
        assert now["conferences"][-1]["decisions"] == "EDITED"
        return
    assert now["version"] == before["version"] + 1, "version not bumped"
    if route.name == "review":
        assert (before["review_status"], now["review_status"]) == ("pending", "reviewed")
        return
    if route.name == "transfer":
        target = transfer_target(before["place"])
        assert (now["place"], now["place_path"]) == (target, PATHS[target]), "not moved"
        return
    if route.name == "advance":
        assert (before["step"], now["step"]) == ("intake", "classified")
        assert now["klass"] == "report"
        return
    if route.name == "first_visit":
        assert before.get("first_visit_at") is None and now["first_visit_at"] is not None
        return
    if route.name == "status":
        assert (before["status"], now["status"]) == ("sent", "received")
        return
    if route.name == "public_accept":  # its 附件6 and its case, in its own township
        assert (before["status"], now["status"]) == ("new", "accepted")
        case = Case.objects.get(pk=now["case"])
        assert case.place == rec.place and case.reported_at == before["sent_at"]
        return
    if route.name == "public_reject":
        assert (before["status"], now["status"]) == ("new", "rejected")
        assert now["reject_note"] == "EDITED"
        return
    if route.name == "accept":
        assert before.get("acceptance_result") is None and now["acceptance_result"] == "passed"
        assert now["acceptance_note"] == "EDITED" and now["address"] == before["address"]
        return
    field = {
        "stations": "address",
        "allocations": "note",
        "places": "name",
        "users": "display_name",
        "children": "address",
        "mandatory_reports": "account",
        "help_requests": "account",
        "referrals": "reason",
        "receiving_units": "address",
        **RECORD_EDITED,
    }[rec.endpoint]
    if route.name == "import":
        assert now["target_2023"] == 3 and now["note"] == "IMPORTED"
    else:
        assert now[field] != before[field]


def may_write(policy: ViewPolicy, route: Route, role: str, doc=None) -> bool:
    if route.name in ("delete", "action_delete"):
        return role in policy.delete
    if route.name == "action_unlock":
        return True  # any user of the view may unlock accounts inside its place
    if route.name == "review":
        return role in REVIEWERS and doc.review_status == "pending"
    if route.name == "transfer":
        return role in TRANSFERRERS  # the target is inside every transferring role's place
    if route.name in CASE_STEPS:
        return role in CASE_WORKERS  # supervisors read a case; the 未保站 works it
    if route.name == "accept":
        return role in ACCEPTORS
    if route.name in ("public_accept", "public_reject"):
        return role in PUBLIC_DECIDERS
    return role in policy.edit  # edits, and a referral's status


@pytest.mark.parametrize(("role", "rec", "route"), INSIDE_CASES)
def test_inside_record_is_reachable(app, world, role, rec, route):
    client = sign_in(app, role)
    policy = POLICY[rec.endpoint]
    doc = world[rec.name]
    before, counts = world.laid_down(), side_counts()

    resp = request_record(client, route, rec, doc, role)

    if route.name in READ_PAGES:
        assert resp.status_code == 200
        assert_shown(resp, rec)
    elif route.name == "details":
        if policy.details:
            assert resp.status_code == 200
            assert_shown(resp, rec)
        else:
            assert redirects_to(resp, f"/{rec.endpoint}/")
    elif route.name == "edit_get":
        if role in policy.edit:
            assert resp.status_code == 200
            assert 'name="row_version"' in resp.get_data(as_text=True)
        else:
            assert redirects_to(resp, f"/{rec.endpoint}/")
    elif route.name in EXPORTS:
        if route.name == "download" or policy.export:
            assert resp.status_code == 200
            assert_shown(resp, rec)
        else:
            assert redirects_to(resp, f"/{rec.endpoint}/")
    elif route.name in CLOSED:
        assert resp.status_code == 404
    elif route.name in FILES:  # every role that opens the archive sees its files
        assert resp.status_code == 200
        assert file_mark(rec) in resp.get_data()
    elif route.name == "dossier":  # only an archived case has one (see section 12)
        assert resp.status_code == 404, resp.status_code
    elif route.name in DOWNLOADS:  # every role that opens the form downloads it
        assert resp.status_code == 200 and resp.mimetype == DOCX, resp.status_code
        assert_shown(resp, rec)
    elif may_write(policy, route, role, doc):
        assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
        expect_written(rec, route, doc, before[rec.name])
        assert_unchanged(world, before, others_of(world, rec))  # and nothing else of its kind
        return
    else:
        assert resp.status_code == 302
    assert_unchanged(world, before)
    assert side_counts() == counts


def others_of(world, rec: Rec) -> list[str]:
    """The other records of the same kind, with what is kept beside them (files, index
    entries) and the rosters of other townships."""
    others = {r.name for r in RECORDS if r.endpoint == rec.endpoint and r is not rec}
    names = [n for n in world if n.split(".")[0] in others]
    if rec.endpoint == "children":
        names += [
            n for n in world if n.startswith("roster.") and n != f"roster.{PATHS[rec.place][3]}"
        ]
    return names


# --------------------------------------------------------------------------------------
# 3. Guessed ids: a random ObjectId, a path, 5,000 characters
# --------------------------------------------------------------------------------------
# The work records share one view class: publicity stands for all seven.
GUESS_ROLES = {
    ep: ("province", policy.open[-1])
    for ep, policy in POLICY.items()
    if ep not in RECORD_EPS or ep == "publicity"
}


@pytest.mark.parametrize("bad_id", BAD_IDS.values(), ids=BAD_IDS.keys())
@pytest.mark.parametrize(
    ("role", "ep", "route"),
    [
        pytest.param(role, ep, ROUTES_BY_NAME[r], id=f"{role}-{ep}-{r}")
        for ep, roles in GUESS_ROLES.items()
        for role in roles
        for r in ID_ROUTES
        if ROUTES_BY_NAME[r].applies_to(ep)
    ],
)
def test_guessed_id_finds_nothing(app, world, role, ep, route, bad_id):
    client = sign_in(app, role)
    before = world.laid_down()
    data = {
        "edit": {"row_version": "0", "name": "EDITED"},
        "delete": {"id": bad_id},
        "action_delete": {"action": "delete", "rowid": bad_id},
        "action_unlock": {"action": "unlock", "rowid": bad_id},
        "ajax_update": {"list_form_pk": bad_id, "name": "EDITED"},
        "review": {"id": bad_id},
        "transfer": {"id": bad_id, "to_code": CHUNLIN, "reason": "随父母搬迁"},
        "attach": {"id": bad_id, "file": upload()},
        "advance": {"id": bad_id, "to": "classified", "klass": "report"},
        "first_visit": {"id": bad_id, "at": "2020-01-01T08:00"},
        "conference": {"id": bad_id, "held_on": "2020-01-01", "decisions": "EDITED"},
        "status": {"id": bad_id, "status": "received"},
        "accept": {"id": bad_id, "acceptance_date": "2025-01-01", "acceptance_result": "passed"},
        "public_accept": {"id": bad_id, "serious": "1"},
        "public_reject": {"id": bad_id, "reason": "spam"},
        None: None,
    }[route.form]

    resp = call(client, route, ep, bad_id, data=data)

    expected = 404 if route.name in CLOSED | FILES | DOWNLOADS else 302
    assert resp.status_code == expected
    if route.name in NOT_FOUND_REDIRECTS:
        assert redirects_to(resp, f"/{ep}/")
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 4. Creating: never in a place outside; the form does not even offer one
# --------------------------------------------------------------------------------------


def create_data(ep: str, place: str, username: str) -> dict:
    """A valid create form for a record in `place` (views that create nothing get the same)."""
    if ep == "stations":
        return {"township": place, "setup_mode": "standalone", "build_status": "planned"}
    if ep == "users":
        return {
            "username": username,
            "display_name": "新账号",
            "role": "station",
            "place_key": place,
            "password": "Newpass@2026x",
            "active": "y",
        }
    if ep == "children":
        birth = when.born(14, 10).isoformat()
        number = id_number("640104", birth, "665")
        return {
            "village": place,
            "name": username,
            "gender": "M",
            "id_number": number,
            "no_id_reason": "",
            "birth_date": birth,
            "ethnicity": "汉族",
            "hukou_status": "local",
            "school_status": "in_school",
            "disability_kind": "none",
            "categories": ["left_behind"],
            "guardianship": "both_away",
            "risk_level": "low",
            "visit_frequency": "quarterly",
            "status": "active",
        }
    now = local_minute(clock.now() - timedelta(hours=1))
    today = clock.today().isoformat()
    if ep == "cases":
        return {
            "channel": "hotline",
            "child_info-name": username,
            "child_info-age": "8",
            "summary": "CREATED",
            "reported_at": now,
        }
    if ep == "mandatory_reports":  # anonymous (reporter_public left out)
        return {
            "reporter_name": "新报告人",
            "reporter_contact": "13800001111",
            "reporter_identity": "community",
            "report_method": "phone",
            "reported_at": now,
            "child_info-name": username,
            "account": "CREATED",
            "filled_on": today,
        }
    if ep == "help_requests":
        return {"child_info-name": username, "location": "村东头", "account": "CREATED"}
    if ep == "referrals":
        return {
            "case": "",
            "referred_on": today,
            "child_info-name": username,
            "reason": "CREATED",
            "unit": "",
            "unit_name": "新单位",
        }
    if ep == "receiving_units":
        return {"name": username, "kind": "police", "address": "CREATED", "active": "y"}
    if ep in RECORD_EPS:
        return record_form(ep, record_values(ep, (username, "CREATED", "CREATED")))
    return {
        "plan_total": "5",
        "code": "640402102000",
        "name": "新乡",
        "actor": "CREATED",
        "place": place,
    }


def record_counts() -> dict[str, int]:
    """Records per model (audit entries: only the ones a create form could have made)."""
    counts = {ep: p.model.objects.count() for ep, p in POLICY.items() if ep != "audit"}
    counts["audit"] = AuditEntry.objects(actor="CREATED").count()
    return counts


CREATE_TARGETS = {  # endpoint -> (a place outside every scoped role, a place inside the county)
    "stations": (FREE_OUTSIDE, FREE_INSIDE),
    "users": (SANYING, ZHANGZHENG),
    "allocations": (YUANZHOU, XINGQING),
    "places": (FREE_OUTSIDE, FREE_INSIDE),
    "audit": (YUANZHOU, XINGQING),
    "children": (SANYING_VILLAGE, CHUNLIN),
}


@pytest.mark.parametrize(
    ("role", "ep"),
    [
        (r, ep)
        for ep, p in POLICY.items()
        for r in SCOPED_ROLES
        if r in p.open and ep not in PLACE_FROM_USER
    ],
)
def test_create_outside_place_is_refused(app, world, role, ep):
    client = sign_in(app, role)
    outside, _ = CREATE_TARGETS[ep]
    counts, before = record_counts(), snapshot(world)

    form = client.get(f"/{ep}/new/")
    resp = client.post(f"/{ep}/new/", data=create_data(ep, outside, "new_outsider"))

    assert resp.status_code in (200, 302)  # the form again with an error, or bounced
    assert record_counts() == counts
    assert_unchanged(world, before)
    if role in POLICY[ep].create:
        assert form.status_code == 200
        page = form.get_data(as_text=True)
        assert f'value="{outside}"' not in page, "an outside place is offered"
        assert Place.name_of(outside) not in page, "an outside place is offered"
    else:
        assert redirects_to(form, f"/{ep}/")


@pytest.mark.parametrize(("role", "ep"), [(r, ep) for ep, p in POLICY.items() for r in p.open])
def test_create_inside_place(app, world, role, ep):
    """Positive control: a role allowed to create does so inside its place; others cannot."""
    client = sign_in(app, role)
    # A record of PLACE_FROM_USER takes the user's own place (its form names none).
    _, inside = CREATE_TARGETS.get(ep, (None, ROLE_PLACES[role]))
    counts = record_counts()

    form = client.get(f"/{ep}/new/")
    resp = client.post(f"/{ep}/new/", data=create_data(ep, inside, "new_insider"))

    if role in POLICY[ep].create:
        assert form.status_code == 200
        assert ep in PLACE_FROM_USER or f'value="{inside}"' in form.get_data(as_text=True)
        assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
        assert record_counts() == {**counts, ep: counts[ep] + 1}
        new = POLICY[ep].model.objects(place=inside).order_by("-created_at").first()
        assert ROLE_PLACES[role] in new.place_path
        assert ep not in PLACE_FROM_USER or new.created_by == f"u_{role}"
    else:
        assert redirects_to(form, f"/{ep}/") and redirects_to(resp, f"/{ep}/")
        assert record_counts() == counts


def newest(ep: str):
    return POLICY[ep].model.objects.order_by("-created_at").first()


def outside_labels(role: str) -> list[str]:
    """What betrays a 个案处置 record the role may not see (nor pick in a form)."""
    return [label for r in CASE_RECORDS if not r.listed(role) for label in r.labels]


@pytest.mark.parametrize(
    ("role", "ep"),
    [(r, ep) for ep in CASE_EPS + RECORD_EPS for r in SCOPED_ROLES if r in POLICY[ep].open],
)
def test_case_record_is_created_only_in_the_users_place(app, world, role, ep):
    """The form offers no place, case or unit outside; a place smuggled into the post is
    ignored (the record takes the user's place); a referral to a case or a unit outside
    is refused."""
    client = sign_in(app, role)
    counts, before = record_counts(), snapshot(world)
    smuggled = {"place": SANYING, "place_path": PATHS[SANYING], "village": SANYING_VILLAGE}
    if ep == "workers":  # 服务村（居） is the form's own field: an outside one is refused
        refused = client.post(f"/{ep}/new/", data={**create_data(ep, SANYING, "x"), **smuggled})
        assert refused.status_code in (200, 302) and record_counts() == counts
        del smuggled["village"]

    form = client.get(f"/{ep}/new/")
    resp = client.post(f"/{ep}/new/", data={**create_data(ep, SANYING, "new_outsider"), **smuggled})

    assert_unchanged(world, before)
    if role not in POLICY[ep].create:
        assert redirects_to(form, f"/{ep}/") and redirects_to(resp, f"/{ep}/")
        assert record_counts() == counts
        return
    page = form.get_data(as_text=True)
    assert form.status_code == 200 and "三营镇" not in page
    for label in outside_labels(role):
        assert label not in page, f"{label!r} offered on the form"
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    assert record_counts() == {**counts, ep: counts[ep] + 1}
    new = newest(ep)
    assert (new.place, new.place_path) == (ROLE_PLACES[role], PATHS[ROLE_PLACES[role]])
    if ep != "referrals":
        return
    counts = record_counts()
    for key in ("sanying", "tonggui"):  # far away, next door: both outside the 未保站
        for link in (
            {"case": str(world[f"case_{key}"].pk)},
            {"unit": str(world[f"unit_{key}"].pk)},
        ):
            resp = client.post(f"/{ep}/new/", data={**create_data(ep, SANYING, "new_x"), **link})
            assert resp.status_code == 200, (link, resp.status_code)  # the form, with an error
            text = body_text(resp)
            for label in outside_labels(role):
                assert label not in text, f"{label!r} shown after linking {link}"
    assert record_counts() == counts
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 5. Edits cannot carry a record out of the scope
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["city", "county"])
def test_user_cannot_be_moved_out_of_scope(app, world, role):
    client = sign_in(app, role)
    doc = world["user_zhangzheng"]
    before = snapshot(world)
    data = {**edit_data("users", doc, role), "place_key": SANYING}
    resp = client.post(f"/users/edit/?id={doc.pk}", data=data)
    assert resp.status_code == 200  # the form comes back with an error
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 6. The allocation table's import: a file naming a county outside is refused whole
# --------------------------------------------------------------------------------------
IMPORT_FILES = {
    "by_code": [f"{YUANZHOU},,3,2,X\n"],
    "by_name": [",原州区,3,2,X\n"],
    "mixed_with_own_county": [f"{XINGQING},兴庆区,3,2,X\n", f"{YUANZHOU},原州区,3,2,X\n"],
}


@pytest.mark.parametrize("rows", IMPORT_FILES.values(), ids=IMPORT_FILES.keys())
@pytest.mark.parametrize("role", ["city", "county"])
def test_allocation_import_outside_county_refused(app, world, role, rows):
    client = sign_in(app, role)
    before = snapshot(world)
    resp = client.post(
        "/allocations/import/",
        data={"file": import_file(XINGQING, rows)},
        content_type="multipart/form-data",
    )
    if role in POLICY["allocations"].edit:
        assert resp.status_code == 200
        assert "不在您的管辖范围内" in resp.get_data(as_text=True)
    else:
        assert redirects_to(resp, "/allocations/")
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 7. Pages without a model: progress and home show only figures inside the place
# --------------------------------------------------------------------------------------


OUTSIDE_COUNTY_TEXTS = ("原州区", YUANZHOU, "三营镇")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_pages_show_only_the_place(app, world, role):
    client = sign_in(app, role)
    home = client.get("/")
    assert home.status_code == 200
    in_scope = [r for r in RECORDS if r.endpoint == "stations" and r.inside(role)]
    assert f'<h3 id="fig-stations">{len(in_scope)}</h3>' in home.get_data(as_text=True)
    progress = client.get("/progress/")
    if role not in PAGES["progress"]:
        assert progress.status_code == 403
        pages = [home]
    else:
        assert progress.status_code == 200
        assert f'data-key="{XINGQING}"' in progress.get_data(as_text=True)  # own county shown
        pages = [home, progress]
    for page in pages:
        text = page.get_data(as_text=True)
        if role == "province":  # positive control: the far county is there for the province
            assert page is home or f'data-key="{YUANZHOU}"' in text
        else:
            for leak in OUTSIDE_COUNTY_TEXTS:
                assert leak not in text, f"{leak!r} on {page.request.path}"
    # The to-dos: serious cases awaiting the first home visit, overdue referral feedback.
    for rec in CASE_RECORDS:
        if rec.endpoint not in ("cases", "referrals"):
            continue
        if rec.inside(role):
            assert_shown(home, rec)
        else:
            assert_hidden(home, rec, world[rec.name])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_figures_json_shows_only_the_place(app, world, role):
    """/api/figures.json (the home page's charts): the same figures, nothing from outside."""
    client = sign_in(app, role)
    resp = client.get("/api/figures.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    figures = resp.get_json()
    text = json.dumps(figures, ensure_ascii=False)  # jsonify escapes Chinese
    in_scope = [r for r in RECORDS if r.endpoint == "stations" and r.inside(role)]
    assert figures["stations"]["total"]["count"] == len(in_scope)
    assert figures["place"]["key"] == ROLE_PLACES[role]
    if role == "province":  # positive control: the far county is there for the province
        assert "原州区" in text
    else:
        for leak in OUTSIDE_COUNTY_TEXTS:
            assert leak not in text, f"{leak!r} in the figures"
    if role == "county":  # positive control: the county's townships side by side
        assert "通贵乡未成年人保护工作站" in text and "掌政镇未成年人保护工作站" in text
    for rec in RECORDS:
        if not rec.inside(role):
            assert_hidden_text(text, rec, world[rec.name])


def assert_hidden_text(text: str, rec: Rec, doc) -> None:
    for label in (*rec.labels, str(doc.pk)):
        assert label not in text, f"{rec.name} leaked: {label!r} in the response"


# --------------------------------------------------------------------------------------
# 8. Whole url_map: strangers go to the log-in page, other roles get 403, nothing uncovered
# --------------------------------------------------------------------------------------


def concrete_requests(app, prefix: str | None = None):
    """(method, url) for every rule (of one view when `prefix` is given)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        if prefix is not None and not rule.endpoint.startswith(prefix + "."):
            continue
        url = rule.rule.replace("<export_type>", "csv").replace("<kind>", "sign")
        assert "<" not in url, f"no sample value for {rule.rule}"
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule.endpoint, method, url


def _probe(client, method, url, world):
    some_id = str(world["station_zhangzheng"].pk)
    if method == "GET":
        return client.get(url, query_string={"id": some_id})
    return client.post(url, data={"id": some_id, "rowid": some_id, "action": "delete"})


def test_anonymous_is_sent_to_login_everywhere(app, world):
    client = app.test_client()
    before = snapshot(world)
    seen = []
    for endpoint, method, url in concrete_requests(app):
        resp = _probe(client, method, url, world)
        if endpoint in FIELD_API:  # the phone's page keeps its queue and asks for a log-in
            assert resp.status_code == 401 and resp.get_json()["login"] is True, url
        else:
            assert redirects_to(resp, "/login"), (endpoint, method, url, resp.status_code)
        seen.append(endpoint)
    assert {e.split(".")[0] for e in seen} >= set(POLICY) | set(PAGES)
    assert_unchanged(world, before)


@pytest.mark.parametrize(("role", "ep"), FORBIDDEN, ids=[f"{r}-{e}" for r, e in FORBIDDEN])
def test_role_without_the_view_gets_403(app, world, role, ep):
    client = sign_in(app, role)
    before = snapshot(world)
    probes = list(concrete_requests(app, ep))
    assert probes
    for endpoint, method, url in probes:
        resp = _probe(client, method, url, world)
        assert resp.status_code == 403, (endpoint, method, url, resp.status_code)
    assert_unchanged(world, before)


def test_pending_password_change_reaches_no_record(app, world):
    client = sign_in(app, "county", must_change=True)
    for endpoint, method, url in concrete_requests(app):
        if endpoint in NON_RECORD_ENDPOINTS:
            continue
        resp = _probe(client, method, url, world)
        assert redirects_to(resp, "/password"), (endpoint, method, url, resp.status_code)


def test_every_endpoint_is_in_the_matrix(app):
    covered = {f"{ep}.{r.view_endpoint}" for ep in POLICY for r in routes_for(ep)}
    covered |= {f"{ep}.create_view" for ep in POLICY}  # section 4
    covered |= {"progress.index", "admin.index", "admin.figures_json"}  # section 7
    covered |= VISIT_ENDPOINTS | CHILD_IMPORT_ENDPOINTS  # sections 10 and 11
    covered |= {f"{ep}.{e}" for ep in LIGHT_EPS for e in LIGHT_CLOSED}  # section 13
    covered |= REPORT_ENDPOINTS | BULLETIN_ENDPOINTS  # sections 14 and 15
    covered |= PUBLICITY_PHOTO_ENDPOINTS  # section 16
    covered |= HOLIDAY_ENDPOINTS  # section 17
    covered |= FIELD_ENDPOINTS  # section 18
    covered |= PUBLIC_ENDPOINTS_19  # section 19
    covered |= ASSESSMENT_ENDPOINTS  # section 20
    covered |= FUND_ENDPOINTS  # section 21
    covered |= SPOT_CHECK_ENDPOINTS  # section 22
    covered |= APPRAISAL_ENDPOINTS  # section 23
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    uncovered = endpoints - covered - NON_RECORD_ENDPOINTS
    assert not uncovered, f"add these endpoints to the scope matrix: {sorted(uncovered)}"
    assert covered <= endpoints, (
        f"matrix names endpoints that no longer exist: {covered - endpoints}"
    )


def test_policy_table_matches_the_views(app):
    """POLICY above is what the view classes say (a change must be made in both)."""
    (admin,) = app.extensions["admin"]
    views = {v.endpoint: v for v in admin._views}
    views[admin.index_view.endpoint] = admin.index_view
    assert set(views) == set(POLICY) | set(PAGES)
    for ep, p in POLICY.items():
        v = type(views[ep])
        create = v.edit_roles if v.create_roles is None else v.create_roles
        delete = v.edit_roles if v.delete_roles is None else v.delete_roles
        assert (set(v.roles), set(v.edit_roles), set(create), set(delete)) == (
            set(p.open),
            set(p.edit),
            set(p.create),
            set(p.delete),
        ), ep
        assert (v.can_view_details, v.can_export) == (p.details, p.export), ep
        assert views[ep].model is p.model
    for ep, roles in PAGES.items():
        assert set(type(views[ep]).roles) == set(roles), ep


# --------------------------------------------------------------------------------------
# 9. A refused id must not tell whether a record exists outside the place
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["city", "county"])
def test_refused_lookup_is_not_an_existence_oracle(app, world, role):
    """The user probes one real outside id and one random id, then reads their own audit log."""
    client = sign_in(app, role)
    real, fake = str(world["station_sanying"].pk), str(ObjectId())
    for id_ in (real, fake):
        assert redirects_to(client.get(f"/stations/details/?id={id_}"), "/stations/")
    log = client.get("/audit/export/csv/")
    assert log.status_code == 200
    text = body_text(log)
    assert (real in text) == (fake in text), "the audit log shows which guessed id exists outside"


# --------------------------------------------------------------------------------------
# 10. A child's visits (/visits/?child=<id>): the child is looked up through the scope
# --------------------------------------------------------------------------------------
VISIT_ENDPOINTS = {"visits.index", "visits.record", "visits.plan", "visits.add_plan"}
VISIT_RECORDERS = ARCHIVE_EDITORS


def visit_posts(child_id: str) -> dict[str, dict]:
    """A valid form for every POST of the visits page (so only the scope can stop it)."""
    today = clock.today()
    return {
        "/visits/record/": {
            "child": child_id,
            "visit-date": today.isoformat(),
            "visit-kind": "regular",
            "visit-visitors": "王主任",
            "visit-guardianship": "监护到位",
            "visit-study": "在校正常",
            "visit-risk_level": "high",
            "visit-risk_reason": "EDITED",
            "visit-next_visit": (today + timedelta(days=30)).isoformat(),
        },
        "/visits/plan/": {"child": child_id, "year-year": str(today.year), "year-start": ""},
        "/visits/add/": {
            "child": child_id,
            "plan-due": (today + timedelta(days=10)).isoformat(),
            "plan-kind": "ad_hoc",
            "plan-note": "EDITED",
        },
    }


CHILD_RECORDS = [r for r in RECORDS if r.endpoint == "children"]
VISIT_OUTSIDE = [
    pytest.param(role, rec, id=f"{role}-{rec}")
    for rec in CHILD_RECORDS
    for role in SCOPED_ROLES
    if not rec.inside(role)
]


@pytest.mark.parametrize(("role", "rec"), VISIT_OUTSIDE)
def test_visits_of_an_outside_child_show_and_change_nothing(app, world, role, rec):
    client = sign_in(app, role)
    doc = world[rec.name]
    before, counts = snapshot(world), side_counts()
    book_before = VisitBook._get_collection().find_one({"_id": str(doc.pk)})  # its first plan

    page = client.get(f"/visits/?child={doc.pk}")
    assert redirects_to(page, "/children/"), page.status_code
    assert_hidden(page, rec, doc)
    for url, data in visit_posts(str(doc.pk)).items():
        resp = client.post(url, data=data)
        assert redirects_to(resp, "/children/"), (url, resp.status_code)
        assert_hidden(resp, rec, doc)
    assert_unchanged(world, before)
    assert side_counts() == counts
    assert VisitBook._get_collection().find_one({"_id": str(doc.pk)}) == book_before


@pytest.mark.parametrize("role", ALL_ROLES)
def test_visits_of_an_inside_child(app, world, role):
    """Positive control: the page shows the child; the roles that record visits do so."""
    client = sign_in(app, role)
    rec = next(r for r in CHILD_RECORDS if r.name == "child_chunlin")
    doc = world[rec.name]
    before = snapshot(world)
    book_before = VisitBook._get_collection().find_one({"_id": str(doc.pk)})  # its first plan

    page = client.get(f"/visits/?child={doc.pk}")
    assert page.status_code == 200 and rec.labels[0] in page.get_data(as_text=True)
    for url, data in visit_posts(str(doc.pk)).items():
        resp = client.post(url, data=data)
        assert redirects_to(resp, "/visits/"), (url, resp.status_code)
    book = VisitBook._get_collection().find_one({"_id": str(doc.pk)})
    if role in VISIT_RECORDERS:
        assert book is not None and book["visits"] and book["plan"]
        assert book["place_path"] == PATHS[CHUNLIN]
        assert_unchanged(world, before, others_of(world, rec))
    else:
        assert book == book_before
        assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 11. 导入儿童台账: villages only inside, an upload only for the user who made it
# --------------------------------------------------------------------------------------
CHILD_IMPORT_ENDPOINTS = {
    "child_import.index",
    "child_import.template",
    "child_import.cancel",
    "child_import.confirm",
}
IMPORTED = ("童导入戊", id_number("640104", when.born(15, 150).isoformat(), "771"))


def ledger(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(TEMPLATE_HEADERS))
    for row in rows:
        ws.append([row.get(h, "") for h in TEMPLATE_HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ledger_row(name: str, number: str, village: str) -> dict:
    return {
        "姓名": name,
        "性别": "男" if int(number[16]) % 2 else "女",
        "身份证号码": number,
        "出生日期": ric.get_birth_date(number).isoformat(),
        "村（居）代码": village,
    }


def upload_ledger(client, rows: list[dict]):
    return client.post(
        "/child_import/",
        data={"file": (io.BytesIO(ledger(rows)), "台账.xlsx")},
        content_type="multipart/form-data",
    )


def token_of(resp) -> str | None:
    m = re.search(r'name="token" value="([^"]+)"', resp.get_data(as_text=True))
    return m.group(1) if m else None


@pytest.mark.parametrize("role", ARCHIVE_EDITORS)
def test_child_import_offers_and_takes_only_villages_inside(app, world, role):
    client = sign_in(app, role)
    before, counts = snapshot(world), side_counts()

    template = client.get("/child_import/template.xlsx")
    assert template.status_code == 200
    cells = body_text(template)
    assert CHUNLIN in cells  # positive control: the user's own village is offered
    for outside in (SANYING_VILLAGE, TONGXI) + ((ZHANGZHENG_VILLAGE,) if role == "village" else ()):
        assert outside not in cells and Place.name_of(outside) not in cells, outside

    name, number = IMPORTED
    resp = upload_ledger(client, [ledger_row(name, number, SANYING_VILLAGE)])
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "不在您的管辖范围内" in page
    assert token_of(resp) is None and uploads_collection().count_documents({}) == 0

    # An inside village with the 身份证 number of a child archived outside: refused, and
    # the page says nothing of that child.
    far = next(r for r in CHILD_RECORDS if r.name == "child_sanying")
    resp = upload_ledger(client, [ledger_row(name, far.labels[1], CHUNLIN)])
    assert resp.status_code == 200 and "已在其他地区建档" in resp.get_data(as_text=True)
    assert_hidden_except(resp, far, world[far.name], far.labels[1])
    assert token_of(resp) is None

    assert_unchanged(world, before)
    assert side_counts() == counts


def assert_hidden_except(resp, rec: Rec, doc, shown: str) -> None:
    """Like assert_hidden, for a page that legitimately repeats `shown` (the user's input)."""
    text = body_text(resp)
    for label in (*rec.labels, str(doc.pk)):
        if label != shown:
            assert label not in text, f"{rec.name} leaked: {label!r} in the response"


OTHER_IMPORTERS = {  # a second user who may import, but did not upload the file
    "social_worker": ("social_worker", None),
    "village": ("village", None),
    "station_same_place": ("station", ZHANGZHENG),
    "station_elsewhere": ("station", TONGGUI),
}


@pytest.mark.parametrize("other", OTHER_IMPORTERS)
def test_child_import_token_is_its_owners_alone(app, world, other):
    owner = sign_in(app, "station")
    name, number = IMPORTED
    resp = upload_ledger(owner, [ledger_row(name, number, CHUNLIN)])
    token = token_of(resp)
    assert token, resp.get_data(as_text=True)[-2000:]
    role, place = OTHER_IMPORTERS[other]
    thief = sign_in(app, role) if place is None else login_as(app, make_user(other, role, place))
    before, counts = snapshot(world), side_counts()
    stored = uploads_collection().find_one({"_id": token})

    for data in (
        {"token": token, "mode": "all"},
        {"token": token, "mode": "valid", "chunk": "1"},
    ):
        resp = thief.post("/child_import/confirm/", data=data)
        assert resp.status_code == 404, resp.status_code
        assert name not in resp.get_data(as_text=True)
    resp = thief.post("/child_import/cancel/", data={"token": token})
    assert "不存在、已完成或不属于您" in refusal(thief, resp)
    assert name not in thief.get("/child_import/").get_data(as_text=True)

    assert uploads_collection().find_one({"_id": token}) == stored  # neither used nor dropped
    assert_unchanged(world, before)
    assert side_counts() == counts
    # Positive control: the owner imports it, into the village of the file.
    resp = owner.post("/child_import/confirm/", data={"token": token, "mode": "all"})
    assert resp.status_code == 200, resp.get_data(as_text=True)[-2000:]
    assert Child.objects(name=name).get().place_path == PATHS[CHUNLIN]


# --------------------------------------------------------------------------------------
# 12. 个案处置: the anonymous reporter, what the referral form offers, the audit log, and
#     the archived case's dossier
# --------------------------------------------------------------------------------------
ANONYMOUS_SHOWN_ON = {"details", "word", "edit_get"}  # never in a list or an export


@pytest.mark.parametrize("role", CASE_ROLES)
def test_anonymous_reporter_is_shown_only_to_station_and_county(app, world, role):
    """Inside the place, an anonymous reporter's name and contact show only to
    ANONYMOUS_REPORTER_ROLES, only on the record itself (details, Word, edit form), and
    every showing is logged; the others see 匿名 everywhere, the audit log included."""
    assert set(ANONYMOUS_REPORTER_ROLES) == {"station", "county"}
    rec = next(r for r in CASE_RECORDS if r.name == "report_zhangzheng")
    doc, secrets = world[rec.name], rec.labels[1:3]
    sees = role in ANONYMOUS_REPORTER_ROLES
    # The 未保站 has edited the report through the form first (the audit log has its diff).
    station = sign_in(app, "station")
    edited = station.post(
        f"/mandatory_reports/edit/?id={doc.pk}", data=edit_data(rec.endpoint, doc, "station")
    )
    assert edited.status_code == 302, edited.get_data(as_text=True)[-2000:]
    assert raw(doc)["reporter_name_enc"] and raw(doc).get("reporter_name") is None
    client = station if role == "station" else sign_in(app, role)
    before = snapshot(world)
    views_before = reporter_views()

    pages = {
        "details": client.get(f"/mandatory_reports/details/?id={doc.pk}"),
        "word": client.get(f"/mandatory_reports/word/?id={doc.pk}"),
        "list": client.get("/mandatory_reports/"),
        "export_csv": client.get("/mandatory_reports/export/csv/"),
        "export_xlsx": client.get("/mandatory_reports/export/xlsx/"),
    }
    if role in POLICY[rec.endpoint].edit:
        pages["edit_get"] = client.get(f"/mandatory_reports/edit/?id={doc.pk}")
    for name, resp in pages.items():
        assert resp.status_code == 200, (name, resp.status_code)
        text = body_text(resp)
        assert rec.labels[0] in text, name  # positive control: the report is on the page
        shown = sees and name in ANONYMOUS_SHOWN_ON
        for secret in secrets:
            assert (secret in text) is shown, (name, secret, "shown" if not shown else "missing")
        if not shown:
            assert "匿名" in text, name
    assert reporter_views() - views_before == (len(set(pages) & ANONYMOUS_SHOWN_ON) if sees else 0)
    if role in POLICY["audit"].open:
        for export in ("csv", "xlsx"):
            log = body_text(client.get(f"/audit/export/{export}/"))
            assert "u_station" in log  # positive control: the edit is in the log
            for secret in secrets:
                assert secret not in log, f"{secret!r} in the audit log"
    assert_unchanged(world, before)


def reporter_views() -> int:
    """Logged showings of an anonymous reporter's identity."""
    return sum(
        1
        for e in AuditEntry.objects(action="view", target_type="mandatory_reports")
        if (e.detail or "").startswith("查看匿名报告人身份")
    )


@pytest.mark.parametrize("role", CASE_WORKERS)
def test_referral_form_offers_only_cases_and_units_it_may_use(app, world, role):
    """A new referral prefilled from a case (?case=): only from a case inside; the unit
    list: the units of the user's place and of the places above, nothing else."""
    client = sign_in(app, role)
    before, counts = snapshot(world), record_counts()
    for key in ("sanying", "tonggui"):
        rec = next(r for r in CASE_RECORDS if r.name == f"case_{key}")
        resp = client.get(f"/referrals/new/?case={world[rec.name].pk}")
        assert resp.status_code == 200
        assert_hidden(resp, rec, world[rec.name])
        assert 'value="案童' not in body_text(resp)  # no child prefilled
    own = client.get(f"/referrals/new/?case={world['case_zhangzheng'].pk}")
    edit = client.get(f"/referrals/edit/?id={world['referral_zhangzheng'].pk}")
    for page in (own, edit):
        text = body_text(page)
        assert page.status_code == 200
        assert "接收单位掌政" in text and "接收单位兴庆" in text  # own township's, county's
        for label in outside_labels(role):
            assert label not in text, f"{label!r} offered on {page.request.path}"
    assert "案童掌政" in body_text(own)  # positive control: the case's child, prefilled
    assert_unchanged(world, before)
    assert record_counts() == counts


@pytest.mark.parametrize("role", POLICY["audit"].open)
def test_audit_log_of_cases_shows_only_the_place(app, world, role):
    """Opening a case is logged (number and child) in the case's place, read only there."""
    client = sign_in(app, role)
    pages = [client.get("/audit/"), client.get("/audit/export/csv/")]
    for rec in CASE_RECORDS:
        if rec.endpoint != "cases":
            continue
        for page in pages:
            assert page.status_code == 200
            if rec.inside(role):
                assert rec.labels[1] in body_text(page)  # positive control
            else:
                assert_hidden(page, rec, world[rec.name])


def archive_case(world, key: str) -> Case:
    """Link the township's 附件5 and 附件6 to its case and walk the case to 组卷归档 as the
    township's clerk would (archiving stores the dossier)."""
    case = world[f"case_{key}"]
    Case.objects(pk=case.pk).update(
        set__mandatory_report=str(world[f"report_{key}"].pk),
        set__help_request=str(world[f"help_{key}"].pk),
    )
    case.reload()
    worker = User.objects.get(username=f"worker_{key}")
    cases.record_first_visit(case, clock.now() - timedelta(hours=1), worker, "已家访")
    for to, kw in (
        ("classified", {"klass": "help"}),
        ("assessed", {"harm": "none", "risk": "low"}),
        ("placement", {}),
        ("follow_up", {}),
        ("archived", {"note": "结案"}),
    ):
        cases.advance(case, to, worker, **kw)
    return case


@pytest.mark.skipif(not HAS_DOSSIER, reason="no dossier download in CaseView yet")
@pytest.mark.parametrize("role", CASE_ROLES)
def test_dossier_of_an_archived_case(app, world, role):
    """案卷 of an archived case: downloaded inside the place (its forms in it, the reporter
    匿名 for everyone: it is rendered once for all readers), nothing of it outside, and
    a download never stores a dossier of a case outside."""
    for key, _, _ in CASE_TOWNSHIPS:
        archive_case(world, key)
    assert Dossier.objects.count() == len(CASE_TOWNSHIPS)
    client = sign_in(app, role)
    before, counts = snapshot(world), side_counts()
    for key, _, _ in CASE_TOWNSHIPS:
        rec, report, help_ = (
            next(r for r in CASE_RECORDS if r.name == f"{kind}_{key}")
            for kind in ("case", "report", "help")
        )
        case = world[rec.name]
        resp = client.get(f"/cases/dossier/?id={case.pk}")
        details = client.get(f"/cases/details/?id={case.pk}")
        if rec.inside(role):
            assert resp.status_code == 200 and resp.mimetype == DOCX, resp.status_code
            text = body_text(resp)
            assert rec.labels[0] in text and rec.labels[1] in text  # the child, the number
            assert child_name(report) in text and child_name(help_) in text  # its forms
            for secret in report.labels[1:3]:
                assert secret not in text, f"{secret!r} in the dossier"
            assert details.status_code == 200 and "dossier-download" in details.get_data(
                as_text=True
            )
        else:
            assert resp.status_code == 404, resp.status_code
            assert redirects_to(details, "/cases/")
            for r in (rec, report, help_):
                assert_hidden(resp, r, world[r.name])
    assert_unchanged(world, before)
    assert side_counts() == counts


# --------------------------------------------------------------------------------------
# 13. 工作台账 outside the full matrix: their closed routes, and inside writes by the staff
# --------------------------------------------------------------------------------------
LIGHT_CLOSED = ("ajax_lookup", "ajax_update", "api_file_view")


@pytest.mark.parametrize("role", RECORD_KEEPERS)
@pytest.mark.parametrize("ep", LIGHT_EPS)
def test_light_work_records(app, world, ep, role):
    """The routes LIGHT_ROUTES leaves out are closed (404, even for the far record); a
    record the 未保站 creates takes its place, and it edits and deletes it (positive
    controls for edit_data: only the scope stops the matrix's writes)."""
    client = sign_in(app, role)
    rec = next(r for r in WORK_RECORDS if r.endpoint == ep)
    doc, model = world[rec.name], POLICY[ep].model
    before = snapshot(world)
    for name in ("ajax_lookup", "ajax_update", "api_file"):
        route = ROUTES_BY_NAME[name]
        resp = request_record(client, route, rec, doc, role)
        assert resp.status_code == 404, (name, resp.status_code)
        assert_hidden(resp, rec, doc)

    resp = client.post(f"/{ep}/new/", data=create_data(ep, SANYING, "new_insider"))
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    new = model.objects(created_by=f"u_{role}").get()
    assert (new.place, new.place_path) == (ROLE_PLACES[role], PATHS[ROLE_PLACES[role]])
    field = RECORD_EDITED[ep]
    resp = client.post(f"/{ep}/edit/?id={new.pk}", data=edit_data(ep, new, role))
    assert resp.status_code == 302, resp.get_data(as_text=True)[-2000:]
    stored = raw(new)
    assert stored["version"] == 1 and stored[field] == "EDITED"
    assert rec.labels[0] not in body_text(client.get(f"/{ep}/"))
    resp = client.post(f"/{ep}/delete/", data={"id": str(new.pk)})
    assert resp.status_code == 302 and raw(new) is None
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 14. 工作报告: a station's figures are its own township's; a county's filing only inside
# --------------------------------------------------------------------------------------
REPORT_ENDPOINTS = {
    "reports.index",
    "reports.station_word",
    "reports.station_excel",
    "reports.save",
    "reports.filing_word",
    "reports.filing_excel",
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Smuggled into every request: the views must take none of them.
SMUGGLED = {"place": SANYING, "township": TONGGUI, "station": "", "village": TONGXI}


def numbers(n: int) -> tuple[str, str]:
    return str(n), f"{n:,}"


def assert_number(text: str, n: int, shown: bool, where: str) -> None:
    found = any(s in text for s in numbers(n))
    assert found is shown, f"{n} {'missing from' if shown else 'shown on'} {where}"


def station_period() -> dict:
    today = clock.today()
    return {"kind": "H1" if today.month <= 6 else "H2", "year": str(today.year)}


@pytest.mark.parametrize("role", RECORD_KEEPERS)
def test_station_report_is_its_own_townships(app, world, role):
    """Page, Word and Excel of the station's report: its township's figures (its publicity
    reached 4321 people), never a number or a name from next door or far away; saving it
    as a 汇报记录 writes only in its township."""
    client = sign_in(app, role)
    before, counts = snapshot(world), record_counts()
    period = station_period()
    narrative = {"summary": "概述", "problems": "问题", "next_steps": "打算", "reported_to": ""}
    responses = {
        "page": client.get("/reports/", query_string={**period, **SMUGGLED}),
        "word": client.post("/reports/word/", data={**period, **narrative, **SMUGGLED}),
        "excel": client.get("/reports/excel/", query_string={**period, **SMUGGLED}),
    }
    outside = [r for r in RECORDS if not r.inside(role)]
    for name, resp in responses.items():
        assert resp.status_code == 200, (name, resp.status_code)
        assert resp.mimetype == {"page": "text/html", "word": DOCX, "excel": XLSX}[name]
        text = body_text(resp)
        assert "掌政镇" in text, name  # positive controls: the township and its numbers
        assert_number(text, PUBLICITY_REACHED["zhangzheng"], True, name)
        for key, n in PUBLICITY_REACHED.items():
            if key != "zhangzheng":
                assert_number(text, n, False, name)
                assert_number(text, n + PUBLICITY_REACHED["zhangzheng"], False, name)
        for leak in ("通贵乡", "三营镇", "原州区"):
            assert leak not in text, f"{leak!r} in the {name}"
        for rec in outside:
            assert_hidden_text(text, rec, world[rec.name])

    resp = client.post("/reports/save/", data={**period, **narrative, **SMUGGLED})
    assert resp.status_code == 302, resp.status_code
    saved = HalfYearReport.objects(created_by=f"u_{role}").get()
    assert (saved.place, saved.place_path) == (ZHANGZHENG, PATHS[ZHANGZHENG])
    assert record_counts() == {**counts, "half_year_reports": counts["half_year_reports"] + 1}
    assert_unchanged(world, before)  # the 汇报记录 of 三营镇, same year and half, untouched

    for method, url in (
        ("GET", f"/reports/filing/excel/?county={XINGQING}"),
        ("POST", "/reports/filing/word/"),
    ):
        resp = client.open(url, method=method, data={"county": XINGQING, "summary": "x"})
        assert resp.status_code == 403, (url, resp.status_code)


@pytest.mark.parametrize("role", SUPERVISORS)
def test_county_filing_only_inside(app, world, role):
    """The filing of a county inside the user's place (Word, Excel, the page); a county
    outside is 404 with nothing of it; the station's own routes are not theirs."""
    client = sign_in(app, role)
    before, counts = snapshot(world), record_counts()
    year = str(clock.today().year)

    def filing(county: str) -> dict:
        return {
            "page": client.get("/reports/", query_string={"county": county, "year": year}),
            "word": client.post(
                "/reports/filing/word/",
                data={"county": county, "year": year, "summary": "说明", "problems": "问题"},
            ),
            "excel": client.get(
                "/reports/filing/excel/", query_string={"county": county, "year": year}
            ),
        }

    far_stations = [r for r in RECORDS if r.endpoint == "stations" and r.place == SANYING]
    home = client.get("/reports/")
    assert home.status_code == 200
    if role != "province":
        for leak in OUTSIDE_COUNTY_TEXTS:
            assert leak not in body_text(home), f"{leak!r} offered on the filing page"
    for county, inside in (
        (XINGQING, True),
        (JINFENG, role != "county"),
        (YUANZHOU, role == "province"),
    ):
        for name, resp in filing(county).items():
            text = body_text(resp)
            if not inside:
                assert resp.status_code == 404, (county, name, resp.status_code)
                assert Place.name_of(county) not in text, (county, name)
                for rec in far_stations:
                    assert_hidden_text(text, rec, world[rec.name])
                continue
            assert resp.status_code == 200, (county, name, resp.status_code)
            if county == XINGQING:  # positive control: both townships' stations listed
                assert "掌政镇未成年人保护工作站" in text and "通贵乡" in text, name
                if name != "page" or role != "province":
                    for leak in OUTSIDE_COUNTY_TEXTS:
                        assert leak not in text, f"{leak!r} in the {county} {name}"
            if county == YUANZHOU:
                assert "三营镇未成年人保护工作站" in text, name
    for method, url in (
        ("GET", "/reports/excel/"),
        ("POST", "/reports/word/"),
        ("POST", "/reports/save/"),
    ):
        resp = client.open(url, method=method, data=station_period())
        assert resp.status_code == 403, (url, resp.status_code)
    assert_unchanged(world, before)
    assert record_counts() == counts


# --------------------------------------------------------------------------------------
# 15. 上墙材料: a station's bulletins, only of a station inside the place
# --------------------------------------------------------------------------------------
BULLETIN_ENDPOINTS = {"bulletins.index", "bulletins.download"}
BULLETIN_KINDS = ("workflow", "disposal", "sign", "duties", "rules")


def docx_xml(resp) -> str:
    """Every XML part of a .docx (a bulletin's texts sit in shapes, headers and footers)."""
    with zipfile.ZipFile(io.BytesIO(resp.get_data())) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("role", PAGES["bulletins"])
def test_bulletins_only_of_a_station_inside(app, world, role):
    client = sign_in(app, role)
    before = snapshot(world)
    stations = [r for r in RECORDS if r.endpoint == "stations"]
    for rec in stations:
        doc = world[rec.name]
        page = client.get("/bulletins/", query_string={"station": str(doc.pk)})
        assert page.status_code == 200
        for other in stations:
            if not other.inside(role):
                assert_hidden(page, other, world[other.name])
        if rec.inside(role):  # positive control: its bulletins, by its id
            assert rec.labels[0] in page.get_data(as_text=True)
            resp = client.get(f"/bulletins/sign.docx?station={doc.pk}")
            assert resp.status_code == 200 and resp.mimetype == DOCX, resp.status_code
            assert rec.labels[1] in docx_xml(resp)  # the address, in the footer
            continue
        for kind in BULLETIN_KINDS:
            resp = client.get(f"/bulletins/{kind}.docx", query_string={"station": str(doc.pk)})
            assert resp.status_code == 404, (kind, resp.status_code)
            assert_hidden(resp, rec, doc)
    for bad in BAD_IDS.values():
        resp = client.get("/bulletins/sign.docx", query_string={"station": bad})
        assert resp.status_code == 404, resp.status_code
    if role in RECORD_KEEPERS:  # no id: the user's own township's station
        own = client.get("/bulletins/rules.docx")
        assert own.status_code == 200 and "MARK-ADDR-ZHANGZHENG" in docx_xml(own)
    assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 16. Photos of publicity events: an outside event's photo is neither shown nor added to
# --------------------------------------------------------------------------------------
PUBLICITY_PHOTO_ENDPOINTS = {"publicity.attach_view", "publicity.photo_view"}


@pytest.mark.parametrize("role", SCOPED_ROLES)
def test_publicity_photos_stay_in_their_place(app, role):
    from admin_app.documents.attachment import Attachment
    from admin_app.documents.records import PublicityEvent
    from admin_app.services.children.attachments import store_for_record

    owner = make_user("sy_clerk", "station", SANYING)
    event = PublicityEvent(held_on=clock.today(), kind="law_policy", location="MARK-PUB-PHOTO")
    event.set_place(SANYING)
    event.save()
    png = b"\x89PNG\r\n\x1a\n" + b"MARK-PHOTO-BYTES"
    att = store_for_record(event, "三营镇宣传.png", png, owner)
    client = sign_in(app, role)
    r = client.get(f"/publicity/photo/?id={att.pk}")
    assert r.status_code in (403, 404) and b"MARK-PHOTO-BYTES" not in r.data
    r = client.post(
        "/publicity/attach/",
        data={"id": str(event.pk), "file": (io.BytesIO(png), "x.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code in (302, 403)
    assert Attachment.objects.count() == 1
    assert PublicityEvent.objects.get(pk=event.pk).photo_ids == [str(att.pk)]


# --------------------------------------------------------------------------------------
# 17. 放假调休安排: one record per year for all Ningxia, kept by the province. Every other
# role gets 403 on every route (FORBIDDEN, section 8); here the province's own routes work
# and a guessed year or a malformed id finds nothing.
# --------------------------------------------------------------------------------------
HOLIDAY_ENDPOINTS = {
    f"holiday_years.{e}"
    for e in (
        "index_view",
        "create_view",
        "edit_view",
        "details_view",
        "delete_view",
        "action_view",
        "export",
        "ajax_lookup",
        "ajax_update",
        "api_file_view",
    )
}


def test_holiday_arrangement_routes_of_the_province(app):
    from admin_app.documents.calendar import HolidayYear

    client = sign_in(app, "province")
    year = clock.today().year + 1
    entry = {
        "id": str(year),
        "source": "MARK-HOLIDAY",
        "holidays-0-name": "元旦",
        "holidays-0-first_day": f"{year}-01-01",
        "holidays-0-last_day": f"{year}-01-01",
    }
    assert client.get("/holiday_years/new/").status_code == 200
    assert client.post("/holiday_years/new/", data=entry).status_code == 302
    assert "MARK-HOLIDAY" in client.get("/holiday_years/").get_data(as_text=True)
    assert "MARK-HOLIDAY" in client.get(f"/holiday_years/details/?id={year}").get_data(as_text=True)
    assert client.get(f"/holiday_years/edit/?id={year}").status_code == 200
    assert "MARK-HOLIDAY" in client.get("/holiday_years/export/csv/").get_data(as_text=True)
    for bad in (*BAD_IDS.values(), str(year + 5)):
        assert client.get("/holiday_years/details/", query_string={"id": bad}).status_code in (
            302,
            404,
        )
    for closed in ("/holiday_years/ajax/lookup/", "/holiday_years/api/file/"):
        assert client.get(closed).status_code in (400, 404)
    assert client.post("/holiday_years/ajax/update/").status_code in (400, 404)
    r = client.post("/holiday_years/action/", data={"action": "delete", "rowid": str(year)})
    assert r.status_code == 302 and HolidayYear.objects.count() == 0
    client.post("/holiday_years/new/", data=entry)
    r = client.post("/holiday_years/delete/", data={"id": str(year)})
    assert r.status_code == 302 and HolidayYear.objects.count() == 0


# --------------------------------------------------------------------------------------
# 18. Personal data by role: an archive's details, its 变更历史 and the audit log show
# 身份证 and phone numbers in full only to the roles that contact families
# (privacy.FULL_IDENTITY_ROLES); the county, city and province see them masked, old values
# in the history included, and the history reads in Chinese labels, never stored codes.
# --------------------------------------------------------------------------------------
GUARDIAN_PHONES = ("13912345678", "13787654321")  # before and after the edit


def _archive_with_history(app):
    from tests.test_children import GIRL, form

    station = sign_in(app, "station")
    guardian = id_number("640104", "1978-03-15", "201")
    data = form(**{"guardians-0-id_number": guardian, "guardians-0-phone": GUARDIAN_PHONES[0]})
    assert station.post("/children/new/", data=data).status_code == 302
    child = Child.objects.get(name="马小花")
    edited = form(
        row_version=str(child.version),
        **{"guardians-0-id_number": guardian, "guardians-0-phone": GUARDIAN_PHONES[1]},
    )
    assert station.post(f"/children/edit/?id={child.pk}", data=edited).status_code == 302
    return station, child, GIRL, guardian


@pytest.mark.parametrize("role", ALL_ROLES)
def test_history_and_audit_show_personal_data_as_the_role_may(app, role):
    station, child, girl, guardian = _archive_with_history(app)
    client = station if role == "station" else sign_in(app, role)
    page = client.get(f"/children/details/?id={child.pk}").get_data(as_text=True)
    history = page[page.index("变更历史") :]
    full = role in ("station", "social_worker", "village")
    for number in (girl, guardian, *GUARDIAN_PHONES):
        assert (number in page) is full, (role, number)
    # The history shows both phones (the change), masked for supervisors.
    for phone in GUARDIAN_PHONES:
        masked = phone[:3] + "****" + phone[-4:]
        assert (phone if full else masked) in history, (role, phone)
    assert "父亲" in history and "外出务工" in history
    for code in ("father", "migrant_work", "left_behind", "both_away"):
        assert code not in history, (role, code)
    if role in ("province", "city", "county", "station"):  # who opens the audit log
        audit = client.get("/audit/?search=马小花").get_data(as_text=True)
        entry = AuditEntry.objects(target_type="children", action="update").first()
        details = client.get(f"/audit/details/?id={entry.pk}").get_data(as_text=True)
        assert "马小花" in audit and "儿童档案" in audit  # the entries are listed, in Chinese
        if not full:
            for body in (audit, details):
                for number in (girl, guardian, *GUARDIAN_PHONES):
                    assert number not in body, (role, number)
        for phone in GUARDIAN_PHONES:  # the change, old and new
            assert (phone in details) is full, (role, phone)
            assert (phone[:3] + "****" + phone[-4:] in details) is not full, (role, phone)


# --------------------------------------------------------------------------------------
# 18. 走访（手机）: the list a phone keeps and the visits it queued, child by child
# --------------------------------------------------------------------------------------
FIELD_ENDPOINTS = {
    "field.index",
    "field.service_worker",
    "field.manifest",
    "field.state",
    "field.register",
    "field.visit",
    "field.report",
}
FIELD_API = {"field.state", "field.register", "field.visit", "field.report"}


def queued_visit(child_id: str) -> dict:
    payload = {
        "client_id": ObjectId().binary.hex() + "00000000",
        "child": child_id,
        "date": clock.today().isoformat(),
        "kind": "regular",
        "visitors": "儿童主任",
        "guardianship": "祖母监护",
    }
    return {"payload": json.dumps(payload, ensure_ascii=False)}


@pytest.mark.parametrize("role", ARCHIVE_EDITORS)
@pytest.mark.parametrize("rec", CHILD_RECORDS, ids=[r.name for r in CHILD_RECORDS])
def test_the_phone_reaches_only_children_inside(app, world, role, rec):
    client = sign_in(app, role)
    doc = world[rec.name]
    before = snapshot(world)
    register = client.get(f"/field/api/register?village={quote(rec.place)}")
    body = register.get_data(as_text=True)
    sent = client.post("/field/api/visit", data=queued_visit(str(doc.pk)))
    book = VisitBook._get_collection().find_one({"_id": str(doc.pk)}) or {}
    if rec.inside(role):
        assert register.status_code == 200 and str(doc.pk) in body
        assert sent.status_code == 200 and sent.get_json()["status"] == "saved"
        assert len(book.get("visits") or []) == 1
        assert_unchanged(world, before, others_of(world, rec))
    else:
        assert register.status_code == 404 and rec.labels[0] not in body
        assert str(doc.pk) not in body
        assert sent.status_code == 409 and rec.labels[0] not in sent.get_data(as_text=True)
        assert not book.get("visits")
        assert_unchanged(world, before)


@pytest.mark.parametrize("role", ARCHIVE_EDITORS)
@pytest.mark.parametrize("rec", CHILD_RECORDS, ids=[r.name for r in CHILD_RECORDS])
def test_a_report_from_the_phone_reaches_only_children_inside(app, world, role, rec):
    client = sign_in(app, role)
    doc = world[rec.name]
    before, cases_before = snapshot(world), Case.objects.count()
    data = {
        "client_id": ObjectId().binary.hex() + "00000000",
        "kind": "mandatory",
        "child": str(doc.pk),
        "account": "身上有淤青",
    }
    resp = client.post("/field/api/report", json=data)
    if rec.inside(role):
        assert resp.status_code == 200, resp.get_json()
        new = Case.objects.order_by("-created_at").first()
        assert new.child_info.child == str(doc.pk) and new.place_path == PATHS[rec.place]
        assert_unchanged(world, before, others_of(world, rec))
    else:
        assert resp.status_code == 422 and rec.labels[0] not in resp.get_data(as_text=True)
        assert Case.objects.count() == cases_before
        assert_unchanged(world, before)


# --------------------------------------------------------------------------------------
# 19. 群众报告 (issue 15): the public pages, a hotline call, the QR code, the switch
# --------------------------------------------------------------------------------------
PUBLIC_ENDPOINTS_19 = {
    "public.report",
    "public.status",
    "public_reports.call_view",
    "public_reports.photo_view",
    "public_reports.qr_view",
    "public_reports.switch_view",
}


def test_a_public_page_files_its_report_under_its_own_station_only(app, world):
    """No log-in: the page of 通贵乡's station files there, whoever sends it; a guessed
    token (a station's id, another random string) is a missing page; the receipt shows
    a state and no record."""
    from admin_app.services.cases import public

    anyone = app.test_client()
    token = public.token_of(world["station_tonggui"])
    sent = anyone.post(f"/report/{token}", data={"what": "MARK-NEW-PUBLIC", "where": "x"})
    assert sent.status_code == 200
    new = PublicReport.objects.get(what="MARK-NEW-PUBLIC")
    assert new.place == TONGGUI and new.place_path == PATHS[TONGGUI]
    for guess in (str(world["station_tonggui"].pk), "x" * 22, "x" * 5000, "三营镇"):
        r = anyone.get(f"/report/{quote(guess, safe='')}")
        assert r.status_code == 404 and "MARK" not in r.get_data(as_text=True)
    code = re.search(r'id="receipt">([A-Z0-9]+)<', sent.get_data(as_text=True)).group(1)
    status = anyone.post("/report/status", data={"code": code}).get_data(as_text=True)
    assert "受理中" in status and "MARK" not in status and "通贵" not in status


@pytest.mark.parametrize("role", CASE_ROLES)
def test_the_qr_code_of_a_station_outside_is_not_given(app, world, role):
    client = sign_in(app, role)
    for rec in RECORDS:
        if rec.endpoint != "stations":
            continue
        r = client.get(f"/public_reports/qr/?station={world[rec.name].pk}")
        if rec.inside(role):
            assert r.status_code == 200 and r.mimetype == "image/png", (rec.name, r.status_code)
        else:
            assert r.status_code == 404, (rec.name, r.status_code)
    for bad in BAD_IDS.values():
        assert client.get(f"/public_reports/qr/?station={quote(bad, safe='')}").status_code == 404


@pytest.mark.parametrize("role", CASE_ROLES)
def test_a_hotline_call_is_entered_only_by_station_staff_in_their_place(app, world, role):
    client = sign_in(app, role)
    before = PublicReport.objects.count()
    r = client.post("/public_reports/call/", data={"what": "MARK-CALL", "township": TONGGUI})
    if role in PUBLIC_CALLERS:
        assert r.status_code == 302, r.status_code
        made = PublicReport.objects.get(what="MARK-CALL")
        assert made.place == ROLE_PLACES[role]  # its own township, whatever was posted
    else:
        assert r.status_code == 403
        assert PublicReport.objects.count() == before


@pytest.mark.parametrize("role", CASE_ROLES)
def test_only_the_province_switches_the_public_pages(app, world, role):
    from admin_app.services.cases import public

    client = sign_in(app, role)
    r = client.post("/public_reports/switch/", data={"open": "0"})
    if role == "province":
        assert r.status_code == 302 and not public.channel_open()
        client.post("/public_reports/switch/", data={"open": "1"})
    else:
        assert r.status_code == 403
    assert public.channel_open()


@pytest.mark.parametrize("role", CASE_ROLES)
def test_a_photo_sent_to_a_station_is_shown_only_inside_its_place(app, world, role):
    from admin_app.services.cases import public

    token = public.token_of(world["station_tonggui"])
    app.test_client().post(
        f"/report/{token}",
        data={
            "what": "MARK-PHOTO-REPORT",
            "photos": (io.BytesIO(PNG + b"MARK-PUBLIC-PHOTO"), "p.png"),
        },
        content_type="multipart/form-data",
    )
    report = PublicReport.objects.get(what="MARK-PHOTO-REPORT")
    client = sign_in(app, role)
    r = client.get(f"/public_reports/photo/?id={report.photo_ids[0]}")
    if ROLE_PLACES[role] in PATHS[TONGGUI]:
        assert r.status_code == 200 and r.data.endswith(b"MARK-PUBLIC-PHOTO")
    else:
        assert r.status_code == 404 and b"MARK-PUBLIC-PHOTO" not in r.data
    # An archive's photo is not a report's photo, even inside the place.
    other = world["child_tonggui.photo"]
    assert client.get(f"/public_reports/photo/?id={other.pk}").status_code == 404


# --------------------------------------------------------------------------------------
# 20. 监护与风险评估 (issue 15): a child's assessments are reached through the child, in
# its place; the indicator list is revised by the province alone
# --------------------------------------------------------------------------------------
ASSESSMENT_ENDPOINTS = {
    "assessments.index",
    "assessments.new",
    "assessments.save",
    "assessments.details",
    "assessments.sheet",
    "assessment_scale.index",
    "assessment_scale.save",
}
ASSESSORS = ARCHIVE_EDITORS
ASSESSMENT_OUTSIDE = VISIT_OUTSIDE


def _assessment_form(child_id: str) -> dict:
    from admin_app.services.assessments import scale as scales

    items = {f"item-{i['code']}": "0" for i in scales.current().items}
    return {
        "child": child_id,
        "assessed_on": clock.today().isoformat(),
        "assessors": "EDITED",
        "visit": "",
        "note": "EDITED",
        **items,
    }


def _planted_entry(doc) -> str:
    """An assessment in the child's book, written beside the archive (the archive as it was)."""
    from admin_app.documents.assessment import AssessmentBook
    from admin_app.services.assessments import scale as scales

    scales.current()  # version 1 exists once anyone has opened the list
    entry = {
        "id": "e" * 32,
        "assessed_on": datetime.combine(clock.today(), datetime.min.time()),
        "assessors": "MARK-ASSESSOR",
        "scale_version": 1,
        "answers": {},
        "total": 0,
        "outcome": "normal",
        "grade": "low",
        "note": "MARK-ASSESSMENT-NOTE",
    }
    AssessmentBook._get_collection().update_one(
        {"_id": str(doc.pk)},
        {"$push": {"entries": entry}, "$set": {"place_path": list(doc.place_path)}},
        upsert=True,
    )
    return entry["id"]


def _book(doc):
    from admin_app.documents.assessment import AssessmentBook

    return AssessmentBook._get_collection().find_one({"_id": str(doc.pk)})


@pytest.mark.parametrize(("role", "rec"), ASSESSMENT_OUTSIDE)
def test_assessments_of_an_outside_child_show_and_change_nothing(app, world, role, rec):
    client = sign_in(app, role)
    doc = world[rec.name]
    entry = _planted_entry(doc)
    before, counts, book = snapshot(world), side_counts(), _book(doc)
    for url in (
        f"/assessments/?child={doc.pk}",
        f"/assessments/new/?child={doc.pk}",
        f"/assessments/view/?child={doc.pk}&entry={entry}",
    ):
        page = client.get(url)
        assert redirects_to(page, "/children/"), (url, page.status_code)
        assert_hidden(page, rec, doc)
        assert "MARK-ASSESS" not in body_text(page)
    sheet = client.get(f"/assessments/sheet/?child={doc.pk}&entry={entry}")
    assert sheet.status_code == 404 and b"MARK-ASSESS" not in sheet.data
    resp = client.post("/assessments/new/", data=_assessment_form(str(doc.pk)))
    assert redirects_to(resp, "/children/"), resp.status_code
    assert_hidden(resp, rec, doc)
    assert_unchanged(world, before)
    assert side_counts() == counts and _book(doc) == book


@pytest.mark.parametrize("role", ALL_ROLES)
def test_assessments_of_an_inside_child(app, world, role):
    """Positive control: every role reads them; the archive keepers make one."""
    client = sign_in(app, role)
    rec = next(r for r in CHILD_RECORDS if r.name == "child_chunlin")
    doc = world[rec.name]
    entry = _planted_entry(doc)
    before = snapshot(world)
    page = client.get(f"/assessments/?child={doc.pk}")
    assert page.status_code == 200 and rec.labels[0] in page.get_data(as_text=True)
    details = client.get(f"/assessments/view/?child={doc.pk}&entry={entry}")
    assert "MARK-ASSESSMENT-NOTE" in details.get_data(as_text=True)
    sheet = client.get(f"/assessments/sheet/?child={doc.pk}&entry={entry}")
    assert sheet.status_code == 200 and sheet.mimetype.endswith("wordprocessingml.document")
    resp = client.post("/assessments/new/", data=_assessment_form(str(doc.pk)))
    book = _book(doc)
    if role in ASSESSORS:
        assert redirects_to(resp, "/assessments/view/"), resp.status_code
        assert len(book["entries"]) == 2 and book["place_path"] == PATHS[CHUNLIN]
        assert_unchanged(world, before, others_of(world, rec))
    else:
        assert redirects_to(resp, "/assessments/"), resp.status_code
        assert len(book["entries"]) == 1
        assert_unchanged(world, before)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_only_the_province_revises_the_indicator_list(app, world, role):
    from admin_app.documents.assessment import AssessmentScale
    from admin_app.services.assessments import scale as scales

    client = sign_in(app, role)
    v1 = scales.current()
    assert client.get("/assessment_scale/").status_code == 200
    form = {
        "base_version": str(v1.id),
        "rows": "1",
        "note": "EDITED",
        "item-0-group": "living",
        "item-0-text": "EDITED",
        "item-0-weight": "1",
        "item-0-options": "否=0\n是=2",
        **{f"aspect-{a}": "3" for a in ("missing", "improper", "insufficient")},
        "grade-low-min_score": "0",
        "grade-medium-min_score": "5",
        "grade-high-min_score": "9",
        **{f"grade-{g}-frequency": "monthly" for g in ("low", "medium", "high")},
        **{f"grade-{g}-reassess": "quarter" for g in ("low", "medium", "high")},
    }
    resp = client.post("/assessment_scale/", data=form)
    assert resp.status_code == 302, resp.status_code
    assert AssessmentScale.objects.count() == (2 if role == "province" else 1)


# --------------------------------------------------------------------------------------
# 21. 资金与购买服务 (issue 16, 五(三)): money is written by a county or a city inside its
# place only; every role reads (and exports) only its place's; a station its own
# --------------------------------------------------------------------------------------
FUND_ENDPOINTS = {
    "funds.index",
    "funds.entry",
    "funds.project",
    "funds.evaluate",
    "funds.delete",
    "funds.export",
}
FUND_READERS = PAGES["funds"]
FUND_KEEPERS = ("county", "city")


def _plant_funds() -> dict:
    from admin_app.documents.funds import FundEntry, ServiceProject

    planted = {}
    for key, township, short in CASE_TOWNSHIPS:
        entry = FundEntry(
            year=clock.today().year,
            kind="received",
            on=clock.today(),
            amount_fen=1234500 + len(planted),
            source="region",
            note=f"MARK-FUND-{key.upper()}",
        )
        entry.set_place(township)
        entry.save()
        project = ServiceProject(
            year=clock.today().year,
            name=f"MARK-PROJECT-{key.upper()}",
            provider=f"{short}社工",
            amount_fen=100,
            start=clock.today(),
            end=clock.today(),
        )
        project.set_place(township)
        project.save()
        planted[key] = (township, entry, project)
    return planted


@pytest.mark.parametrize("role", ALL_ROLES)
def test_funds_stay_in_their_place(app, world, role):
    from admin_app.documents.funds import FundEntry, ServiceProject

    planted = _plant_funds()
    client = sign_in(app, role)
    if role not in FUND_READERS:
        assert client.get("/funds/").status_code == 403
        assert client.get("/funds/export/").status_code == 403
        assert client.post("/funds/entry/", data={"township": ZHANGZHENG}).status_code == 403
        return
    place = ROLE_PLACES[role]
    export = load_workbook(io.BytesIO(client.get("/funds/export/").data)).active
    exported = " ".join(str(c) for r in export.iter_rows(values_only=True) for c in r)
    for key, (township, entry, project) in planted.items():
        inside = place in PATHS[township]
        page = body_text(client.get(f"/funds/?township={township}"))
        for mark in (entry.note, project.name):
            assert (mark in page) == inside, (key, mark)
            assert (mark in exported) == inside, (key, mark)
        year = str(clock.today().year)
        client.post(
            "/funds/entry/",
            data={
                "township": township,
                "year": year,
                "kind": "received",
                "amount": "1",
                "on": clock.today().isoformat(),
                "source": "county",
                "note": "EDITED",
            },
        )
        client.post("/funds/delete/", data={"id": str(entry.pk), "township": township})
        client.post(
            "/funds/evaluate/",
            data={
                "id": str(project.pk),
                "township": township,
                "result": "passed",
                "evaluated_on": clock.today().isoformat(),
                "evaluation": "EDITED",
            },
        )
        wrote = FundEntry.objects(place=township, note="EDITED").count()
        deleted = FundEntry.objects(pk=entry.pk).first() is None
        evaluated = ServiceProject.objects.get(pk=project.pk).result == "passed"
        keeper = inside and role in FUND_KEEPERS
        assert (wrote == 1, deleted) == (keeper, keeper), (key, role)
        assert evaluated == (inside and role == "city"), (key, role)
    for bad in BAD_IDS.values():
        client.post("/funds/delete/", data={"id": bad, "township": ZHANGZHENG})
        client.post("/funds/evaluate/", data={"id": bad, "result": "passed"})


# --------------------------------------------------------------------------------------
# 22. 督导抽查 (issue 16): drawn by the township 督导员 in a village of its own; read and
# checked only inside the place
# --------------------------------------------------------------------------------------
SPOT_CHECK_ENDPOINTS = {
    "spot_checks.index",
    "spot_checks.draw",
    "spot_checks.details",
    "spot_checks.result",
}
SPOT_CHECKERS = ("station",)


@pytest.mark.parametrize("role", ALL_ROLES)
def test_spot_checks_stay_in_their_place(app, world, role):
    from admin_app.documents.spot_check import SpotCheck, SpotItem

    planted = {}
    for key, township, _short in CASE_TOWNSHIPS:
        village = next(
            c for c, _n, level, parent, _k in PLACES if parent == township and level == "village"
        )
        check = SpotCheck(
            seed=f"MARK-SEED-{key.upper()}",
            archives=1,
            visits=0,
            visit_days=90,
            population=1,
            drawn_on=clock.today(),
            items=[SpotItem(kind="archive", child=str(ObjectId()), child_name=f"MARK-SPOT-{key}")],
        )
        check.set_place(village)
        check.save()
        planted[key] = (village, check)
    client = sign_in(app, role)
    if role not in PAGES["spot_checks"]:
        assert client.get("/spot_checks/").status_code == 403
        assert client.post("/spot_checks/draw/", data={"village": CHUNLIN}).status_code == 403
        return
    listing = body_text(client.get("/spot_checks/"))
    for key, (village, check) in planted.items():
        inside = ROLE_PLACES[role] in PATHS[village]
        assert (check.seed in listing) == inside, (key, role)
        page = client.get(f"/spot_checks/view/?id={check.pk}")
        assert (f"MARK-SPOT-{key}" in body_text(page)) == inside, (key, role)
        client.post(
            "/spot_checks/result/",
            data={"id": str(check.pk), "index": "0", "result": "confirmed", "note": "EDITED"},
        )
        result = SpotCheck.objects.get(pk=check.pk).items[0].result
        assert (result == "confirmed") == (inside and role in SPOT_CHECKERS), (key, role)
        before = SpotCheck.objects.count()
        client.post("/spot_checks/draw/", data={"village": village, "archives": "1", "visits": "0"})
        drew = SpotCheck.objects.count() - before
        # 春林村 holds the world's children: the township's 督导员 draws there, nobody else
        assert drew == (1 if inside and role in SPOT_CHECKERS else 0), (key, role, drew)
    for bad in BAD_IDS.values():
        assert client.get(f"/spot_checks/view/?id={quote(bad, safe='')}").status_code == 302


# --------------------------------------------------------------------------------------
# 23. 工作考核 (issue 16): every role reads the figures, lists, sheets and summaries of
# places inside its own; only the township 督导员 grades, and only its own villages
# --------------------------------------------------------------------------------------
APPRAISAL_ENDPOINTS = {
    "appraisal.index",
    "appraisal.items",
    "appraisal.sheet",
    "appraisal.save",
    "appraisal.sheet_word",
    "appraisal.sheet_excel",
    "appraisal.summary_word",
    "appraisal.summary_excel",
}
GRADERS = ("station",)
COUNTIES = {"sanying": YUANZHOU, "tonggui": XINGQING, "zhangzheng": XINGQING}


@pytest.mark.parametrize("role", ALL_ROLES)
def test_appraisal_stays_in_its_place(app, world, role):
    from admin_app.documents.appraisal import AppraisalSheet

    year = {"kind": "year", "year": str(clock.today().year)}
    planted = {}
    for key, township, _short in CASE_TOWNSHIPS:
        village = next(
            c for c, _n, level, parent, _k in PLACES if parent == township and level == "village"
        )
        sheet = AppraisalSheet(
            id=f"{village}|{year['year']}|year",
            year=int(year["year"]),
            kind="year",
            grade="pass",
            comment=f"MARK-APPRAISAL-{key}",
            figures="{}",
        )
        sheet.set_place(village)
        sheet.save()
        planted[key] = (township, village)
    client = sign_in(app, role)
    for key, (township, village) in planted.items():
        inside = ROLE_PLACES[role] in PATHS[village]
        mark = f"MARK-APPRAISAL-{key}"
        q = {**year, "village": village}
        page = client.get("/appraisal/sheet/", query_string=q)
        assert (page.status_code == 200) == inside and (mark in body_text(page)) == inside
        for url in ("/appraisal/sheet/word/", "/appraisal/sheet/excel/"):
            got = client.get(url, query_string=q)
            assert (got.status_code == 200) == inside, (key, role, url)
        town_inside = ROLE_PLACES[role] in PATHS[township]
        for url, args in (
            ("/appraisal/", {"place": township}),
            ("/appraisal/items/", {"place": township, "figure": "created"}),
            ("/appraisal/items/", {"place": village, "figure": "created"}),
        ):
            got = client.get(url, query_string={**year, **args})
            ok = town_inside if args["place"] == township else inside
            assert (got.status_code == 200) == ok, (key, role, url, args)
        county_inside = ROLE_PLACES[role] in PATHS[COUNTIES[key]]
        for url in ("/appraisal/summary/excel/", "/appraisal/summary/word/"):
            got = client.get(url, query_string={**year, "place": COUNTIES[key]})
            assert (got.status_code == 200) == county_inside, (key, role, url)
        client.post(
            "/appraisal/sheet/save/",
            data={**year, "village": village, "grade": "fail", "comment": "EDITED"},
        )
        graded = AppraisalSheet.objects.get(pk=f"{village}|{year['year']}|year")
        assert (graded.comment == "EDITED") == (inside and role in GRADERS), (key, role)
    for bad in BAD_IDS.values():
        resp = client.get("/appraisal/sheet/", query_string={**year, "village": bad})
        assert resp.status_code == 302
        resp = client.get("/appraisal/items/", query_string={**year, "place": bad, "figure": "x"})
        assert resp.status_code == 302
