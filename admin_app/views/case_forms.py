"""What the three forms (附件5–7) share on screen: the child and perpetrator boxes, the
roles that see and fill them, the link to the case a form opened, and the form view."""

import io

from flask import abort, flash, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import BooleanField, TextAreaField

from ..core import clock, text
from ..documents import DomainError
from ..documents.base import get_scoped
from ..documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    FOLLOW_REFERRALS,
    FOLLOW_UP_ITEMS,
    INTERVENTIONS,
    PLACEMENT_SERVICES,
    RELATIONS,
)
from ..services import audit, cases
from .base import ScopedModelView
from .converters import tidy_strings
from .formatting import link
from .permissions import SCREENS

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

    roles, edit_roles, create_roles, delete_roles = SCREENS["case_forms"]
    audit_views = True
    word_template = ""
    column_default_sort = ("created_at", True)  # newest first, from its index (indexes.py)

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, data = super().get_list(
            page, sort_column, sort_desc, search, filters, execute, page_size
        )
        if execute:  # the page's cases in one read, for the 案件 links of its rows
            data = list(data)
            cases.prefetch_references([getattr(m, "case", None) for m in data])
        return count, data

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
        from ..services import word

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
            download_name=text.file_name(name),
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
