"""监护与风险评估 (4.2.1, 4.2.3; issue 15): a child's assessments, a new one, one read with
the indicator list of its version, its Word sheet; and the indicator list itself
(评估指标), which the province edits into a new version.

The child is always loaded through the scope (`get_scoped`); an id outside the user's
place, or none, is "not found", like the visits page (views/visits.py).
"""

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..core import clock, dates, text
from ..documents import DomainError
from ..documents.constants import (
    ASSESSMENT_GROUPS,
    GUARDIANSHIP_ASPECTS,
    REASSESS_PERIODS,
    RISK_COLOUR_NAMES,
    RISK_COLOURS,
    RISK_LEVELS,
    VISIT_FREQUENCIES,
)
from ..services import assessments, audit
from ..services.assessments import scale as scales
from ..services.assessments import sheet
from .base import ChildPageView, SecureBaseView
from .fields import DateInputField
from .permissions import SCREENS, may

NOT_FOUND = "记录不存在或不在您的管辖范围内。"
NO_RIGHT = "只有未保站人员和村（居）儿童主任可以进行评估。"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class AssessmentForm(FlaskForm):
    assessed_on = DateInputField("评估日期", validators=[InputRequired("请填写评估日期。")])
    assessors = StringField(
        "评估人",
        validators=[
            InputRequired("请填写评估人。"),
            Length(max=200, message="评估人不能超过 200 字。"),
        ],
        description="姓名，多人用顿号分隔",
    )
    visit = SelectField("评估方式", choices=[], validate_choice=False)
    note = TextAreaField(
        "评估说明", validators=[Length(max=1000, message="评估说明不能超过 1000 字。")]
    )


def _labels():
    return {
        "groups": dict(ASSESSMENT_GROUPS),
        "aspects": dict(GUARDIANSHIP_ASPECTS),
        "outcomes": assessments.OUTCOME_LABELS,
        "grades": dict(RISK_LEVELS),
        "colours": RISK_COLOURS,
        "colour_names": RISK_COLOUR_NAMES,
        "frequencies": assessments.FREQUENCY_LABELS,
        "periods": dict(REASSESS_PERIODS),
    }


class AssessmentView(ChildPageView):
    """A child's 监护与风险评估: not in the menu, opened from the archive page."""

    roles = SCREENS["assessments"].see

    @staticmethod
    def can_assess(child=None) -> bool:
        ok = may("edit", "assessments", current_user.role)
        return ok and (child is None or child.status == "active")

    def _entry(self):
        child = self._child(request.args.get("child"))
        if child is None:
            return None, None
        return child, assessments.entry_of(child, (request.args.get("entry") or "").strip())

    # ---- a child's assessments ----
    @expose("/")
    def index(self):
        child = self._child(request.args.get("child"))
        if child is None:
            return self._not_found()
        audit.record("view", child, detail="查看监护与风险评估")
        return self.render(
            "admin/assessments.html",
            child=child,
            entries=assessments.history(child),
            can_assess=self.can_assess(child),
            **_labels(),
        )

    def _form_page(self, child, form=None, answers=None):
        scale = scales.current()
        if form is None:
            form = AssessmentForm(formdata=None)
            form.assessed_on.data = clock.today()
            form.assessors.data = current_user.display_name or current_user.username
            form.visit.data = request.args.get("visit") or ""
        form.visit.choices = [("", "单独评估（不在走访时）")] + [
            (v.id, f"走访时评估：{dates.cn_date(v.date)} {v.visitors or ''}")
            for v in assessments.recent_visits(child)
        ]
        return self.render(
            "admin/assessment_form.html",
            child=child,
            form=form,
            scale=scale,
            answers=answers or {},
            **_labels(),
        )

    @expose("/new/")
    def new(self):
        child = self._child(request.args.get("child"))
        if child is None:
            return self._not_found()
        if not self.can_assess(child):
            flash(
                NO_RIGHT if child.status == "active" else "该儿童已不在册，不能再评估。", "danger"
            )
            return redirect(url_for(".index", child=child.pk))
        return self._form_page(child)

    @expose("/new/", methods=("POST",))
    def save(self):
        child = self._child(request.form.get("child"))
        if child is None:
            return self._not_found()
        if not self.can_assess(child):
            flash(NO_RIGHT, "danger")
            return redirect(url_for(".index", child=child.pk))
        form = AssessmentForm()
        answers = {key[5:]: value for key, value in request.form.items() if key.startswith("item-")}
        if not form.validate():
            flash("保存失败，请按表单中的红色提示修改后重新提交（您填写的内容仍保留）。", "danger")
            return self._form_page(child, form, answers)
        data = {
            "assessed_on": form.assessed_on.data,
            "assessors": form.assessors.data,
            "visit": form.visit.data,
            "note": form.note.data,
            "answers": answers,
        }
        try:
            entry = assessments.assess(child, data, current_user)
        except DomainError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors = list(field.errors or []) + [exc.message]
            flash(f"保存失败：{exc.message}（您填写的内容仍保留）", "danger")
            return self._form_page(child, form, answers)
        flash(
            f"已保存 {dates.cn_date(entry.assessed_on)} 的评估：{assessments.OUTCOME_LABELS[entry.outcome]}，"
            f"{assessments.GRADE_LABELS[entry.grade]}；下次评估 {dates.cn_date(entry.next_due)}。",
            "success",
        )
        args = {"child": child.pk, "entry": entry.id}
        if assessments.rose_to_top(entry):
            args["rose"] = "1"
        return redirect(url_for(".details", **args))

    @expose("/view/")
    def details(self):
        child, entry = self._entry()
        if child is None:
            return self._not_found()
        if entry is None:
            flash(NOT_FOUND, "danger")
            return redirect(url_for(".index", child=child.pk))
        audit.record("view", child, detail=f"查看评估：{entry.assessed_on.isoformat()}")
        return self.render(
            "admin/assessment_details.html",
            child=child,
            entry=entry,
            scale=scales.version(entry.scale_version),
            rose=request.args.get("rose") == "1" and assessments.rose_to_top(entry),
            may_open_case=may("create", "cases", current_user.role),
            **_labels(),
        )

    @expose("/sheet/")
    def sheet(self):
        child, entry = self._entry()
        if child is None or entry is None:
            abort(404)
        data = sheet.render(child, entry, current_user)
        audit.record("download", child, detail=f"下载评估表：{entry.assessed_on.isoformat()}")
        name = f"监护状况与风险等级评估表_{child.name}_{entry.assessed_on:%Y%m%d}.docx"
        return send_file(
            io.BytesIO(data), mimetype=DOCX, as_attachment=True, download_name=text.file_name(name)
        )


class ScaleView(SecureBaseView):
    """评估指标: the indicator list every assessment answers, its versions; the province
    edits it into a new version (an assessment keeps the version it used)."""

    roles = SCREENS["assessment_scale"].see

    def _page(self, shown, rows=None, grades=None, aspects=None, note=""):
        latest = scales.current()
        editing = may("edit", "assessment_scale", current_user.role) and shown.id == latest.id
        fresh = rows is None
        if fresh:
            rows = [dict(i, options=scales.options_text(i["options"])) for i in shown.items]
        if editing and fresh:
            rows = list(rows) + [
                {
                    "code": "",
                    "group": "",
                    "aspect": "",
                    "text": "",
                    "weight": 1,
                    "options": "否=0\n是=2",
                    "source": "",
                    "blank": True,
                }
                for _ in range(3)
            ]
        return self.render(
            "admin/assessment_scale.html",
            shown=shown,
            latest=latest,
            versions=scales.versions(),
            rows=rows,
            grade_values=grades or {g["code"]: g for g in shown.grades},
            aspects_values=aspects or shown.aspects,
            grades_labels=RISK_LEVELS,
            note=note,
            editing=editing,
            visit_frequencies=[(c, label) for c, label, _ in VISIT_FREQUENCIES],
            reassess_periods=REASSESS_PERIODS,
            **_labels(),
        )

    @expose("/")
    def index(self):
        raw = (request.args.get("version") or "").strip()
        shown = scales.version(int(raw)) if raw.isdigit() and len(raw) < 6 else None
        if raw and shown is None:
            flash("没有这一版评估指标。", "danger")
        return self._page(shown or scales.current())

    @expose("/", methods=("POST",))
    def save(self):
        if not may("edit", "assessment_scale", current_user.role):
            flash("只有自治区民政厅可以修订评估指标。", "danger")
            return redirect(url_for(".index"))
        form = request.form
        rows = []
        for n in range(
            int(form.get("rows", "0") or 0) if (form.get("rows") or "").isdigit() else 0
        ):
            if n >= scales.MAX_ITEMS + 3:
                break
            rows.append(
                {
                    key: form.get(f"item-{n}-{key}", "")
                    for key in ("code", "group", "aspect", "text", "weight", "options", "source")
                }
                | {"removed": bool(form.get(f"item-{n}-removed"))}
            )
        grades = {
            code: {
                k: form.get(f"grade-{code}-{k}", "") for k in ("min_score", "frequency", "reassess")
            }
            for code, _ in RISK_LEVELS
        }
        aspects = {a: form.get(f"aspect-{a}", "") for a, _ in GUARDIANSHIP_ASPECTS}
        base = form.get("base_version", "")
        try:
            made = scales.save_version(
                current_user,
                int(base) if base.isdigit() and len(base) < 6 else 0,
                rows,
                grades,
                aspects,
                form.get("note", ""),
            )
        except DomainError as exc:
            flash(f"保存失败：{exc.message}（您填写的内容仍保留）", "danger")
            latest = scales.current()
            return self._page(
                latest, rows=rows, grades=grades, aspects=aspects, note=form.get("note", "")
            )
        flash(
            f"已保存第 {made.id} 版评估指标；此后的评估按新版进行，此前的评估仍按原版本显示。",
            "success",
        )
        return redirect(url_for(".index"))
