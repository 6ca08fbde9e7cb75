"""The station's work records: publicity and training, volunteers, social organisations,
caring families, 儿童之家 / 四点半课堂 activities, the yearly work plan, half-year reports."""

from mongoengine import BooleanField, DateField, IntField, ListField, StringField

from .base import ScopedDocument
from .constants import (
    ACTIVITY_KINDS,
    ACTIVITY_PLACES,
    CARE_MODES,
    ORG_KINDS,
    PLAN_STATUSES,
    PUBLICITY_KINDS,
    REPORT_HALVES,
    SOCIAL_WORK_QUALIFICATIONS,
    WORKER_ROLES,
)

TEXT = 4000


class PublicityEvent(ScopedDocument):
    """宣传培训 (附件2 4.3, 五(四))."""

    held_on = DateField(required=True)
    kind = StringField(required=True, choices=PUBLICITY_KINDS)
    location = StringField(required=True, max_length=200)
    audience = StringField(max_length=200)
    reached = IntField(min_value=0, max_value=100000)
    topics = StringField(max_length=TEXT)
    photo_ids = ListField(StringField())
    attendees = ListField(StringField())  # a training's people (Worker ids): 五(四)

    meta = {"collection": "publicity_events", "indexes": ["place_path"], "ordering": ["-held_on"]}


class Worker(ScopedDocument):
    """A person who does the work (五(四), 附件2 3.1.2): 儿童督导员, 儿童主任, 儿童社工, 志愿者,
    filed under the township; a 儿童主任 names the village they serve."""

    name = StringField(required=True, max_length=50)
    role = StringField(required=True, choices=WORKER_ROLES)
    village = StringField()  # a village key inside the township (儿童主任)
    phone = StringField(max_length=20)
    qualification = StringField(choices=SOCIAL_WORK_QUALIFICATIONS, default="none")
    qualified_year = IntField(min_value=2008, max_value=2100)  # 社会工作者职业资格 obtained
    active = BooleanField(default=True)
    note = StringField(max_length=200)

    meta = {"collection": "workers", "indexes": ["place_path"], "ordering": ["role", "name"]}

    def __str__(self):
        return f"{self.name}（{dict(WORKER_ROLES).get(self.role, '')}）"


class Volunteer(ScopedDocument):
    """志愿者 (6.4.2)."""

    name = StringField(required=True, max_length=50)
    phone = StringField(max_length=20)
    skills = StringField(max_length=200)
    joined_on = DateField()
    trained = BooleanField(default=False)
    active = BooleanField(default=True)
    hours = IntField(min_value=0, default=0)

    meta = {"collection": "volunteers", "indexes": ["place_path"], "ordering": ["name"]}


class SocialOrganization(ScopedDocument):
    """引进的社会组织 (6.4.1)."""

    name = StringField(required=True, max_length=100)
    kind = StringField(required=True, choices=ORG_KINDS)
    contact_name = StringField(max_length=50)
    contact_phone = StringField(max_length=30)
    services = StringField(max_length=TEXT)
    contract_from = DateField()
    contract_to = DateField()

    meta = {"collection": "social_organizations", "indexes": ["place_path"], "ordering": ["name"]}


class CaringFamily(ScopedDocument):
    """爱心家庭备案登记 (4.2.5)."""

    head_name = StringField(required=True, max_length=50)
    phone = StringField(max_length=20)
    address = StringField(max_length=200)
    members = IntField(min_value=1, max_value=30)
    care_mode = StringField(choices=CARE_MODES)
    registered_on = DateField(required=True)
    trained_on = DateField()  # 未成年人照料培训
    note = StringField(max_length=500)

    meta = {"collection": "caring_families", "indexes": ["place_path"], "ordering": ["head_name"]}


class CommunityActivity(ScopedDocument):
    """儿童之家 and 四点半课堂 activities (4.2.7, 6.1)."""

    venue = StringField(required=True, choices=ACTIVITY_PLACES)
    held_on = DateField(required=True)
    kind = StringField(required=True, choices=ACTIVITY_KINDS)
    title = StringField(required=True, max_length=100)
    children = IntField(min_value=0, max_value=10000)
    organisers = StringField(max_length=200)
    content = StringField(max_length=TEXT)

    meta = {
        "collection": "community_activities",
        "indexes": ["place_path"],
        "ordering": ["-held_on"],
    }


class WorkPlan(ScopedDocument):
    """制定年度工作计划 (附件3's first box)."""

    year = IntField(required=True, min_value=2023, max_value=2100)
    title = StringField(required=True, max_length=100)
    goals = StringField(max_length=TEXT)
    measures = StringField(max_length=TEXT)
    schedule = StringField(max_length=TEXT)
    status = StringField(choices=PLAN_STATUSES, default="draft")

    meta = {"collection": "work_plans", "indexes": ["place_path"], "ordering": ["-year"]}


class HalfYearReport(ScopedDocument):
    """每半年向乡镇人民政府（街道办事处）汇报 (三(二)): the record that it was done."""

    year = IntField(required=True, min_value=2023, max_value=2100)
    half = StringField(required=True, choices=REPORT_HALVES)
    reported_on = DateField(required=True)
    reported_to = StringField(max_length=100)
    summary = StringField(max_length=TEXT)
    problems = StringField(max_length=TEXT)
    next_steps = StringField(max_length=TEXT)

    meta = {
        "collection": "half_year_reports",
        "indexes": ["place_path"],
        "ordering": ["-year", "-half"],
    }
