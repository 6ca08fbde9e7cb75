"""走访记录: a child's visit plan and visit records (附件2 五), reached from the archive page.

The child is always loaded through the scope (`Child.objects.in_scope(current_user)`);
an id outside the user's place, or no id at all, is "not found". The visit book is read
and written only by its `_id` (see admin_app/services/visits/).
"""

from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from ..core import clock, dates, privacy
from ..documents import DomainError
from ..documents.constants import LEFT_BEHIND, PARENT_CONTACTS, RISK_LEVELS
from ..documents.visit import VISIT_KINDS
from ..services import assessments, audit, visits
from ..services.children import attachments
from ..services.visits import book as visit_book
from .base import ChildPageView
from .fields import DateInputField
from .permissions import SCREENS

RECORD_ROLES = ("station", "social_worker", "village")
NO_RIGHT = "只有未保站人员和村（居）儿童主任可以登记走访、制定走访计划。"


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _length(limit: int, label: str):
    return Length(max=limit, message=f"{label}不能超过 {limit} 字。")


class VisitForm(FlaskForm):
    """登记走访 (5.2–5.4)."""

    date = DateInputField(
        "走访日期",
        validators=[InputRequired("请填写走访日期。")],
    )
    kind = SelectField(
        "走访类型",
        choices=_choices([("", "请选择…"), *VISIT_KINDS]),
        default="regular",
        validators=[InputRequired("请选择走访类型。")],
        validate_choice=False,
    )
    visitors = StringField(
        "走访人员",
        validators=[InputRequired("请填写走访人员。"), _length(200, "走访人员")],
        description="姓名，多人用顿号分隔",
    )
    guardianship = TextAreaField("监护情况", validators=[_length(1000, "监护情况")])
    living = TextAreaField("生活情况", validators=[_length(1000, "生活情况")])
    study = TextAreaField("学习情况", validators=[_length(1000, "学习情况")])
    health = TextAreaField("健康情况", validators=[_length(1000, "健康情况")])
    services = TextAreaField("提供的服务", validators=[_length(1000, "提供的服务")])
    photos = MultipleFileField(
        "照片或扫描件",
        description="可选，JPG、PNG 或 PDF，每个 10 MB 以内，最多 10 个",
    )
    follow_up_of = StringField(
        "回访的服务事项",
        validators=[_length(200, "回访的服务事项")],
        description="走访类型为“跟踪回访”时必填：回访此前提供的哪项服务",
    )
    parent_contact = SelectField(
        "自上次走访以来与外出父母的联系",
        choices=_choices([("", "请选择…"), *PARENT_CONTACTS]),
        default="",
        validate_choice=False,
        description="农村留守儿童填写",
    )
    risk_level = SelectField(
        "风险再评估",
        choices=_choices([("", "（维持原评估）"), *RISK_LEVELS]),
        default="",
        validate_choice=False,
    )
    risk_reason = TextAreaField("风险原因", validators=[_length(500, "风险原因")])
    next_visit = DateInputField(
        "下次走访日期",
        validators=[Optional()],
        description="填写后自动加入走访计划",
    )


class PlanForm(FlaskForm):
    """临时增加的走访计划 (5.1)."""

    due = DateInputField(
        "计划走访日期",
        validators=[InputRequired("请填写计划走访日期。")],
    )
    kind = SelectField(
        "走访类型",
        choices=_choices(VISIT_KINDS),
        default="ad_hoc",
        validate_choice=False,
    )
    note = StringField("说明", validators=[_length(200, "说明")])


class YearPlanForm(FlaskForm):
    """生成年度走访计划 (5.1)."""

    year = SelectField("年度", choices=[], validate_choice=False)
    start = DateInputField(
        "起始日期（可不填）",
        validators=[Optional()],
    )


def _year_choices():
    this = clock.today().year
    return _choices([(str(this), f"{this}年"), (str(this + 1), f"{this + 1}年")])


class VisitView(ChildPageView):
    """走访计划与记录 of one child: not in the menu, opened from the archive page."""

    roles = SCREENS["visits"].see

    @staticmethod
    def can_record() -> bool:
        return current_user.is_authenticated and current_user.role in RECORD_ROLES

    def _forms(self, child, visit_form=None, plan_form=None, year_form=None):
        if visit_form is None:
            visit_form = VisitForm(prefix="visit", formdata=None)
            visit_form.date.data = clock.today()
            visit_form.visitors.data = current_user.display_name or current_user.username
        if plan_form is None:
            plan_form = PlanForm(prefix="plan", formdata=None)
        if year_form is None:
            year_form = YearPlanForm(prefix="year", formdata=None)
            year_form.year.data = str(clock.today().year)
        year_form.year.choices = _year_choices()
        return visit_form, plan_form, year_form

    def _page(self, child, **forms):
        visit_form, plan_form, year_form = self._forms(child, **forms)
        overview = visit_book.overview(child)
        return self.render(
            "admin/visits.html",
            child=child,
            overview=overview,
            photos={
                v.id: attachments.listing(v.photo_ids)
                for v in overview["visits"]
                if getattr(v, "photo_ids", None)
            },
            kinds=visits.KIND_LABELS,
            risks=visits.RISK_LABELS,
            findings=visits.FINDINGS,
            frequency=visits.FREQUENCY_LABELS.get(child.visit_frequency, ""),
            can_record=self.can_record() and child.status == "active",
            left_behind=LEFT_BEHIND in (child.categories or []),
            parent_contacts=dict(PARENT_CONTACTS),
            # a visit of the last VISIT_DAYS days may carry an assessment (services/assessments)
            assess_since=clock.today() - timedelta(days=assessments.VISIT_DAYS),
            sees_location=privacy.sees_identity(current_user),  # where a family lives
            visit_form=visit_form,
            plan_form=plan_form,
            year_form=year_form,
        )

    def _done(self, child, message: str):
        flash(message, "success")
        return redirect(url_for(".index", child=child.pk))

    def _refuse(self, child):
        flash(NO_RIGHT, "danger")
        return redirect(url_for(".index", child=child.pk))

    @staticmethod
    def _attach(form, exc: DomainError) -> None:
        field = getattr(form, exc.field, None) if exc.field else None
        if field is not None:
            field.errors = list(field.errors or []) + [exc.message]
        flash(f"保存失败：{exc.message}", "danger")

    @staticmethod
    def _invalid():
        flash("保存失败，请按表单中的红色提示修改后重新提交（您填写的内容仍保留）。", "danger")

    # ---- pages ----
    @expose("/")
    def index(self):
        child = self._child(request.args.get("child"))
        if child is None:
            return self._not_found()
        audit.record("view", child, detail="查看走访计划与记录")
        return self._page(child)

    @expose("/record/", methods=("POST",))
    def record(self):
        child = self._child(request.form.get("child"))
        if child is None:
            return self._not_found()
        if not self.can_record():
            return self._refuse(child)
        form = VisitForm(prefix="visit")
        if not form.validate():
            self._invalid()
            return self._page(child, visit_form=form)
        data = {
            name: form[name].data for name in form._fields if name not in ("csrf_token", "photos")
        }
        photos = [(f.filename or "", f.read()) for f in request.files.getlist("visit-photos") if f]
        try:
            visit = visits.record_visit(child, data, current_user, photos=photos)
        except DomainError as exc:
            self._attach(form, exc)
            return self._page(child, visit_form=form)
        return self._done(
            child, f"已登记 {dates.cn_date(visit.date)} 的{visits.KIND_LABELS[visit.kind]}。"
        )

    @expose("/plan/", methods=("POST",))
    def plan(self):
        child = self._child(request.form.get("child"))
        if child is None:
            return self._not_found()
        if not self.can_record():
            return self._refuse(child)
        form = YearPlanForm(prefix="year")
        form.year.choices = _year_choices()
        if not form.validate():
            self._invalid()
            return self._page(child, year_form=form)
        try:
            year = int(form.year.data or "")
        except ValueError:
            year = 0
        try:
            if year not in (int(c.value) for c in _year_choices()):
                raise DomainError("请选择本年度或下一年度。", "year")
            added = visits.make_year_plan(child, year, current_user, start=form.start.data)
        except DomainError as exc:
            self._attach(form, exc)
            return self._page(child, year_form=form)
        if not added:
            flash(f"{year}年度剩余时间的走访已全部列入计划，未新增。", "info")
            return redirect(url_for(".index", child=child.pk))
        return self._done(
            child,
            f"已生成{year}年度走访计划：新增 {len(added)} 次，最近一次 {dates.cn_date(added[0])}。",
        )

    @expose("/add/", methods=("POST",))
    def add_plan(self):
        child = self._child(request.form.get("child"))
        if child is None:
            return self._not_found()
        if not self.can_record():
            return self._refuse(child)
        form = PlanForm(prefix="plan")
        if not form.validate():
            self._invalid()
            return self._page(child, plan_form=form)
        try:
            entry = visits.add_planned(
                child, form.due.data, form.kind.data, form.note.data, current_user
            )
        except DomainError as exc:
            self._attach(form, exc)
            return self._page(child, plan_form=form)
        return self._done(child, f"已将 {dates.cn_date(entry.due)} 的走访加入计划。")
