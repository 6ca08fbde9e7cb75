"""未保站 registry, the allocation table (附件1) and construction progress."""

import io

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.form import rules  # noqa: F401 - kept for subclasses' form rules
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..core import dates, sheets
from ..documents import DomainError, Place, Station, station_name
from ..documents.constants import (
    ACCEPTANCE_RESULTS,
    BUILD_STATUSES,
    EQUIPMENT,
    OFFICE_ROOMS,
    SERVICE_ROOMS,
    SETUP_MODES,
    SOCIAL_WORK_QUALIFICATIONS,
    STAFF_ROLES,
    TOWNSHIP,
    WALL_RULES,
)
from ..services import audit, stations
from ..services.stations import progress
from ..services.stations.tables import (
    AllocationImportError,
    allocation_workbook,
    read_allocation_table,
)
from .base import ScopedModelView, SecureBaseView, equal_filter
from .permissions import ACCEPTANCE_ROLES, SCREENS


def _labels(pairs):
    return lambda v, c, m, n: "、".join(dict(pairs).get(x, x) for x in (getattr(m, n) or []))


def _staff(view, context, model, name):
    return "；".join(
        f"{s.name}（{dict(STAFF_ROLES).get(s.staff_role, '')}"
        f"{'，' + dict(SOCIAL_WORK_QUALIFICATIONS)[s.qualification] if s.qualification and s.qualification != 'none' else ''}）"
        for s in model.staff or []
    )


# The registry's fields in the order of 四(一)–(三) (form and details follow it).
STATION_FIELDS = (
    "setup_mode",
    "sign_hung",
    "office_rooms",
    "service_rooms",
    "equipment",
    "rules_posted",
    "staff",
    "build_status",
    "build_year",
    "filed_date",
    "acceptance_date",
    "acceptance_result",
    "acceptance_note",
    "phone",
    "address",
)


ACCEPTANCE_FIELDS = ("acceptance_date", "acceptance_result", "acceptance_note")


class StationView(ScopedModelView):
    """County staff register stations; the station keeps its details; the province accepts."""

    roles, edit_roles, create_roles, delete_roles = SCREENS["stations"]
    acceptance_roles = ACCEPTANCE_ROLES  # 验收 has its own action (accept_view), not the form
    details_template = "admin/station_details.html"
    role_hidden_fields = {
        "station": (
            "build_status",
            "build_year",
            "filed_date",
        ),
    }
    column_list = (
        "name",
        "place",
        "setup_mode",
        "build_status",
        "build_year",
        "filed_date",
        "acceptance_result",
        "staff",
    )
    column_details_list = ("name", "place", *STATION_FIELDS, "updated_at", "updated_by")
    column_export_list = column_details_list
    column_labels = {
        "name": "未保站名称",
        "place": "所在乡镇（街道）",
        "township": "所在乡镇（街道）",
        "setup_mode": "设置方式",
        "sign_hung": "已悬挂标识",
        "office_rooms": "办公区域",
        "service_rooms": "服务功能区",
        "equipment": "办公设备",
        "rules_posted": "已上墙制度",
        "staff": "工作人员",
        "build_status": "建设状态",
        "build_year": "建成年份",
        "filed_date": "备案日期",
        "acceptance_date": "验收日期",
        "acceptance_result": "验收结果",
        "acceptance_note": "验收意见",
        "phone": "联系电话",
        "address": "地址",
        "updated_at": "最后修改时间",
        "updated_by": "最后修改人",
    }
    column_choices = {
        "setup_mode": list(SETUP_MODES),
        "build_status": list(BUILD_STATUSES),
        "acceptance_result": list(ACCEPTANCE_RESULTS),
    }
    _fmt = {
        "place": lambda v, c, m, n: Place.full_name_of(m.place),
        "office_rooms": _labels(OFFICE_ROOMS),
        "service_rooms": _labels(SERVICE_ROOMS),
        "equipment": _labels(EQUIPMENT),
        "rules_posted": _labels(WALL_RULES),
        "staff": _staff,
    }
    column_formatters = _fmt
    column_formatters_detail = _fmt
    column_formatters_export = {
        **_fmt,
        "setup_mode": lambda v, c, m, n: dict(SETUP_MODES).get(m.setup_mode, ""),
        "build_status": lambda v, c, m, n: dict(BUILD_STATUSES).get(m.build_status, ""),
        "acceptance_result": lambda v, c, m, n: dict(ACCEPTANCE_RESULTS).get(
            m.acceptance_result, ""
        ),
    }
    column_searchable_list = ("name",)
    column_sortable_list = ("name", "build_status", "build_year", "filed_date")
    column_default_sort = "place"
    column_filters = (
        equal_filter("build_status", "建设状态", options=list(BUILD_STATUSES)),
        equal_filter("acceptance_result", "验收结果", options=list(ACCEPTANCE_RESULTS)),
        equal_filter("setup_mode", "设置方式", options=list(SETUP_MODES)),
    )
    form_args = {
        **{k: {"label": v} for k, v in column_labels.items() if k not in ("place", "township")},
        **{
            k: {
                "label": label,
                "widget": ListWidget(prefix_label=False),
                "option_widget": CheckboxInput(),
            }
            for k, label in (
                ("office_rooms", "办公区域"),
                ("service_rooms", "服务功能区"),
                ("equipment", "办公设备"),
                ("rules_posted", "已上墙制度"),
            )
        },
    }
    form_widget_args = {
        k: {"class": "list-unstyled wbz-checks"}
        for k in ("office_rooms", "service_rooms", "equipment", "rules_posted")
    }
    form_subdocuments = {
        "staff": {
            "form_subdocuments": {
                None: {
                    "form_columns": ("name", "staff_role", "phone", "qualification", "full_time"),
                    "form_args": {
                        "name": {"label": "姓名"},
                        "staff_role": {"label": "岗位"},
                        "phone": {"label": "联系电话"},
                        "qualification": {"label": "社工资格"},
                        "full_time": {"label": "专职"},
                    },
                }
            }
        }
    }
    duplicate_message = "保存失败：该乡镇（街道）已登记未保站，一个乡镇（街道）只设一个未保站。"

    form_extra_fields = {
        "township": SelectField(
            "所在乡镇（街道）", choices=[], validators=[InputRequired("请选择乡镇（街道）。")]
        ),
    }
    # 验收 is not in the form: the province records it by its own action (accept_view).
    form_columns = ("township", *(f for f in STATION_FIELDS if f not in ACCEPTANCE_FIELDS))

    def create_form(self, obj=None):
        form = super().create_form(obj)
        form.township.choices = [("", "请选择…")] + self._free_townships()
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        delattr(form, "township")
        return form

    def _free_townships(self):
        taken = set(Station.objects.in_scope(current_user).distinct("place"))
        return [c for c in Place.choices_under(current_user.place, TOWNSHIP) if c[0] not in taken]

    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            kwargs.update(
                can_accept=current_user.role in self.acceptance_roles,
                acceptance_results=list(ACCEPTANCE_RESULTS),
                posted=kwargs.get("posted") or {},
            )
        return super().render(template, **kwargs)

    @expose("/accept/", methods=("POST",))
    def accept_view(self):
        """验收 by the province: its own fields, nothing else of the station changes."""
        station = self.get_one(request.form.get("id"))
        if station is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if current_user.role not in self.acceptance_roles:
            flash("只有自治区民政厅可以记录验收。", "danger")
            return redirect(url_for(".details_view", id=station.pk))
        try:
            typed = request.form.get("acceptance_date", "").strip()
            day = dates.parse_date(typed) if typed else None
            result = request.form.get("acceptance_result") or None
            if day is None or result not in dict(ACCEPTANCE_RESULTS):
                raise DomainError("请填写验收日期并选择验收结果。", "acceptance_result")
            stations.accept(
                station, day, result, request.form.get("acceptance_note", ""), current_user
            )
        except (ValueError, DomainError) as exc:
            message = getattr(exc, "message", str(exc))
            flash(f"验收未记录：{message}", "danger")
            station.reload()
            return self.render(
                self.details_template,
                model=station,
                details_columns=self._details_columns,
                get_value=self.get_detail_value,
                return_url=url_for(".index_view"),
                posted=request.form,
            ), 400
        flash("已记录验收结果。", "success")
        return redirect(url_for(".details_view", id=station.pk))

    def check_model(self, form, model, is_created):
        if is_created:
            key = form.township.data
            allowed = {k for k, _ in Place.choices_under(current_user.place, TOWNSHIP)}
            if key not in allowed:
                raise DomainError("请选择您管辖范围内的乡镇（街道）。", "township")
            if Station.objects(place=key).first():
                raise DomainError(self.duplicate_message, "township")
            model.set_place(key)
            model.name = station_name(Place.name_of(key))
        model.check()


class AllocationView(ScopedModelView):
    """附件1 建设任务分配表: county staff set the yearly split of their county's total."""

    roles, edit_roles, create_roles, delete_roles = SCREENS["allocations"]
    can_view_details = False
    can_export = False  # the Excel download below carries the table in its own layout
    list_template = "admin/allocation_list.html"
    role_hidden_fields = {"county": ("plan_total",)}
    column_list = ("place", "plan_total", "target_2023", "target_2024", "split_confirmed", "note")
    column_labels = {
        "place": "县（区）",
        "plan_total": "任务总数（附件1）",
        "target_2023": "2023年建设任务",
        "target_2024": "2024年建设任务",
        "split_confirmed": "分年已确认",
        "note": "备注",
    }
    column_formatters = {
        "place": lambda v, c, m, n: Place.full_name_of(m.place),
        "split_confirmed": lambda v, c, m, n: "已确认" if m.split_confirmed else "未确认",
    }
    column_sortable_list = ()
    column_default_sort = "place"
    form_columns = ("plan_total", "target_2023", "target_2024", "note")
    form_args = {
        "plan_total": {
            "label": "任务总数（附件1）",
            "description": "方案附件1所列该县（区）建设任务数。",
        },
        "target_2023": {"label": "2023年建设任务", "description": "2023 年底前建成的个数。"},
        "target_2024": {
            "label": "2024年建设任务",
            "description": "2024 年建成的个数；两年之和应等于任务总数。",
        },
        "note": {"label": "备注"},
    }
    page_size = 50

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if obj is not None and "plan_total" not in form._fields:
            form.target_2024.description = (
                f"该县（区）任务总数（附件1）为 {obj.plan_total} 个；两年之和应等于它。"
            )
        return form

    def render(self, template, **kwargs):
        if template == self.list_template:
            rows = progress.county_rows(current_user)
            kwargs["checks"] = (
                progress.province_check(rows) if current_user.role == "province" else []
            )
            kwargs["totals"] = progress.total_row(rows)
        return super().render(template, **kwargs)

    @expose("/download.xlsx")
    def download(self):
        rows = list(self.get_query())
        data = allocation_workbook(rows)
        audit.record("export", None, detail="建设任务分配表 xlsx")
        return send_file(
            io.BytesIO(data),
            mimetype=sheets.XLSX,
            as_attachment=True,
            download_name="未成年人保护工作站建设任务分配表.xlsx",
        )

    @expose("/import/", methods=("GET", "POST"))
    def import_view(self):
        if not self.can_edit:
            flash("您没有修改建设任务分配表的权限。", "danger")
            return redirect(url_for(".index_view"))
        errors: list[str] = []
        if request.method == "POST":
            upload = request.files.get("file")
            if upload is None or not upload.filename:
                errors.append("请选择要导入的 Excel（.xlsx）或 CSV 文件。")
            else:
                try:
                    changes = read_allocation_table(
                        upload.filename, upload.read(), self.get_query()
                    )
                except AllocationImportError as exc:
                    errors = exc.errors
                else:
                    saved = self._apply_import(changes)
                    audit.record(
                        "import",
                        None,
                        detail=f"导入建设任务分配表 {upload.filename}：更新 {saved} 行",
                    )
                    flash(f"导入成功：更新了 {saved} 个县（区）的建设任务。", "success")
                    return redirect(url_for(".index_view"))
        return self.render("admin/allocation_import.html", errors=errors)

    def _apply_import(self, changes) -> int:
        saved = 0
        for allocation, values in changes:
            before = allocation.to_mongo().to_dict()
            for k, v in values.items():
                setattr(allocation, k, v)
            allocation.check()
            allocation.save_versioned(current_user)
            audit.record(
                "update", allocation, changes=audit.diff(before, allocation.to_mongo().to_dict())
            )
            saved += 1
        return saved


class ProgressView(SecureBaseView):
    """建设进度: target vs built vs accepted per county, city and province."""

    roles = SCREENS["progress"].see

    @expose("/")
    def index(self):
        rows = progress.county_rows(current_user)
        county, townships = None, []
        key = request.args.get("county")
        if key:
            county = next((r for r in rows if r.key == key), None)
            if county is None:
                flash("所选县（区）不在您的管辖范围内。", "warning")
            else:
                townships = progress.township_stations(current_user, key)
        return self.render(
            "admin/progress.html",
            rows=rows,
            cities=progress.city_rows(rows) if current_user.role == "province" else [],
            total=progress.total_row(rows),
            behind=progress.behind_schedule(rows),
            today=progress.today(),
            deadlines={y: progress.deadline(y) for y in (2023, 2024)},
            county=county,
            townships=townships,
        )
