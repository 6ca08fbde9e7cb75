"""案件 (附件4): opened from a form or directly, moved only along the flowchart, archived
as a dossier."""

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import TextAreaField

from ..core import clock, dates
from ..documents import DomainError
from ..documents.base import get_scoped
from ..documents.case import ChildInfo, Conference, Dossier, Referral
from ..documents.constants import (
    CASE_CHANNELS,
    CASE_CLASSES,
    CASE_STEPS,
    CONFERENCE_PARTIES,
    HARM,
    RISK,
)
from ..services import audit, cases
from .base import ScopedModelView, equal_filter
from .case_forms import (
    CHILD_INFO_SUB,
    WHAT_IS_DONE,
    _child_name,
    child_info_of,
)
from .formatting import labelled
from .permissions import CASE_WORKERS, SCREENS


class CaseView(ScopedModelView):
    """案件: opened from a form or directly; moved only along the flowchart."""

    roles, edit_roles, create_roles, delete_roles = SCREENS["cases"]
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
