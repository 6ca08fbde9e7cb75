"""一人一档: the child archive screens.

List, search, filters, sort, paging and export read the township rosters (see
admin_app/services/children/roster.py and views/children_list.py), never the children collection; details
and edit read one archive by id through the scoped base view."""

import io

from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..core import clock, dates
from ..documents import DomainError, Place, mask_id, mask_phone
from ..documents.constants import (
    CATEGORIES,
    CHILD_STATUSES,
    GENDERS,
    GUARDIANSHIP,
    REVIEW_STATUSES,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    VILLAGE,
)
from ..services import audit
from ..services.children import archive, archive_history, attachments, review, roster
from .base import ScopedModelView
from .children_list import (
    AGE_BANDS,
    LIST_FORMATTERS,
    TODO_FILTERS,
    AgeBandFilter,
    OpenSelectField,
    Row,
    RowFilter,
    VillageFilter,
    _by_id_number,
    _search,
    _village_filter_options,
    area_context,
    list_area,
    needs_area,
    sees_full_identity,
)
from .converters import tidy_strings
from .permissions import SCREENS

ASSESSED_FIELDS = ("risk_level", "risk_reason", "visit_frequency")


class ChildView(ScopedModelView):
    roles, edit_roles, create_roles, delete_roles = SCREENS["children"]
    audit_views = True
    details_template = "admin/child_details.html"
    list_template = "admin/child_list.html"
    export_max_rows = 0  # a whole county (~20,000 archives) in one file, never cut short
    column_list = (
        "name",
        "gender",
        "age",
        "village",
        "id_number",
        "categories",
        "risk",
        "school",
        "guardianship",
        "status",
        "review",
        "next_visit",
    )
    column_export_list = (
        "name",
        "gender",
        "age",
        "township",
        *column_list[3:],
        "last_visit",
        "phones",
        "director",
    )
    column_labels = {
        **archive_history.FIELD_LABELS,
        "age": "年龄",
        "township": "乡镇（街道）",
        "village": "居住村（居）",
        "categories": "困境类别",
        "risk": "风险等级",
        "school": "就学状况",
        "guardianship": "监护状况",
        "status": "档案状态",
        "review": "审核",
        "next_visit": "下次计划走访",
        "last_visit": "最近走访",
        "phones": "监护人电话",
        "director": "责任儿童主任",
    }
    column_formatters = LIST_FORMATTERS
    column_formatters_export = LIST_FORMATTERS
    column_sortable_list = ("name", "age", "village", "risk", "next_visit", "review")
    column_searchable_list = ("name",)
    column_default_sort = "name"
    page_size = 50
    column_filters = (
        VillageFilter("village", "居住村（居）"),
        RowFilter("categories", "困境类别", options=list(CATEGORIES)),
        RowFilter("risk", "风险等级", options=list(RISK_LEVELS)),
        RowFilter("school", "就学状况", options=list(SCHOOL_STATUSES)),
        RowFilter("guardianship", "监护状况", options=list(GUARDIANSHIP)),
        AgeBandFilter("birth", "年龄段", options=list(AGE_BANDS)),
        RowFilter("status", "档案状态", options=list(CHILD_STATUSES)),
        RowFilter("review", "审核状态", options=list(REVIEW_STATUSES)),
        RowFilter("gender", "性别", options=list(GENDERS)),
    )
    form_columns = (
        "village",
        "name",
        "gender",
        "id_number",
        "no_id_reason",
        "birth_date",
        "ethnicity",
        "hukou_status",
        "address",
        "school_status",
        "school_name",
        "disability_kind",
        "disability_grade",
        "serious_illness",
        "illness_note",
        "categories",
        "guardianship",
        "guardians",
        "care_agreement_date",
        "care_agreement_note",
        "benefits",
        "risk_level",
        "risk_reason",
        "visit_frequency",
        "director",
        "status",
        "status_date",
        "status_reason",
    )
    form_extra_fields = {
        # archive.prepare() refuses a village outside the user's place with its own message
        "village": OpenSelectField(
            "居住村（居）", choices=[], validators=[InputRequired("请选择居住的村（居）。")]
        ),
    }
    form_args = {
        **{k: {"label": v} for k, v in archive_history.FIELD_LABELS.items() if k not in ("place",)},
        "categories": {
            "label": "困境类别（可多选）",
            "widget": ListWidget(prefix_label=False),
            "option_widget": CheckboxInput(),
        },
        "id_number": {
            "label": "身份证号码",
            "description": "18 位；出生日期和性别须与号码一致。没有号码（如无户籍）时留空并选择原因。",
        },
        "birth_date": {"label": "出生日期"},
        "care_agreement_date": {
            "label": "委托照护协议签订日期",
            "description": "农村留守儿童：父母外出务工时与受委托监护人签订委托照护协议的日期；"
            "受委托监护人请在上方“监护人及家庭成员”中添加（关系选“受委托监护人”）。",
        },
    }
    form_widget_args = {"categories": {"class": "list-unstyled wbz-checks"}}
    form_subdocuments = {
        "guardians": {
            "form_subdocuments": {
                None: {
                    "form_columns": (
                        "name",
                        "relation",
                        "id_number",
                        "phone",
                        "situation",
                        "work_place",
                        "employer",
                        "is_guardian",
                        "note",
                    ),
                    "form_args": {
                        "name": {"label": "姓名"},
                        "relation": {"label": "关系"},
                        "id_number": {"label": "身份证号码"},
                        "phone": {"label": "联系电话"},
                        "situation": {"label": "现状"},
                        "work_place": {
                            "label": "外出务工地",
                            "description": "现状为外出务工时填写：省、市、县或具体地点",
                        },
                        "employer": {"label": "工作单位（如知道）"},
                        "is_guardian": {"label": "是监护人"},
                        "note": {"label": "备注"},
                    },
                }
            }
        },
        "benefits": {
            "form_subdocuments": {
                None: {
                    "form_columns": ("kind", "status", "since", "note"),
                    "form_args": {
                        "kind": {"label": "政策"},
                        "status": {"label": "状态"},
                        "since": {"label": "起始日期"},
                        "note": {"label": "备注"},
                    },
                }
            }
        },
    }
    duplicate_message = "保存失败：该身份证号码已建档。"

    def _get_filter_groups(self):
        """Filter groups, with the village options of the current user (computed per request)."""
        groups = super()._get_filter_groups()
        for key, items in (groups or {}).items():
            if str(key) == "居住村（居）":
                for item in items:
                    item["options"] = [(k, v) for k, v in _village_filter_options()] or None
        return groups

    def search_placeholder(self):
        return "姓名、身份证号码或监护人电话"

    # ---- the list from rosters ----
    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        area = list_area()
        g.area_chooser = False
        if area is None and needs_area(current_user):
            # A city or the province picks a county or township first (reading every
            # roster of Ningxia for one page is minutes on the embedded database); a
            # complete 身份证 number is found directly, anywhere inside the user's place.
            rows = _by_id_number(search, current_user)
            if rows is None:
                g.area_chooser = True
                return 0, []
        else:
            rows = roster.rows_for(current_user, area=area)
        for idx, _name, value in filters or []:
            flt = self._filters[idx]
            rows = flt.apply(rows, flt.clean(value))
        todo = request.args.get("todo")
        if todo:
            from ..services.figures.todos import todo_rows

            rows = todo_rows(rows, todo)
        if search:
            rows = _search(rows, search)
        keyfn = {
            "age": lambda r: r["birth"],
            "village": lambda r: Place.name_of(r["village"]),
            "next_visit": lambda r: r.get("next_visit") or "9999",
            "review": lambda r: (r.get("review") != "pending", r.get("review_due") or ""),
        }.get(sort_column, lambda r: str(r.get(sort_column or "name") or ""))
        reverse = bool(sort_desc)
        if sort_column == "age":
            reverse = not reverse  # older first when "desc" = higher age = earlier birth
        rows.sort(key=keyfn, reverse=reverse)
        count = len(rows)
        size = self.page_size if page_size is None else page_size
        if size:
            start = (page or 0) * size
            rows = rows[start : start + size]
        return count, [Row(r) for r in rows]

    @expose("/export/<export_type>/")
    def export(self, export_type):
        if needs_area(current_user) and list_area() is None:
            if _by_id_number(request.args.get("search"), current_user) is None:
                flash("请先选择县（区）或乡镇（街道），再导出名单。", "warning")
                return redirect(url_for(".index_view", **request.args))
        return super().export(export_type)

    # ---- forms ----
    def _village_choices(self):
        return [("", "请选择…")] + Place.choices_under(current_user.place, VILLAGE)

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and request.args.get("from_case"):
            form.name.data = request.args.get("name", "")[:50]
            form.gender.data = request.args.get("gender") or None
        form.village.choices = self._village_choices()
        if current_user.role == "village" and not form.village.data:
            form.village.data = current_user.place
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        form.village.choices = self._village_choices()
        if obj is not None and not form.village.data:
            form.village.data = obj.place
        if obj is not None and obj.last_assessment:
            # An assessed archive takes its grade, reason and frequency from its latest
            # assessment (services/assessments), never from a hand-picked value.
            for name in ASSESSED_FIELDS:
                if hasattr(form, name):
                    delattr(form, name)
        return form

    def populate(self, form, model):
        for name, field in form._fields.items():
            if name not in ("row_version", "village"):
                field.populate_obj(model, name)
        tidy_strings(model)

    def check_model(self, form, model, is_created):
        archive.prepare(model, current_user, is_created, form.village.data)

    def on_save_failed(self, model, is_created):
        archive.release_reservation(model)

    def after_save(self, model, is_created, before):
        archive.after_save(model, current_user, is_created, before)
        if is_created and request.args.get("from_case"):
            archive.link_case(model, request.args["from_case"], current_user)
        for whose, note in archive.id_number_notes(model).items():
            flash(f"已保存。请核对{whose}的身份证号码：{note}", "warning")
        dups = archive.likely_duplicates(model)
        if dups:
            flash(
                f"提示：本乡镇（街道）同村（居）已有同名、同出生日期的档案 {len(dups)} 份，请核实是否重复建档。",
                "warning",
            )

    # ---- details: history, review, transfer ----
    def render(self, template, **kwargs):
        if template == self.details_template and kwargs.get("model") is not None:
            child = kwargs["model"]
            kwargs.update(
                history=archive_history.history_for(child.pk, current_user),
                full_identity=sees_full_identity(),
                mask_id=mask_id,
                mask_phone=mask_phone,
                labels=archive_history.display(child),
                id_notes=archive.id_number_notes(child),
                can_review=current_user.role == "station" and child.review_status == "pending",
                can_transfer=current_user.role in ("station", "social_worker"),
                photos=attachments.listing(child.photo_ids),
                today=clock.today(),
            )
        if template == self.edit_template and getattr(kwargs.get("model"), "last_assessment", None):
            flash(
                "风险等级、风险原因和走访频次以最近一次监护与风险评估"
                f"（{dates.cn_date(kwargs['model'].last_assessment)}）为准，如需调整请进行新评估。",
                "info",
            )
        if template == self.list_template:
            kwargs["todo_label"] = TODO_FILTERS.get(request.args.get("todo", ""))
            kwargs.update(area_context(current_user, kwargs.get("count") or 0))
        return super().render(template, **kwargs)

    @expose("/attach/", methods=("POST",))
    def attach_view(self):
        """Upload a photo or scan to the archive."""
        child = self.get_one(request.form.get("id"))
        if child is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if not self.can_edit:
            flash("您没有上传附件的权限。", "danger")
            return redirect(url_for(".details_view", id=child.pk))
        upload = request.files.get("file")
        try:
            data = upload.read() if upload else b""
            attachments.store(
                child,
                upload.filename if upload else "",
                data,
                current_user,
                note=request.form.get("note", ""),
            )
        except DomainError as exc:
            flash(exc.message, "danger")
        else:
            flash("附件已上传。", "success")
        return redirect(url_for(".details_view", id=child.pk))

    @expose("/attachment/")
    def attachment_view(self):
        """Show or download an attachment, only inside the user's place; every showing is logged."""
        att = attachments.get_in_scope(request.args.get("id", ""), current_user)
        if att is None:
            abort(404)
        audit.record(
            "download",
            None,
            place_path=list(att.place_path),
            detail=f"附件 {att.filename}（档案 {att.child}）",
        )
        return send_file(
            io.BytesIO(attachments.bytes_of(att)),
            mimetype=att.content_type,
            as_attachment=request.args.get("download") == "1",
            download_name=att.filename,
        )

    @expose("/review/", methods=("POST",))
    def review_view(self):
        child = self.get_one(request.form.get("id"))
        if child is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if current_user.role != "station":
            flash("只有乡镇（街道）儿童督导员可以审核档案。", "danger")
        elif request.form.get("action") == "return":
            try:
                review.return_for_changes(child, current_user, request.form.get("comment", ""))
                flash("已退回村（居）儿童主任修改。", "success")
            except DomainError as exc:
                flash(exc.message, "danger")
        else:
            try:
                review.review(child, current_user, request.form.get("note", ""))
                flash("已审核。", "success")
            except DomainError as exc:
                flash(exc.message, "danger")
        return redirect(url_for(".details_view", id=child.pk))

    @expose("/transfer/", methods=("POST",))
    def transfer_view(self):
        child = self.get_one(request.form.get("id"))
        if child is None:
            flash("记录不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index_view"))
        if current_user.role not in ("station", "social_worker"):
            flash("只有未保站人员可以办理迁移。", "danger")
            return redirect(url_for(".details_view", id=child.pk))
        code = (request.form.get("to_code") or "").strip()
        target = next(
            (k for k, r in Place._all().items() if r["code"] == code and r["level"] == VILLAGE),
            None,
        )
        try:
            if target is None:
                raise DomainError("迁入村（居）的区划代码不存在，请输入 12 位村（居）代码。")
            archive.transfer(child, target, current_user, request.form.get("reason", ""))
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".details_view", id=child.pk))
        flash(f"已迁移至 {Place.full_name_of(target)}，档案及其历史已移交迁入地未保站。", "success")
        if child.in_scope_of(current_user):
            return redirect(url_for(".details_view", id=child.pk))
        return redirect(url_for(".index_view"))
