"""工作台账: the station's work records, one screen each, scoped like every other."""

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import SelectMultipleField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from ..core import clock
from ..documents import DomainError, Place
from ..documents.constants import (
    ACTIVITY_KINDS,
    ACTIVITY_PLACES,
    CARE_MODES,
    ORG_KINDS,
    PLAN_STATUSES,
    PUBLICITY_KINDS,
    REPORT_HALVES,
    SOCIAL_WORK_QUALIFICATIONS,
    TRAINING_KINDS,
    VILLAGE,
    WORKER_ROLES,
)
from ..documents.records import Worker
from ..services import people
from ..services.children import attachments
from .base import ScopedModelView, equal_filter, send_record_photo
from .children_list import OpenSelectField
from .formatting import labelled
from .permissions import SCREENS

PAST_DATES = ("held_on", "registered_on", "trained_on", "reported_on", "joined_on")
LONG_TEXT = (
    "topics",
    "services",
    "content",
    "goals",
    "measures",
    "schedule",
    "summary",
    "problems",
    "next_steps",
)


class RecordView(ScopedModelView):
    """A station keeps its records; county, city and province read them."""

    roles, edit_roles, create_roles, delete_roles = SCREENS["records"]
    form_overrides = {name: TextAreaField for name in LONG_TEXT}

    def check_model(self, form, model, is_created):
        if is_created:
            model.set_place(current_user.place)
        for name in PAST_DATES:
            clock.refuse_future(getattr(model, name, None), self._label(name), name)
        start, end = getattr(model, "contract_from", None), getattr(model, "contract_to", None)
        if start and end and end < start:
            raise DomainError("合作结束日期不能早于开始日期。", "contract_to")


class PublicityView(RecordView):
    """宣传培训, with photos of the event (stored in the database, scoped, logged)."""

    details_template = "admin/publicity_details.html"

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs["photos"] = attachments.listing(kwargs["model"].photo_ids)
        return super().render(template, **kwargs)

    @expose("/attach/", methods=("POST",))
    def attach_view(self):
        record = self.get_one(request.form.get("id"))
        if record is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if not self.can_edit:
            flash("您没有上传照片的权限。", "danger")
        else:
            upload = request.files.get("file")
            try:
                attachments.store_for_record(
                    record,
                    upload.filename if upload else "",
                    upload.read() if upload else b"",
                    current_user,
                )
                flash("照片已上传。", "success")
            except DomainError as exc:
                flash(exc.message, "danger")
        return redirect(url_for(".details_view", id=record.pk))

    @expose("/photo/")
    def photo_view(self):
        return send_record_photo("publicity_events", "宣传培训照片")

    column_list = ("held_on", "kind", "location", "audience", "reached", "topics")
    column_labels = {
        "held_on": "日期",
        "kind": "类别",
        "location": "地点",
        "audience": "对象",
        "reached": "覆盖人数",
        "topics": "主题/内容",
        "attendees": "参加培训的人员",
    }
    column_choices = {"kind": list(PUBLICITY_KINDS)}
    column_filters = (equal_filter("kind", "类别", options=list(PUBLICITY_KINDS)),)
    column_searchable_list = ("location", "topics")
    column_details_list = (*column_list, "attendees")
    column_formatters_detail = {
        "attendees": lambda v, c, m, n: "、".join(
            str(w) for w in Worker.objects.in_scope(current_user).filter(id__in=m.attendees or [])
        )
    }
    form_columns = (*column_list, "attendees")
    form_args = labelled(column_labels, column_list)
    form_extra_fields = {
        # 五(四): who attended a training (the people register of this place)
        "attendees": SelectMultipleField(
            "参加培训的人员（培训类活动填写）",
            choices=[],
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    }
    form_widget_args = {"attendees": {"class": "list-unstyled wbz-checks"}}

    def _people(self, form):
        form.attendees.choices = [
            (str(w.pk), str(w))
            for w in Worker.objects.in_scope(current_user).filter(active=True).only("name", "role")
        ]
        return form

    def create_form(self, obj=None):
        return self._people(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._people(super().edit_form(obj))
        if request.method == "GET" and obj is not None:
            form.attendees.data = list(obj.attendees or [])
        return form

    def check_model(self, form, model, is_created):
        super().check_model(form, model, is_created)
        if model.attendees and model.kind not in TRAINING_KINDS:
            raise DomainError("只有培训类活动才登记参加培训的人员。", "attendees")


class WorkerView(RecordView):
    """人员名册 (五(四), 附件2 3.1.2): 督导员, 儿童主任, 社工, 志愿者 and their trainings;
    `?untrained=1` lists those not trained this year (the landing page's to-do)."""

    column_list = (
        "name",
        "role",
        "village",
        "phone",
        "qualification",
        "qualified_year",
        "trained",
        "active",
    )
    column_labels = {
        "name": "姓名",
        "role": "岗位",
        "village": "服务村（居）",
        "phone": "联系电话",
        "qualification": "社会工作者职业资格",
        "qualified_year": "取得资格年份",
        "trained": "本年度已参加培训",
        "active": "在岗",
        "note": "备注",
    }
    column_choices = {"role": list(WORKER_ROLES), "qualification": list(SOCIAL_WORK_QUALIFICATIONS)}
    column_filters = (equal_filter("role", "岗位", options=list(WORKER_ROLES)),)
    column_searchable_list = ("name",)
    column_sortable_list = ("name", "role")
    column_formatters = {
        "village": lambda v, c, m, n: Place.name_of(m.village) if m.village else "",
        "trained": lambda v, c, m, n: "是" if str(m.pk) in _trained_this_year() else "否",
    }
    column_formatters_export = column_formatters
    form_columns = (
        "name",
        "role",
        "village",
        "phone",
        "qualification",
        "qualified_year",
        "active",
        "note",
    )
    form_args = labelled(column_labels, [c for c in form_columns if c != "village"])
    form_extra_fields = {
        "village": OpenSelectField("服务村（居）（儿童主任填写）", choices=[]),
    }

    def get_query(self):
        if request.args.get("untrained") == "1":
            return people.untrained(current_user)
        return super().get_query()

    def render(self, template, **kwargs):
        if template == self.list_template and request.args.get("untrained") == "1":
            flash(
                f"以下为{clock.today().year}年尚未参加培训的在岗人员（五(四)：每年培训）。", "info"
            )
        return super().render(template, **kwargs)

    def _villages(self, form):
        form.village.choices = [("", "（不适用）")] + Place.choices_under(
            current_user.place, VILLAGE
        )
        return form

    def create_form(self, obj=None):
        return self._villages(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._villages(super().edit_form(obj))
        if request.method == "GET" and obj is not None:
            form.village.data = obj.village or ""
        return form

    def check_model(self, form, model, is_created):
        super().check_model(form, model, is_created)
        model.village = form.village.data or None
        if model.village:
            info = Place.info(model.village)
            if (
                info is None
                or info["level"] != VILLAGE
                or current_user.place not in Place.path_of(model.village)
            ):
                raise DomainError("请选择本乡镇（街道）内的村（居）。", "village")
        if model.role == "director" and not model.village:
            raise DomainError("儿童主任请选择服务的村（居）。", "village")
        if model.qualification and model.qualification != "none" and not model.qualified_year:
            raise DomainError("请填写取得社会工作者职业资格的年份。", "qualified_year")
        if model.qualified_year and model.qualified_year > clock.today().year:
            raise DomainError("取得资格年份不能晚于今年。", "qualified_year")


def _trained_this_year() -> set[str]:
    """Who attended a training this year, once per request (the list's column)."""
    if "wbz_trained" not in g:
        g.wbz_trained = people.trained_ids(current_user)
    return g.wbz_trained


class VolunteerView(RecordView):
    column_list = ("name", "phone", "skills", "joined_on", "trained", "hours", "active")
    column_labels = {
        "name": "姓名",
        "phone": "联系电话",
        "skills": "特长",
        "joined_on": "加入日期",
        "trained": "已培训",
        "hours": "服务时长（小时）",
        "active": "在册",
    }
    column_searchable_list = ("name",)
    form_columns = column_list
    form_args = labelled(column_labels, form_columns)


class SocialOrganizationView(RecordView):
    column_list = ("name", "kind", "contact_name", "contact_phone", "contract_from", "contract_to")
    column_labels = {
        "name": "组织名称",
        "kind": "类别",
        "contact_name": "联系人",
        "contact_phone": "联系电话",
        "services": "服务内容",
        "contract_from": "合作开始",
        "contract_to": "合作结束",
    }
    column_choices = {"kind": list(ORG_KINDS)}
    column_searchable_list = ("name",)
    form_columns = (
        "name",
        "kind",
        "contact_name",
        "contact_phone",
        "services",
        "contract_from",
        "contract_to",
    )
    form_args = labelled(column_labels, form_columns)


class CaringFamilyView(RecordView):
    column_list = (
        "head_name",
        "phone",
        "address",
        "members",
        "care_mode",
        "registered_on",
        "trained_on",
    )
    column_labels = {
        "head_name": "户主姓名",
        "phone": "联系电话",
        "address": "住址",
        "members": "家庭人数",
        "care_mode": "照料方式",
        "registered_on": "备案日期",
        "trained_on": "照料培训日期",
        "note": "备注",
    }
    column_choices = {"care_mode": list(CARE_MODES)}
    column_searchable_list = ("head_name",)
    form_columns = (*column_list, "note")
    form_args = labelled(column_labels, form_columns)


class ActivityView(RecordView):
    column_list = ("venue", "held_on", "kind", "title", "children", "organisers")
    column_labels = {
        "venue": "场所",
        "held_on": "日期",
        "kind": "活动类别",
        "title": "活动名称",
        "children": "参加儿童数",
        "organisers": "组织者",
        "content": "活动内容",
    }
    column_choices = {"venue": list(ACTIVITY_PLACES), "kind": list(ACTIVITY_KINDS)}
    column_filters = (
        equal_filter("venue", "场所", options=list(ACTIVITY_PLACES)),
        equal_filter("kind", "活动类别", options=list(ACTIVITY_KINDS)),
    )
    form_columns = (*column_list, "content")
    form_args = labelled(column_labels, form_columns)


class WorkPlanView(RecordView):
    column_list = ("year", "title", "status", "updated_at")
    column_labels = {
        "year": "年度",
        "title": "计划名称",
        "goals": "工作目标",
        "measures": "主要措施",
        "schedule": "时间安排",
        "status": "状态",
        "updated_at": "最后修改",
    }
    column_choices = {"status": list(PLAN_STATUSES)}
    form_columns = ("year", "title", "goals", "measures", "schedule", "status")
    form_args = labelled(column_labels, form_columns)


class HalfYearReportView(RecordView):
    column_list = ("year", "half", "reported_on", "reported_to")
    column_labels = {
        "year": "年度",
        "half": "半年",
        "reported_on": "汇报日期",
        "reported_to": "汇报对象",
        "summary": "工作情况",
        "problems": "存在问题",
        "next_steps": "下步打算",
    }
    column_choices = {"half": list(REPORT_HALVES)}
    form_columns = (
        "year",
        "half",
        "reported_on",
        "reported_to",
        "summary",
        "problems",
        "next_steps",
    )
    form_args = labelled(column_labels, form_columns)
