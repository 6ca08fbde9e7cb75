"""Flask-Admin views, built inside the app factory (a module-level Admin breaks tests)."""

from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from ..documents import Allocation, AuditEntry, Child, Place, Station, User
from ..documents.calendar import HolidayYear
from ..documents.case import Case, HelpRequest, MandatoryReport, ReceivingUnit, Referral
from ..documents.public_report import PublicReport
from ..documents.records import (
    CaringFamily,
    CommunityActivity,
    HalfYearReport,
    PublicityEvent,
    SocialOrganization,
    Volunteer,
    Worker,
    WorkPlan,
)
from .appraisal import AppraisalView
from .assessments import AssessmentView, ScaleView
from .audit_log import AuditView
from .bulletins import BulletinView
from .calendar import HolidayYearView
from .cases import CaseView
from .child_import import ChildImportView
from .children import ChildView
from .dashboard import HomeView
from .field import FieldView
from .funds import FundsView
from .help_requests import HelpRequestView
from .mandatory_reports import MandatoryReportView
from .places import PlaceView
from .public_reports import PublicReportView
from .records import (
    ActivityView,
    CaringFamilyView,
    HalfYearReportView,
    PublicityView,
    SocialOrganizationView,
    VolunteerView,
    WorkerView,
    WorkPlanView,
)
from .referrals import ReceivingUnitView, ReferralView
from .reports import ReportView
from .spot_checks import SpotCheckView
from .stations import AllocationView, ProgressView, StationView
from .users import UserView
from .visits import VisitView


def init_admin(app) -> Admin:
    admin = Admin(
        app,
        name="未保站工作平台",
        url="/",
        index_view=HomeView(name="首页", url="/", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/wbz_master.html", swatch="default"),
    )
    admin.add_view(ChildView(Child, name="儿童档案", category="一人一档", endpoint="children"))
    admin.add_view(
        ChildImportView(name="导入儿童台账", category="一人一档", endpoint="child_import")
    )
    admin.add_view(VisitView(name="走访记录", category="一人一档", endpoint="visits"))
    admin.add_view(FieldView(name="走访（手机）", category="一人一档", endpoint="field"))
    admin.add_view(
        AssessmentView(name="监护与风险评估", category="一人一档", endpoint="assessments")
    )
    admin.add_view(ScaleView(name="评估指标", category="一人一档", endpoint="assessment_scale"))
    admin.add_view(
        PublicReportView(
            PublicReport, name="群众报告（待受理）", category="个案处置", endpoint="public_reports"
        )
    )
    admin.add_view(CaseView(Case, name="案件", category="个案处置", endpoint="cases"))
    admin.add_view(
        MandatoryReportView(
            MandatoryReport,
            name="强制报告登记表（附件6）",
            category="个案处置",
            endpoint="mandatory_reports",
        )
    )
    admin.add_view(
        HelpRequestView(
            HelpRequest,
            name="疑似伤害事件求助登记表（附件5）",
            category="个案处置",
            endpoint="help_requests",
        )
    )
    admin.add_view(
        ReferralView(
            Referral, name="服务转介记录表（附件7）", category="个案处置", endpoint="referrals"
        )
    )
    admin.add_view(
        ReceivingUnitView(
            ReceivingUnit, name="转介接收单位名录", category="个案处置", endpoint="receiving_units"
        )
    )
    admin.add_view(
        StationView(Station, name="未保站登记", category="站点建设", endpoint="stations")
    )
    admin.add_view(
        AllocationView(
            Allocation, name="建设任务分配表", category="站点建设", endpoint="allocations"
        )
    )
    admin.add_view(ProgressView(name="建设进度", category="站点建设", endpoint="progress"))
    admin.add_view(BulletinView(name="上墙材料", category="墙报与报告", endpoint="bulletins"))
    admin.add_view(ReportView(name="工作报告", category="墙报与报告", endpoint="reports"))
    admin.add_view(FundsView(name="资金与购买服务", category="站点建设", endpoint="funds"))
    admin.add_view(SpotCheckView(name="督导抽查", category="工作台账", endpoint="spot_checks"))
    admin.add_view(AppraisalView(name="工作考核", category="工作台账", endpoint="appraisal"))
    admin.add_view(PlaceView(Place, name="行政区划", category="系统管理", endpoint="places"))
    admin.add_view(UserView(User, name="用户管理", category="系统管理", endpoint="users"))
    admin.add_view(AuditView(AuditEntry, name="审计日志", category="系统管理", endpoint="audit"))
    admin.add_view(
        HolidayYearView(
            HolidayYear, name="放假调休安排", category="系统管理", endpoint="holiday_years"
        )
    )
    records = (
        (WorkPlanView, WorkPlan, "年度工作计划", "work_plans"),
        (PublicityView, PublicityEvent, "宣传培训", "publicity"),
        (ActivityView, CommunityActivity, "儿童之家与四点半课堂", "activities"),
        (WorkerView, Worker, "人员名册与培训", "workers"),
        (VolunteerView, Volunteer, "志愿者", "volunteers"),
        (SocialOrganizationView, SocialOrganization, "社会组织", "social_orgs"),
        (CaringFamilyView, CaringFamily, "爱心家庭备案", "caring_families"),
        (HalfYearReportView, HalfYearReport, "半年汇报记录", "half_year_reports"),
    )
    for view, model, name, endpoint in records:
        admin.add_view(view(model, name=name, category="工作台账", endpoint=endpoint))
    return admin
