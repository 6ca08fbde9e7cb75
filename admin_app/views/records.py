"""工作台账: the station's work records, one screen each, scoped like every other."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import TextAreaField

from ..core import clock
from ..documents import DomainError
from ..documents.constants import (
    ACTIVITY_KINDS,
    ACTIVITY_PLACES,
    CARE_MODES,
    ORG_KINDS,
    PLAN_STATUSES,
    PUBLICITY_KINDS,
    REPORT_HALVES,
)
from ..services.children import attachments
from .base import ScopedModelView, equal_filter, send_record_photo
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
    }
    column_choices = {"kind": list(PUBLICITY_KINDS)}
    column_filters = (equal_filter("kind", "类别", options=list(PUBLICITY_KINDS)),)
    column_searchable_list = ("location", "topics")
    form_columns = column_list
    form_args = labelled(column_labels, form_columns)


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
