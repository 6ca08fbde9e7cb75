"""附件6 未成年人疑似伤害事件强制报告登记表 on screen; the reporter's identity seen only where allowed."""

from flask import request
from flask_login import current_user

from ..core import clock
from ..crypto import decrypt, encrypt
from ..documents import DomainError
from ..documents.constants import REPORT_METHODS, REPORTER_IDENTITIES, REPORTER_NOTE_REQUIRED
from ..services import audit, cases
from .base import equal_filter
from .case_forms import (
    CHILD_INFO_SUB,
    PERPETRATOR_SUB,
    CaseFormView,
    _case_link,
    _case_number,
    _child_full,
    _child_name,
    _perpetrator,
    sees_reporter,
)
from .formatting import labelled

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
        from ..services import word

        if not record.reporter_public and sees_reporter():
            audit.record("view", record, detail="查看匿名报告人身份（下载 Word）")
        return word.mandatory_report_context(record, current_user)
