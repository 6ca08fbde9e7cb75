"""放假调休安排: the province enters each year's arrangement (holidays and make-up working
days) from the State Council's notice; it then governs every working-day deadline."""

from flask import flash
from flask_login import current_user

from ..core import clock, dates
from ..services import workdays
from ..services.children import review
from .base import ScopedModelView
from .permissions import SCREENS

SPAN_LABELS = {"name": "节日名称", "first_day": "放假开始日期", "last_day": "放假结束日期"}
MAKE_UP_LABELS = {"day": "调休上班日期", "note": "说明（如：春节调休）"}


def _spans(view, context, model, name) -> str:
    return "；".join(
        f"{s.name} {dates.cn_date(s.first_day)}至{dates.cn_date(s.last_day)}"
        for s in model.holidays or []
    )


def _make_up(view, context, model, name) -> str:
    return "；".join(
        dates.cn_date(m.day) + (f"（{m.note}）" if m.note else "") for m in model.workdays or []
    )


class HolidayYearView(ScopedModelView):
    roles, edit_roles, create_roles, delete_roles = SCREENS["holiday_years"]
    object_id_converter = int
    column_list = ("id", "holidays", "workdays", "source", "updated_by", "updated_at")
    column_details_list = column_list
    column_labels = {
        "id": "年度",
        "holidays": "放假安排",
        "workdays": "调休上班日",
        "source": "依据（通知名称或文号）",
    }
    column_formatters = {"holidays": _spans, "workdays": _make_up}
    column_formatters_detail = column_formatters
    column_formatters_export = column_formatters
    column_default_sort = ("id", True)
    form_columns = ("id", "source", "holidays", "workdays")
    form_args = {
        "id": {
            "label": "年度",
            "description": "国务院办公厅每年秋季公布下一年度的放假调休安排，公布后请及时录入。",
        },
        "source": {"label": "依据（通知名称或文号）"},
        "holidays": {
            "label": "放假安排",
            "description": "每个节日填写名称和放假的第一天、最后一天（与周末连休的日期一并计入）。",
        },
        "workdays": {"label": "调休上班日", "description": "因调休而上班的周六、周日。"},
    }
    form_subdocuments = {
        "holidays": {
            "form_subdocuments": {
                None: {
                    "form_columns": tuple(SPAN_LABELS),
                    "form_args": {k: {"label": v} for k, v in SPAN_LABELS.items()},
                }
            }
        },
        "workdays": {
            "form_subdocuments": {
                None: {
                    "form_columns": tuple(MAKE_UP_LABELS),
                    "form_args": {k: {"label": v} for k, v in MAKE_UP_LABELS.items()},
                }
            }
        },
    }
    duplicate_message = "保存失败：该年度的放假调休安排已录入，请在列表中打开并修改。"

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if not form.id.data:
            form.id.data = workdays.next_year_missing(clock.today()) or clock.today().year + 1
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        del form.id  # the year is the record's key: enter another year as a new record
        return form

    def after_save(self, model, is_created, before):
        self._reschedule(model.id)

    def after_model_delete(self, model):
        self._reschedule(model.id)

    @staticmethod
    def _reschedule(year: int) -> None:
        moved = review.reschedule_reviews(current_user)
        flash(
            f"{year}年的工作日现依据：{workdays.source_of(year)}。"
            f"已重新计算待审核档案的审核期限：{moved} 份有变化。",
            "info",
        )
