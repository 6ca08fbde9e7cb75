"""督导抽查 (附件2 3.1.2; issue 16): the township 儿童督导员 draws a random sample of a
village's archives and recent visits, verifies each in person and records the result;
the county and the city read the results. A check is read by `_id` inside the scope."""

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from ..documents import DomainError, Place
from ..documents.base import get_scoped
from ..documents.constants import SPOT_CHECK_KINDS, SPOT_CHECK_RESULTS, VILLAGE
from ..documents.spot_check import SpotCheck
from ..services import audit, supervision
from .base import SecureBaseView
from .permissions import SCREENS, may

SHOWN = 50  # the newest draws listed


class SpotCheckView(SecureBaseView):
    roles = SCREENS["spot_checks"].see

    def _index(self, typed=None):
        checks = list(
            SpotCheck.objects.in_scope(current_user)
            .exclude("items")
            .order_by("-drawn_on", "-created_at")
            .limit(SHOWN)
        )
        return self.render(
            "admin/spot_checks.html",
            checks=checks,
            shown=SHOWN,
            villages=Place.choices_under(current_user.place, VILLAGE),
            may_draw=may("edit", "spot_checks", current_user.role),
            typed=typed or {},
            place_name=Place.full_name_of,
            most=(supervision.MAX_ARCHIVES, supervision.MAX_VISITS),
            days=supervision.VISIT_DAYS,
        )

    @expose("/")
    def index(self):
        return self._index()

    @expose("/draw/", methods=("POST",))
    def draw(self):
        form = request.form
        try:
            check = supervision.draw(
                current_user,
                form.get("village"),
                form.get("archives"),
                form.get("visits"),
                form.get("seed"),
            )
        except DomainError as exc:
            flash(f"抽查未生成：{exc.message}（您填写的内容仍保留）", "danger")
            return self._index(typed=form.to_dict())
        flash(f"已抽取 {len(check.items)} 项，请逐项核实并记录结果。", "success")
        return redirect(url_for(".details", id=check.pk))

    @expose("/view/")
    def details(self):
        check, _ = get_scoped(SpotCheck, request.args.get("id"), current_user)
        if check is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index"))
        audit.record("view", check, detail="查看督导抽查")
        return self.render(
            "admin/spot_check_details.html",
            check=check,
            village=Place.full_name_of(check.place),
            kinds=dict(SPOT_CHECK_KINDS),
            results=dict(SPOT_CHECK_RESULTS),
            may_check=may("edit", "spot_checks", current_user.role),
        )

    @expose("/result/", methods=("POST",))
    def result(self):
        form = request.form
        try:
            check = supervision.record_result(
                current_user,
                form.get("id"),
                form.get("index"),
                form.get("result"),
                form.get("note"),
            )
        except DomainError as exc:
            flash(f"保存失败：{exc.message}", "danger")
            check, _ = get_scoped(SpotCheck, form.get("id"), current_user)
            return redirect(url_for(".details", id=check.pk) if check else url_for(".index"))
        flash("已记录核实结果。", "success")
        return redirect(url_for(".details", id=check.pk))
