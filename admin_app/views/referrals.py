"""附件7 未成年人保护服务转介记录表 and its status; the directory of receiving units."""

from bson import ObjectId
from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import SelectField

from ..core import clock
from ..documents import DomainError
from ..documents.case import Case
from ..documents.constants import CLOSED_STEPS, REFERRAL_STATUSES, UNIT_KINDS
from ..services.cases import referrals
from .base import ScopedModelView, equal_filter
from .case_forms import CHILD_INFO_ARGS, CHILD_INFO_SUB, CaseFormView
from .formatting import labelled
from .permissions import SCREENS


class ReferralView(CaseFormView):
    """附件7 未成年人保护服务转介记录表, and its status."""

    word_template = "referral_record_form.docx"
    case_link = ""
    form_extra_fields = {}
    details_template = "admin/referral_details.html"
    column_list = ("referred_on", "child_info", "unit_name", "status", "feedback_due", "case")
    column_details_list = (
        "referred_on",
        "child_info",
        "reason",
        "unit_name",
        "unit_address",
        "unit_contact_name",
        "unit_contact_phone",
        "follow_up_plan",
        "filled_by",
        "filled_on",
        "status",
        "feedback_due",
        "feedback",
        "case",
        "created_by",
        "created_at",
    )
    column_labels = {
        "referred_on": "转介日期",
        "child_info": "未成年人",
        "reason": "转介理由",
        "unit": "转介接收单位（从名录选择）",
        "unit_name": "转介接收单位",
        "unit_address": "单位地址",
        "unit_contact_name": "对接负责人姓名",
        "unit_contact_phone": "联系方式",
        "follow_up_plan": "未保工作站后续跟进计划",
        "filled_by": "填写人姓名",
        "filled_on": "填写日期",
        "status": "状态",
        "feedback_due": "反馈期限",
        "feedback": "反馈内容",
        "case": "案件",
    }
    column_choices = {"status": list(REFERRAL_STATUSES)}
    column_filters = (equal_filter("status", "状态", options=list(REFERRAL_STATUSES)),)
    form_columns = (
        "case",
        "referred_on",
        "child_info",
        "reason",
        "unit",
        "unit_name",
        "unit_address",
        "unit_contact_name",
        "unit_contact_phone",
        "follow_up_plan",
        "filled_by",
        "filled_on",
    )
    form_args = labelled(column_labels, form_columns)
    form_subdocuments = {"child_info": CHILD_INFO_SUB}

    form_overrides = {**CaseFormView.form_overrides, "unit": SelectField, "case": SelectField}

    def _choices(self, form):
        form.unit.choices = [("", "（不从名录选择，手工填写下方单位信息）")] + [
            (str(u.pk), f"{u.name}（{dict(UNIT_KINDS).get(u.kind, '')}）")
            for u in referrals.usable_units(current_user)
        ]
        open_cases = Case.objects.in_scope(current_user).filter(step__nin=list(CLOSED_STEPS))
        form.case.choices = [("", "（不关联案件）")] + [(str(c.pk), str(c)) for c in open_cases]
        return form

    def create_form(self, obj=None):
        form = self._choices(super().create_form(obj))
        if request.method == "GET":
            case = self._case_arg()
            if case is not None:
                form.case.data = str(case.pk)
                for key in CHILD_INFO_ARGS:
                    form.child_info.form[key].data = getattr(case.child_info, key, None)
            form.referred_on.data = form.referred_on.data or clock.today()
        return form

    def edit_form(self, obj=None):
        form = self._choices(super().edit_form(obj))
        delattr(form, "case")
        return form

    def _case_arg(self):
        try:
            return referrals.case_in_scope(request.args.get("case"), current_user)
        except DomainError:
            return None

    def check_model(self, form, model, is_created):
        super().check_model(form, model, is_created)
        if model.unit:
            unit = (
                referrals.usable_units(current_user).filter(pk=ObjectId(model.unit)).first()
                if ObjectId.is_valid(model.unit)
                else None
            )
            if unit is None:
                raise DomainError("请从名录中选择转介接收单位。", "unit")
            if unit is not None:
                model.unit_name = model.unit_name or unit.name
                model.unit_address = model.unit_address or unit.address
                model.unit_contact_name = model.unit_contact_name or unit.contact_name
                model.unit_contact_phone = model.unit_contact_phone or unit.contact_phone
        if is_created:
            referrals.case_in_scope(model.case, current_user)
            referrals.prepare_new(model, current_user)

    def after_save(self, model, is_created, before):
        if is_created:
            referrals.link_to_case(model, current_user)

    def word_context(self, record):
        from ..services import word

        return word.referral_context(record, current_user)

    @expose("/status/", methods=("POST",))
    def status_view(self):
        referral = self.get_one(request.form.get("id"))
        if referral is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if not self.can_edit:
            flash("您没有更新转介状态的权限。", "danger")
        else:
            try:
                referrals.set_status(
                    referral,
                    request.form.get("status", ""),
                    current_user,
                    request.form.get("note", ""),
                )
                flash("转介状态已更新。", "success")
            except DomainError as exc:
                flash(exc.message, "danger")
        return redirect(url_for(".details_view", id=referral.pk))


class ReceivingUnitView(ScopedModelView):
    """转介接收单位名录: county and stations keep the units they refer to."""

    roles, edit_roles, create_roles, delete_roles = SCREENS["receiving_units"]
    column_list = ("name", "kind", "address", "contact_name", "contact_phone", "active")
    column_labels = {
        "name": "单位名称",
        "kind": "类别",
        "address": "地址",
        "contact_name": "对接负责人",
        "contact_phone": "联系电话",
        "active": "在用",
    }
    column_choices = {"kind": list(UNIT_KINDS)}
    column_searchable_list = ("name",)
    column_filters = (equal_filter("kind", "类别", options=list(UNIT_KINDS)),)
    form_columns = ("name", "kind", "address", "contact_name", "contact_phone", "active")
    form_args = {k: {"label": v} for k, v in column_labels.items()}

    # The directory also lists the units of the places above (a station uses its
    # county's); every route that changes a unit keeps the plain scope. Decided per
    # request from the route, never by changing the view, which all requests share.
    directory_routes = ("index_view", "export")

    def get_query(self):
        if request.endpoint in {f"{self.endpoint}.{r}" for r in self.directory_routes}:
            return referrals.unit_directory(current_user)
        return super().get_query()

    def check_model(self, form, model, is_created):
        if is_created:
            model.set_place(current_user.place)
