"""群众报告: the inbox of reports from a station's public page (QR) and of hotline work
orders (services/cases/public.py); accepting one opens its 附件6 and case, rejecting needs
a reason. Also the station's QR code, and the province's switch of the public pages."""

import io

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..core import privacy, text
from ..crypto import decrypt
from ..documents import DomainError, Place, Station
from ..documents.base import get_scoped
from ..documents.constants import (
    ANONYMOUS_REPORTER_ROLES,
    GENDERS,
    PUBLIC_CHANNELS,
    PUBLIC_REJECT_REASONS,
    PUBLIC_RELATIONS,
    PUBLIC_STATUSES,
    TOWNSHIP,
)
from ..services import audit
from ..services.cases import public
from ..services.children import attachments
from .base import ScopedModelView, equal_filter, send_record_photo
from .permissions import SCREENS, may


def report_url(station: Station) -> str:
    """The address the station's QR code opens."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or request.host_url).rstrip("/")
    return base + url_for("public.report", token=public.token_of(station))


def qr_png(station: Station) -> bytes:
    return public.qr_png(report_url(station))


class PublicReportView(ScopedModelView):
    # Nothing here is edited, created or deleted through Flask-Admin's forms: accepting,
    # rejecting and a hotline call have their own routes, each checked against the same
    # table (permissions.py: SCREENS["public_reports"] edit and create).
    roles, edit_roles, create_roles, delete_roles = SCREENS["public_reports"].see, (), (), ()
    audit_views = True
    details_template = "admin/public_report_details.html"
    list_template = "admin/public_report_list.html"
    column_list = ("sent_at", "channel", "child_name", "where", "danger_now", "status", "due")
    column_labels = {
        "sent_at": "报告时间",
        "channel": "渠道",
        "child_name": "儿童姓名",
        "where": "地点",
        "danger_now": "仍有危险",
        "status": "状态",
        "due": "受理期限",
        "what": "发生了什么",
    }
    column_choices = {"channel": list(PUBLIC_CHANNELS), "status": list(PUBLIC_STATUSES)}
    column_formatters = {
        "child_name": lambda v, c, m, n: m.child_name or "不详",
        "where": lambda v, c, m, n: (m.where or "")[:40],
        "danger_now": lambda v, c, m, n: "是" if m.danger_now else "",
    }
    column_filters = (
        equal_filter("status", "状态", options=list(PUBLIC_STATUSES)),
        equal_filter("channel", "渠道", options=list(PUBLIC_CHANNELS)),
    )
    column_default_sort = ("sent_at", True)
    can_export = False

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            model = kwargs["model"]
            kwargs.update(self._details_context(model))
        if template == self.list_template:
            kwargs["channel_open"] = public.channel_open()
            kwargs["may_switch"] = may("edit", "public_switch", current_user.role)
            kwargs["may_call"] = may("create", "public_reports", current_user.role)
        return super().render(template, **kwargs)

    def _details_context(self, model) -> dict:
        sees_reporter = current_user.role in ANONYMOUS_REPORTER_ROLES
        reporter = None
        if sees_reporter and (model.reporter_name_enc or model.reporter_contact_enc):
            reporter = {
                "name": decrypt(model.reporter_name_enc) if model.reporter_name_enc else "",
                "contact": decrypt(model.reporter_contact_enc)
                if model.reporter_contact_enc
                else "",
            }
            audit.record("view", model, detail="查看群众报告的报告人信息")
        return {
            "reporter": reporter,
            "sees_reporter": sees_reporter,
            "photos": attachments.listing(model.photo_ids),
            "relations": {k: label for k, label, _ in PUBLIC_RELATIONS},
            "reject_reasons": PUBLIC_REJECT_REASONS,
            "genders": dict(GENDERS),
            "may_decide": may("edit", "public_reports", current_user.role),
            "place_name": Place.full_name_of(model.place),
            "shown": lambda value: privacy.shown(value, current_user),
        }

    def _report_or_back(self):
        if not may("edit", "public_reports", current_user.role):
            flash("您的角色不能受理群众报告。", "danger")
            return None, redirect(url_for(".index_view"))
        report = self.get_one(request.form.get("id"))
        if report is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return None, redirect(url_for(".index_view"))
        return report, None

    @expose("/accept/", methods=("POST",))
    def accept_view(self):
        report, bounce = self._report_or_back()
        if bounce:
            return bounce
        try:
            case = public.accept(report.pk, current_user, serious=bool(request.form.get("serious")))
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".details_view", id=report.pk))
        flash(f"已受理，立案 {case.number}，并生成强制报告登记表（附件6）。", "success")
        return redirect(url_for("cases.details_view", id=case.pk))

    @expose("/reject/", methods=("POST",))
    def reject_view(self):
        report, bounce = self._report_or_back()
        if bounce:
            return bounce
        try:
            public.reject(
                report.pk,
                current_user,
                request.form.get("reason", ""),
                request.form.get("note", ""),
            )
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".details_view", id=report.pk))
        flash("已记录为不予受理。", "info")
        return redirect(url_for(".index_view"))

    @expose("/call/", methods=("GET", "POST"))
    def call_view(self):
        """A call to the hotline, entered as a work order."""
        if not may("create", "public_reports", current_user.role):
            abort(403)
        context = dict(
            genders=GENDERS,
            relations=[(k, label) for k, label, _ in PUBLIC_RELATIONS],
            return_url=url_for(".index_view"),
        )
        if request.method == "GET":
            return self.render("admin/public_report_call.html", form={}, **context)
        try:
            report = public.take_call(current_user, request.form.to_dict())
        except DomainError as exc:
            flash(exc.message, "danger")
            return self.render(
                "admin/public_report_call.html",
                form=request.form,
                field=exc.field,
                **context,
            ), 400
        flash("热线工单已登记，请在答复期限前受理或说明不予受理的原因。", "success")
        return redirect(url_for(".details_view", id=report.pk))

    @expose("/switch/", methods=("POST",))
    def switch_view(self):
        if not may("edit", "public_switch", current_user.role):
            abort(403)
        is_open = request.form.get("open") == "1"
        public.set_channel(is_open, current_user)
        flash(
            "各未保站的网上报告页面已开放。" if is_open else "各未保站的网上报告页面已关闭。",
            "success" if is_open else "warning",
        )
        return redirect(url_for(".index_view"))

    @expose("/photo/")
    def photo_view(self):
        """A photo the sender attached, inside the user's place (FILE_CSP: nothing in it runs)."""
        return send_record_photo("public_reports", "群众报告照片")

    @expose("/qr/")
    def qr_view(self):
        """The QR code of a station's public page (PNG), for the station's own staff and
        the offices above it."""
        station, elsewhere = get_scoped(Station, request.args.get("station"), current_user)
        if elsewhere:
            audit.record("denied", None, detail=f"stations:{request.args.get('station')}")
        if station is None or (Place.info(station.place) or {}).get("level") != TOWNSHIP:
            abort(404)
        audit.record("download", station, detail="下载网上报告二维码")
        return send_file(
            io.BytesIO(qr_png(station)),
            mimetype="image/png",
            as_attachment=True,
            download_name=text.file_name(f"{station.name}_网上报告二维码.png"),
        )
