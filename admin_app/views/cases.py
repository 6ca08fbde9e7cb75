"""Cases (附件4), the three forms (附件5–7) and the referral directory."""

import io

from bson import ObjectId
from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import BooleanField, SelectField, TextAreaField

from .. import audit, cases, referrals
from ..core import clock, dates
from ..crypto import decrypt, encrypt
from ..documents import DomainError
from ..documents.base import get_scoped
from ..documents.case import (
    Case,
    ChildInfo,
    Conference,
    Dossier,
    ReceivingUnit,
    Referral,
)
from ..documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    CASE_CHANNELS,
    CASE_CLASSES,
    CASE_STEPS,
    CONFERENCE_PARTIES,
    FOLLOW_REFERRALS,
    FOLLOW_UP_ITEMS,
    HARM,
    INTERVENTIONS,
    PLACEMENT_SERVICES,
    REFERRAL_STATUSES,
    RELATIONS,
    REPORT_METHODS,
    REPORTER_IDENTITIES,
    REPORTER_NOTE_REQUIRED,
    RISK,
    UNIT_KINDS,
)
from .base import ScopedModelView, equal_filter, labelled, link, tidy_strings

CASE_ROLES = ("province", "city", "county", "station", "social_worker")
CASE_WORKERS = ("station", "social_worker")
CHILD_INFO_ARGS = {
    "name": {"label": "姓名"},
    "gender": {"label": "性别"},
    "age": {"label": "年龄"},
    "address": {"label": "住址"},
    "phone": {"label": "联系电话"},
    "guardian_name": {"label": "监护人姓名"},
    "guardian_identity": {"label": "身份（与未成年人关系）"},
    "guardian_phone": {"label": "监护人联系电话"},
}
CHILD_INFO_SUB = {
    "form_columns": tuple(CHILD_INFO_ARGS),
    "form_args": CHILD_INFO_ARGS,
}
PERPETRATOR_SUB = {
    "form_columns": ("name", "identity", "address", "phone"),
    "form_args": {
        "name": {"label": "疑似施害者姓名"},
        "identity": {"label": "身份"},
        "address": {"label": "住址"},
        "phone": {"label": "联系电话"},
    },
}
WHAT_IS_DONE = {
    "classified": (),
    "assessed": INTERVENTIONS[3:],  # 报警（110）、伤情处理 belong to the assessment box
    "intervention": INTERVENTIONS[:3],
    "placement": PLACEMENT_SERVICES,
    "referral": FOLLOW_REFERRALS,
    "follow_up": FOLLOW_UP_ITEMS,
    "archived": (),
    "consult_closed": (("policy_explained", "政策解释"), ("help_apply", "协助申办")),
}


def child_info_of(child) -> dict:
    """未成年人信息 of a form, filled from an archive."""
    guardian = next((g for g in child.guardians or [] if g.is_guardian), None)
    return {
        "name": child.name,
        "gender": child.gender,
        "age": child.age_on(clock.today()),
        "address": child.address or "",
        "phone": "",
        "guardian_name": guardian.name if guardian else "",
        "guardian_identity": dict(RELATIONS).get(guardian.relation, "") if guardian else "",
        "guardian_phone": guardian.phone if guardian else "",
    }


def sees_reporter() -> bool:
    return current_user.is_authenticated and current_user.role in ANONYMOUS_REPORTER_ROLES


def _child_name(v, c, m, n):
    return m.child_info.name if m.child_info else ""


def _child_full(v, c, m, n):
    """未成年人信息 in one line for details pages."""
    i = m.child_info
    if not i:
        return ""
    parts = [
        i.name,
        {"M": "男", "F": "女"}.get(i.gender or "", ""),
        f"{i.age}岁" if i.age is not None else "",
        i.address or "",
        i.phone or "",
        f"监护人 {i.guardian_name}（{i.guardian_identity or ''}）{i.guardian_phone or ''}"
        if i.guardian_name
        else "",
    ]
    return "，".join(p for p in parts if p)


def _case_number(v, c, m, n) -> str:
    ref = cases.reference(getattr(m, "case", None))
    return ref["number"] if ref else ""


def _case_link(v, c, m, n):
    ref = cases.reference(getattr(m, "case", None))
    if not ref:
        return ""
    return link(url_for("cases.details_view", id=ref["id"]), ref["number"])


def _perpetrator(v, c, m, n):
    p = m.perpetrator
    if not p:
        return ""
    return "，".join(x for x in (p.name, p.identity, p.address, p.phone) if x)


class CaseFormView(ScopedModelView):
    """Shared by the three forms: a Word download per record, creation by the station."""

    form_extra_fields = {
        "open_case": BooleanField("同时立案（进入发现报告处置流程）", default=True),
        "serious_harm": BooleanField("属于严重家庭暴力或不法侵害（24 小时内完成首次家访）"),
    }

    roles = CASE_ROLES
    edit_roles = CASE_WORKERS
    delete_roles = ()
    audit_views = True
    word_template = ""
    column_formatters = {"child_info": _child_name, "case": _case_link}
    column_formatters_export = {"child_info": _child_name, "case": _case_number}
    column_formatters_detail = {
        "child_info": _child_full,
        "perpetrator": _perpetrator,
        "case": _case_link,
    }

    form_overrides = {
        name: TextAreaField
        for name in (
            "account",
            "physical_state",
            "mental_state",
            "behaviour",
            "child_view",
            "attachment_note",
            "reason",
            "follow_up_plan",
            "summary",
            "feedback",
        )
    }

    details_template = "admin/form_details.html"

    def word_context(self, record):
        raise NotImplementedError

    def read_only_reason(self, model) -> str | None:
        if model is not None and cases.is_archived(getattr(model, "case", None)):
            return "该登记表所属案件已组卷归档，登记表只读。"
        return None

    def render(self, template, **kwargs):
        model = kwargs.get("model")
        if template == self.details_template and model is not None:
            kwargs["case_ref"] = cases.reference(getattr(model, "case", None))
        return super().render(template, **kwargs)

    @expose("/word/")
    def word_view(self):
        """Download the filled official form as Word; logged."""
        from .. import word

        record = self.get_one(request.args.get("id"))
        if record is None:
            abort(404)
        data = word.render(self.word_template, self.word_context(record))
        audit.record("download", record, detail=f"下载 {self.name} Word")
        name = f"{self.name}_{record.child_info.name if record.child_info else ''}_{clock.today():%Y%m%d}.docx"
        return send_file(
            io.BytesIO(data),
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            as_attachment=True,
            download_name=name,
        )

    def populate(self, form, model):
        for name, field in form._fields.items():
            if name not in ("row_version", "open_case", "serious_harm"):
                field.populate_obj(model, name)
        tidy_strings(model)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        for name in ("open_case", "serious_harm"):
            if hasattr(form, name):
                delattr(form, name)
        return form

    def _child_arg(self):
        """The archive named by ?child= (a form filled from a child's record), in scope."""
        from ..documents import Child

        return get_scoped(Child, request.args.get("child", ""), current_user)[0]

    def create_form(self, obj=None):
        form = super().create_form(obj)
        child = self._child_arg() if "child_info" in form._fields else None
        if child is not None and request.method == "GET":
            for key, value in child_info_of(child).items():
                form.child_info.form[key].data = value
        return form

    def check_dates(self, model):
        for field, label in (
            ("filled_on", "填写日期"),
            ("occurred_at", self.column_labels.get("occurred_at", "发生时间")),
        ):
            clock.refuse_future(getattr(model, field, None), label, field)

    def check_model(self, form, model, is_created):
        if is_created:
            child = self._child_arg()
            if child is not None:  # the form is about a registered child: link and place it there
                model.child_info.child = str(child.pk)
                model.set_place(child.place)
            else:
                model.set_place(current_user.place)
        elif cases.is_archived(model.case):
            raise DomainError("案件已组卷归档，登记表只读。")
        self.check_dates(model)

    def after_save(self, model, is_created, before):
        if is_created and request.form.get("open_case") == "y" and self.case_link:
            case = cases.open_case(
                current_user,
                channel=self.case_channel,
                child_info=model.child_info,
                reported_at=getattr(model, "reported_at", None) or clock.now(),
                summary=(model.account or "")[:500],
                serious_harm=request.form.get("serious_harm") == "y",
                village=model.place if model.child_info.child else None,
                **{self.case_link: str(model.pk)},
            )
            type(model).objects(pk=model.pk).update(set__case=str(case.pk))
            flash(f"已立案：{case.number}", "success")


# 附件5's fields in the seed's order (form and details follow it).
FORM5_FIELDS = (
    "child_info",
    "location",
    "occurred_at",
    "occurred_note",
    "account",
    "perpetrator",
    "attachment_note",
    "filled_by",
    "filled_on",
)


class HelpRequestView(CaseFormView):
    """附件5 未成年人疑似伤害事件求助登记表."""

    word_template = "help_request_form.docx"
    case_channel = "walk_in"
    case_link = "help_request"
    column_list = ("child_info", "location", "occurred_at", "filled_by", "filled_on", "case")
    column_details_list = (*FORM5_FIELDS, "case", "created_by", "created_at")
    column_labels = {
        "child_info": "未成年人",
        "location": "地点",
        "occurred_at": "时间",
        "occurred_note": "时间说明（时间不确切时填写，如“晚8时许”）",
        "account": "具体经过",
        "perpetrator": "疑似施害者",
        "attachment_note": "附件（文字记录、图片等相关证明）",
        "filled_by": "填写人",
        "filled_on": "填写日期",
        "case": "案件",
    }
    form_columns = (*FORM5_FIELDS, "open_case", "serious_harm")
    form_args = labelled(column_labels, form_columns)
    form_subdocuments = {"child_info": CHILD_INFO_SUB, "perpetrator": PERPETRATOR_SUB}
    form_widget_args = {"account": {"rows": 6}}

    def word_context(self, record):
        from .. import word

        return word.help_request_context(record, current_user)


# 附件6's fields in the seed's order (form, details and Word follow it).
FORM6_FIELDS = (
    "reporter_public",
    "reporter_name",
    "reporter_contact",
    "reporter_identity",
    "reporter_identity_note",
    "report_method",
    "report_method_note",
    "reported_at",
    "reported_note",
    "child_info",
    "scene",
    "occurred_at",
    "occurred_note",
    "account",
    "perpetrator",
    "physical_state",
    "mental_state",
    "behaviour",
    "child_view",
    "attachment_note",
    "filled_by",
    "filled_on",
)


def _reporter(v, c, m, n):
    if m.reporter_public:
        return m.reporter_name or ""
    return "匿名（身份已加密）" if sees_reporter() else "匿名"


class MandatoryReportView(CaseFormView):
    """附件6 未成年人保护强制报告登记表; an anonymous reporter's identity is encrypted."""

    word_template = "mandatory_report_form.docx"
    case_channel = "mandatory"
    case_link = "mandatory_report"
    details_template = "admin/mandatory_report_details.html"
    column_list = (
        "reported_at",
        "reporter_public",
        "reporter_name",
        "child_info",
        "report_method",
        "filled_on",
        "case",
    )
    column_details_list = (*FORM6_FIELDS, "case")
    column_export_list = column_list
    column_labels = {
        "reporter_public": "公开或匿名",
        "reporter_name": "报告人姓名",
        "reporter_contact": "联系方式",
        "reporter_identity": "报告人身份",
        "reporter_identity_note": "报告人身份（请注明）",
        "report_method": "报告方式",
        "report_method_note": "报告方式（请注明）",
        "reported_at": "报告时间",
        "reported_note": "报告时间说明（如“晚8时许”）",
        "child_info": "未成年人",
        "scene": "案件发生地",
        "occurred_at": "发生时间",
        "occurred_note": "发生时间说明（时间不确切时填写，如“上周五傍晚”）",
        "account": "案件经过",
        "perpetrator": "疑似施害者",
        "physical_state": "身体状态",
        "mental_state": "精神状态",
        "behaviour": "行为表现",
        "child_view": "未成年人对伤害案件的认知与评价",
        "attachment_note": "附件（文字记录、图片等相关信息）",
        "filled_by": "填写人",
        "filled_on": "填写日期",
        "case": "案件",
    }
    column_choices = {
        "reporter_identity": list(REPORTER_IDENTITIES),
        "report_method": list(REPORT_METHODS),
    }
    column_formatters = {
        "child_info": _child_name,
        "reporter_name": _reporter,
        "reporter_contact": lambda v, c, m, n: m.reporter_contact if m.reporter_public else "匿名",
        "reporter_public": lambda v, c, m, n: "公开" if m.reporter_public else "匿名",
        "case": _case_link,
    }
    column_formatters_export = {**column_formatters, "case": _case_number}
    column_formatters_detail = {
        **column_formatters,
        "child_info": _child_full,
        "perpetrator": _perpetrator,
    }
    form_columns = (*FORM6_FIELDS, "open_case", "serious_harm")
    form_args = {
        **labelled(column_labels, form_columns),
        "reporter_public": {
            "label": "公开（不勾选为匿名：报告人姓名和联系方式加密保存，仅未保站和县（区）民政局可见）"
        },
        "reported_at": {"label": "报告时间（精确到分）"},
    }
    form_subdocuments = {"child_info": CHILD_INFO_SUB, "perpetrator": PERPETRATOR_SUB}
    column_filters = (equal_filter("report_method", "报告方式", options=list(REPORT_METHODS)),)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and not obj.reporter_public:
            if sees_reporter():
                if request.method == "GET":
                    form.reporter_name.data = decrypt(obj.reporter_name_enc)
                    form.reporter_contact.data = decrypt(obj.reporter_contact_enc)
                    audit.record("view", obj, detail="查看匿名报告人身份（编辑）")
            else:
                # Without the right to see the reporter, neither may one make the report
                # public: that would erase the encrypted identity.
                for name in ("reporter_public", "reporter_name", "reporter_contact"):
                    delattr(form, name)
                form.reporter_identity.description = (
                    "该报告为匿名报告：报告人姓名和联系方式已加密保存，您无权查看或更改。"
                )
        return form

    def check_model(self, form, model, is_created):
        super().check_model(form, model, is_created)
        clock.refuse_future(model.reported_at, "报告时间", "reported_at")
        if (
            model.reporter_identity in REPORTER_NOTE_REQUIRED
            and not (model.reporter_identity_note or "").strip()
        ):
            raise DomainError(
                "报告人身份为“其他亲属”或“其他”时，请注明。", "reporter_identity_note"
            )
        if model.report_method == "other" and not (model.report_method_note or "").strip():
            raise DomainError("报告方式为“其它”时，请注明。", "report_method_note")
        if not model.reporter_public and "reporter_name" in form._fields:
            # Re-encrypted only when changed: a ciphertext differs at every encryption, and
            # one that cannot be read (key changed) must not be replaced by the notice.
            for plain, enc in (
                ("reporter_name", "reporter_name_enc"),
                ("reporter_contact", "reporter_contact_enc"),
            ):
                if decrypt(getattr(model, enc)) != (getattr(model, plain) or ""):
                    setattr(model, enc, encrypt(getattr(model, plain)))
            model.reporter_name = model.reporter_contact = None
        elif model.reporter_public:
            model.reporter_name_enc = model.reporter_contact_enc = None

        if not is_created and model.case:
            cases.check_report_time(model.case, model.reported_at)

    def after_save(self, model, is_created, before):
        super().after_save(model, is_created, before)
        if not is_created and model.case and before.get("reported_at") != model.reported_at:
            cases.follow_report_time(model.case, model.reported_at, current_user, "附件6")

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            model = kwargs["model"]
            if not model.reporter_public and sees_reporter():
                kwargs["reporter"] = (
                    decrypt(model.reporter_name_enc),
                    decrypt(model.reporter_contact_enc),
                )
                audit.record("view", model, detail="查看匿名报告人身份")
        return super().render(template, **kwargs)

    def word_context(self, record):
        from .. import word

        if not record.reporter_public and sees_reporter():
            audit.record("view", record, detail="查看匿名报告人身份（下载 Word）")
        return word.mandatory_report_context(record, current_user)


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
            for u in usable_units(current_user)
        ]
        open_cases = Case.objects.in_scope(current_user).filter(
            step__nin=["archived", "consult_closed"]
        )
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
                usable_units(current_user).filter(pk=ObjectId(model.unit)).first()
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
        from .. import word

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


def unit_directory(user):
    """The units a user's directory lists: those of its own place and of every place above."""
    from mongoengine import Q

    return ReceivingUnit.objects(Q(place__in=list(user.place_path)) | Q(place_path=user.place))


def usable_units(user):
    """Units a user may refer to: the directory's units in use."""
    return unit_directory(user).filter(active=True)


class ReceivingUnitView(ScopedModelView):
    """转介接收单位名录: county and stations keep the units they refer to."""

    roles = CASE_ROLES
    edit_roles = ("province", "county", "station")
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
            return unit_directory(current_user)
        return super().get_query()

    def check_model(self, form, model, is_created):
        if is_created:
            model.set_place(current_user.place)


class CaseView(ScopedModelView):
    """案件: opened from a form or directly; moved only along the flowchart."""

    roles = CASE_ROLES
    edit_roles = ()
    create_roles = CASE_WORKERS
    delete_roles = ()
    audit_views = True
    details_template = "admin/case_details.html"
    column_list = (
        "number",
        "child_info",
        "channel",
        "klass",
        "step",
        "reported_at",
        "first_visit_due",
        "serious_harm",
    )
    column_labels = {
        "number": "案件编号",
        "child_info": "未成年人",
        "channel": "来源渠道",
        "klass": "分类",
        "step": "当前环节",
        "reported_at": "报告时间",
        "first_visit_due": "首次家访期限",
        "serious_harm": "严重家暴/不法侵害",
        "summary": "情况摘要",
    }
    column_choices = {
        "channel": list(CASE_CHANNELS),
        "klass": list(CASE_CLASSES),
        "step": list(CASE_STEPS),
    }
    column_formatters = {"child_info": _child_name}
    column_formatters_export = column_formatters
    column_searchable_list = ("number",)
    column_filters = (
        equal_filter("step", "当前环节", options=list(CASE_STEPS)),
        equal_filter("klass", "分类", options=list(CASE_CLASSES)),
        equal_filter("channel", "来源渠道", options=list(CASE_CHANNELS)),
    )
    column_default_sort = ("reported_at", True)
    form_columns = ("channel", "child_info", "summary", "reported_at", "serious_harm")
    form_args = labelled(column_labels, form_columns)
    form_overrides = {"summary": TextAreaField}
    form_subdocuments = {"child_info": CHILD_INFO_SUB}

    def _child_arg(self):
        """The archive named by ?child= (a case opened from a visit or an archive), in scope."""
        from ..documents import Child

        return get_scoped(Child, request.args.get("child", ""), current_user)[0]

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET":
            form.reported_at.data = form.reported_at.data or clock.now()
        child = self._child_arg()
        if child is not None and request.method == "GET":
            form.channel.data = "visit"
            for key, value in child_info_of(child).items():
                form.child_info.form[key].data = value
        return form

    def create_model(self, form):
        try:
            data = form.child_info.data or {}
            info = ChildInfo(
                **{k: v for k, v in data.items() if k in ChildInfo._fields and v not in ("", None)}
            )
            child = self._child_arg()
            if child is not None:
                info.child = str(child.pk)
            reported = form.reported_at.data
            case = cases.open_case(
                current_user,
                channel=form.channel.data,
                child_info=info,
                reported_at=reported or clock.now(),
                summary=form.summary.data or "",
                serious_harm=bool(form.serious_harm.data),
                village=child.place if child is not None else None,
            )
        except DomainError as exc:
            return self._fail(form, exc.message, exc.field)
        return case

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            case = kwargs["model"]
            kwargs.update(
                next_steps=[(s, cases.STEP_LABELS[s]) for s in cases.allowed_next(case)],
                what_is_done={k: list(v) for k, v in WHAT_IS_DONE.items()},
                classes=list(CASE_CLASSES),
                harm_choices=list(HARM),
                risk_choices=list(RISK),
                parties=list(CONFERENCE_PARTIES),
                first_visit=cases.first_visit_state(case),
                referral_rows=list(Referral.objects(pk__in=case.referrals or [])),
                can_work=current_user.role in CASE_WORKERS,
                step_labels=cases.STEP_LABELS,
                done_labels={k: v for pairs in WHAT_IS_DONE.values() for k, v in pairs}
                | {"first_visit": "首次家访", "report_time_corrected": "更正报告时间"},
            )
        return super().render(template, **kwargs)

    def _case_or_back(self):
        case = self.get_one(request.form.get("id"))
        if case is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
        elif current_user.role not in CASE_WORKERS:
            flash("只有未保站人员可以办理案件。", "danger")
            return None, redirect(url_for(".details_view", id=case.pk))
        return case, None if case is not None else redirect(url_for(".index_view"))

    def _again(self, case, form_id: str, message: str, field: str | None = None):
        """The case page again, the refused form filled with what was typed (nothing lost)."""
        flash(message, "danger")
        return self.render(
            self.details_template,
            model=case,
            details_columns=self._details_columns,
            get_value=self.get_detail_value,
            return_url=url_for(".index_view"),
            posted_form=form_id,
            posted=request.form,
            field_error={field or "": message},
        ), 400

    @expose("/advance/", methods=("POST",))
    def advance_view(self):
        case, bounce = self._case_or_back()
        if bounce:
            return bounce
        try:
            cases.advance(
                case,
                request.form.get("to", ""),
                current_user,
                done=request.form.getlist("done"),
                note=request.form.get("note", ""),
                reason=request.form.get("reason", ""),
                klass=request.form.get("klass") or None,
                harm=request.form.get("harm") or None,
                risk=request.form.get("risk") or None,
            )
        except DomainError as exc:
            case.reload()
            return self._again(case, "advance", exc.message, exc.field)
        flash(f"已进入“{cases.STEP_LABELS[case.step]}”。", "success")
        return redirect(url_for(".details_view", id=case.pk))

    @expose("/first_visit/", methods=("POST",))
    def first_visit_view(self):
        case, bounce = self._case_or_back()
        if bounce:
            return bounce
        try:
            at = (
                dates.parse_datetime(request.form.get("at", ""))
                if request.form.get("at", "").strip()
                else None
            )
            if at is None:
                raise DomainError("请填写家访时间（年-月-日 时:分）。", "at")
            cases.record_first_visit(case, at, current_user, request.form.get("note", ""))
        except ValueError as exc:
            return self._again(case, "first-visit", str(exc), "at")
        except DomainError as exc:
            case.reload()
            return self._again(case, "first-visit", exc.message, exc.field)
        flash("已记录首次家访。", "success")
        return redirect(url_for(".details_view", id=case.pk))

    @expose("/conference/", methods=("POST",))
    def conference_view(self):
        case, bounce = self._case_or_back()
        if bounce:
            return bounce
        try:
            held = (
                dates.parse_date(request.form.get("held_on", ""))
                if request.form.get("held_on", "").strip()
                else None
            )
            if held is None:
                raise DomainError("请填写会商日期。", "held_on")
            conf = Conference(
                held_on=held,
                parties=[
                    p for p in request.form.getlist("parties") if p in dict(CONFERENCE_PARTIES)
                ],
                people=request.form.get("people", "")[:500],
                decisions=request.form.get("decisions", "")[:2000],
                escalated=request.form.get("escalated") == "y",
            )
            cases.add_conference(case, conf, current_user)
        except ValueError as exc:
            return self._again(case, "conference", str(exc), "held_on")
        except DomainError as exc:
            case.reload()
            return self._again(case, "conference", exc.message, exc.field)
        flash("已记录个案会商。", "success")
        return redirect(url_for(".details_view", id=case.pk))

    @expose("/dossier/")
    def dossier_view(self):
        """Download the stored dossier of an archived case (scoped, logged)."""
        case = self.get_one(request.args.get("id"))
        if case is None or case.step != "archived":
            abort(404)
        dossier = Dossier.objects(pk=str(case.pk)).first()
        if dossier is None:
            # Archived but its dossier was never stored (the insert after archiving failed):
            # store it now, once, from the read-only case.
            try:
                dossier = cases.store_dossier(case, current_user)
            except DomainError:
                dossier = Dossier.objects(pk=str(case.pk)).first()
            if dossier is None:
                abort(404)
        audit.record("download", case, detail="下载案卷")
        return send_file(
            io.BytesIO(dossier.data),
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            as_attachment=True,
            download_name=f"案卷_{case.number}.docx",
        )
