"""一人一档: the child archive screens.

List, search, filters, sort, paging and export read the township rosters (see
admin_app/roster.py), never the children collection; details and edit read one archive
by id through the scoped base view.
"""

import io
from datetime import date

from flask import abort, flash, g, has_request_context, redirect, request, send_file, url_for
from flask_admin import expose
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_login import current_user
from wtforms import SelectField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from .. import archive, attachments, audit, roster
from ..core import clock, dates, privacy
from ..documents import DomainError, Place, mask_id, mask_phone
from ..documents.constants import (
    CATEGORIES,
    CHILD_STATUSES,
    CITY,
    COUNTY,
    GENDERS,
    GUARDIANSHIP,
    PROVINCE,
    REVIEW_STATUSES,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    TOWNSHIP,
    VILLAGE,
)
from .base import ScopedModelView, person_name, tidy_strings

AGE_BANDS = (
    ("0-2", "0–2岁"),
    ("3-5", "3–5岁"),
    ("6-11", "6–11岁"),
    ("12-14", "12–14岁"),
    ("15-17", "15–17岁"),
)


def sees_full_identity() -> bool:
    return privacy.sees_identity(current_user)


class OpenSelectField(SelectField):
    """A select whose value the domain checks (archive.prepare), with its own message."""

    def pre_validate(self, form):
        pass


class Row:
    """A roster row shaped like a record for Flask-Admin's list and export."""

    next_visit = last_visit = review_due = None
    director = ""

    def __init__(self, data: dict):
        self.__dict__.update(data)
        self.pk = data["id"]
        self.birth_date = date.fromisoformat(data["birth"])

    @property
    def age(self) -> int:
        return clock.age_on(self.birth_date, clock.today())


class RowFilter(BaseMongoEngineFilter):
    """A filter over roster rows (equality on one key, or membership for lists)."""

    def __init__(self, key, name, options=None, data_type=None):
        super().__init__(key, name, options, data_type)
        self.key = key

    def apply(self, rows, value):
        return [r for r in rows if _matches(r.get(self.key), value)]

    def operation(self):
        return "是"


def _matches(field_value, wanted) -> bool:
    if isinstance(field_value, list):
        return wanted in field_value
    return field_value == wanted


class AgeBandFilter(RowFilter):
    def apply(self, rows, value):
        try:
            low, high = (int(x) for x in value.split("-"))
        except ValueError:
            return rows
        today = clock.today()
        return [
            r for r in rows if low <= clock.age_on(date.fromisoformat(r["birth"]), today) <= high
        ]


def _village_filter_options():
    """The villages of the area being listed (a city or the province would otherwise get
    all 2,912 of Ningxia in every page), else of the user's place."""
    if not has_request_context() or not current_user.is_authenticated:
        return []
    area = list_area()
    place = area if area and roster.inside(area, current_user.place) else current_user.place
    return Place.choices_under(place, VILLAGE)


class VillageFilter(RowFilter):
    def get_options(self, view):
        return _village_filter_options()


def _labels(pairs, key):
    return lambda v, c, m, n: "、".join(
        dict(pairs).get(x, x) for x in (getattr(m, key, None) or [])
    )


def _choice(pairs, key):
    return lambda v, c, m, n: dict(pairs).get(getattr(m, key, None), "")


def _id_text(v, c, m, n):
    number = getattr(m, "id_number", "")
    return number if sees_full_identity() else mask_id(number)


def _phones(v, c, m, n):
    phones = getattr(m, "phones", None) or [g.phone for g in getattr(m, "guardians", []) if g.phone]
    return "、".join(p if sees_full_identity() else mask_phone(p) for p in phones)


def _review_text(v, c, m, n):
    if getattr(m, "review", None) == "pending":
        return f"待审核（{_cn(m.review_due)}前）" if m.review_due else "待审核"
    return "已审核"


def _cn(value) -> str:
    if not value:
        return ""
    return dates.cn_date(date.fromisoformat(value) if isinstance(value, str) else value)


LIST_FORMATTERS = {
    "name": lambda v, c, m, n: m.name,
    "gender": _choice(GENDERS, "gender"),
    "age": lambda v, c, m, n: m.age,
    "village": lambda v, c, m, n: Place.name_of(m.village),
    "id_number": _id_text,
    "categories": _labels(CATEGORIES, "categories"),
    "risk": _choice(RISK_LEVELS, "risk"),
    "school": _choice(SCHOOL_STATUSES, "school"),
    "guardianship": _choice(GUARDIANSHIP, "guardianship"),
    "status": _choice(CHILD_STATUSES, "status"),
    "review": _review_text,
    "next_visit": lambda v, c, m, n: _cn(m.next_visit),
    "last_visit": lambda v, c, m, n: _cn(m.last_visit),
    "phones": _phones,
    "director": lambda v, c, m, n: person_name(m.director),
    "township": lambda v, c, m, n: Place.name_of(getattr(m, "township", None)),
}
TODO_FILTERS = {
    "review": "待审核的档案",
    "review_overdue": "审核已超期的档案",
    "visit_overdue": "计划走访已逾期",
    "visit_soon": "7 天内应走访",
    "turning_18": "90 天内年满 18 周岁",
    "high_risk_unvisited": "高风险且超过走访周期未走访",
}


class ChildView(ScopedModelView):
    roles = ("province", "city", "county", "station", "social_worker", "village")
    edit_roles = ("station", "social_worker", "village")
    delete_roles = ()
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
        **archive.FIELD_LABELS,
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
        **{k: {"label": v} for k, v in archive.FIELD_LABELS.items() if k not in ("place",)},
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
                        "is_guardian",
                        "note",
                    ),
                    "form_args": {
                        "name": {"label": "姓名"},
                        "relation": {"label": "关系"},
                        "id_number": {"label": "身份证号码"},
                        "phone": {"label": "联系电话"},
                        "situation": {"label": "现状"},
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
            from ..todos import todo_rows

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
                history=archive.history_for(child.pk, current_user),
                full_identity=sees_full_identity(),
                mask_id=mask_id,
                mask_phone=mask_phone,
                labels=archive.display(child),
                id_notes=archive.id_number_notes(child),
                can_review=current_user.role == "station" and child.review_status == "pending",
                can_transfer=current_user.role in ("station", "social_worker"),
                photos=attachments.listing(child.photo_ids),
                today=clock.today(),
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
            io.BytesIO(att.data),
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
        else:
            try:
                archive.review(child, current_user, request.form.get("note", ""))
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


# ---- the area a county, city or province lists (?area=<place key inside their place>) ----
def needs_area(user) -> bool:
    return (Place.info(user.place) or {}).get("level") in (PROVINCE, CITY)


def list_area() -> str | None:
    if not has_request_context():
        return None
    return request.args.get("area", "").strip()[:20] or None


def _area_options(user) -> list[tuple[str, str]]:
    """The counties and townships inside the user's place, indented under each other."""
    level = (Place.info(user.place) or {}).get("level")
    if level not in (PROVINCE, CITY, COUNTY):
        return []
    options = []
    cities = Place.children_of(user.place, CITY) if level == PROVINCE else []
    for city in cities or [None]:
        if city is not None:
            options.append((city["_id"], city["name"]))
        base = city["_id"] if city else user.place
        counties = Place.children_of(base, COUNTY) if level != COUNTY else [None]
        for county in counties:
            if county is not None:
                options.append((county["_id"], "\u3000" + county["name"]))
            for town in Place.children_of(county["_id"] if county else base, TOWNSHIP):
                options.append((town["_id"], "\u3000\u3000" + town["name"]))
    return options


def _area_rows(user) -> list[dict]:
    """The chooser of a city or the province: each county with its 在册 children (and the
    to-do asked for), from the cached township figures."""
    from .. import summaries

    per_township = summaries.by_township(user)
    todo = request.args.get("todo")
    args = {k: v for k, v in request.args.items() if k not in ("area", "page")}
    out = []
    for county in Place.children_of(user.place, COUNTY):
        figs = [f for t, f in per_township.items() if county["_id"] in Place.info(t)["place_path"]]
        fig = summaries.merge(figs)
        out.append(
            {
                "key": county["_id"],
                "name": Place.full_name_of(county["_id"]) or county["name"],
                "active": fig["active"],
                "todo": fig["todos"].get(todo) if todo else None,
                "url": url_for(".index_view", area=county["_id"], **args),
            }
        )
    return out


def area_context(user, count: int) -> dict:
    area = list_area()
    options = _area_options(user)
    out = {
        "area": area,
        "area_options": options,
        "area_name": Place.full_name_of(area) if area and roster.inside(area, user.place) else "",
        "area_outside": bool(area) and not roster.inside(area, user.place),
        "area_chooser": bool(getattr(g, "area_chooser", False)),
        "id_search_error": getattr(g, "id_search_error", ""),
        "area_level": (Place.info(user.place) or {}).get("level"),
        "area_hidden": [
            (k, v) for k, v in request.args.items(multi=True) if k not in ("area", "page")
        ],
    }
    if out["area_chooser"]:
        out["area_rows"] = _area_rows(user)
    return out


def _by_id_number(term: str | None, user) -> list[dict] | None:
    """The row of a complete, valid 身份证 number inside the user's place ([] if none or
    outside, the same answer), or None when the term is not such a number."""
    from ..documents import IdNumberIndex, check_id_number

    number = (term or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        return None
    try:
        number = check_id_number(number).number
    except DomainError as exc:
        if has_request_context():  # shown beside the area chooser: say why nothing was found
            g.id_search_error = exc.message
        return None
    entry = IdNumberIndex._get_collection().find_one({"_id": number})
    if not entry or user.place not in (entry.get("place_path") or []):
        return []
    path = entry["place_path"]
    rows = roster.township_rows(path[3]) if len(path) > 3 else []
    return [r for r in rows if r["id"] == entry["child"]]


def _search(rows, term: str):
    term = term.strip()
    if not term:
        return rows
    lowered = term.lower()
    digits = term.replace(" ", "").upper()
    return [
        r
        for r in rows
        if lowered in r["name"].lower()
        or (len(digits) >= 4 and digits in (r.get("id_number") or ""))
        or (len(digits) >= 4 and any(digits in p for p in r.get("phones") or []))
    ]
