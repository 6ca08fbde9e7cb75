"""The one base view every admin screen extends: roles, scope, CSRF, audit, versions.

Scope lives here and only here: `get_query()` restricts every list, count, export,
bulk action and single-record lookup (Flask-Admin's mongoengine backend routes
details, edit, delete and actions through `get_one()` / `get_query()`) to records whose
`place_path` holds the user's place."""

import io
from datetime import date, datetime

from bson.errors import InvalidId
from bson.regex import Regex
from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.contrib.mongoengine.filters import FilterEqual
from flask_login import current_user
from flask_wtf import FlaskForm
from mongoengine import Q
from wtforms import HiddenField

from ..documents import DomainError
from ..documents.base import SCOPE_FIELDS, get_scoped
from ..documents.constants import PROVINCE_CODE
from ..services import audit
from .converters import BlankChoiceConverter
from .exports import ExportMixin
from .formatting import (
    COMMON_LABELS,
    _bool_formatter,
    _date_formatter,
    _list_formatter,
    _person_formatter,
    _place_formatter,
    prefetch_person_names,
)
from .list_rows import RowRenderer
from .saving import SERVER_FIELDS, SaveMixin


class SecureViewMixin:
    """Role checks: a logged-in user without the role gets 403, a stranger the log-in page."""

    roles: tuple[str, ...] = ()

    def is_accessible(self) -> bool:
        return (
            current_user.is_authenticated
            and not current_user.must_change_password
            and current_user.role in self.roles
        )

    def inaccessible_callback(self, name, **kwargs):
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("auth.login", next=request.full_path))


class SecureBaseView(SecureViewMixin, BaseView):
    """A plain (non-model) admin page behind the same role checks."""


class ChildPageView(SecureBaseView):
    """A page of one child (走访, 评估), opened from the archive, not in the menu. The child
    is always read through the scope; an id outside the user's place, or none, is "not
    found" (a foreign id logged where only the province reads it)."""

    def is_visible(self):
        return False

    def _child(self, raw):
        from ..documents import Child

        raw = (raw or "").strip()
        if not raw:
            return None
        child, elsewhere = get_scoped(Child, raw, current_user)
        if elsewhere:
            audit.record("denied", None, detail=f"children:{raw}", place_path=[PROVINCE_CODE])
        return child

    @staticmethod
    def _not_found():
        flash("记录不存在或不在您的管辖范围内。", "danger")
        return redirect(url_for("children.index_view"))


class ScopedModelView(SecureViewMixin, SaveMixin, ExportMixin, ModelView):
    """Every model screen. Subclasses set `roles`, `edit_roles` and columns."""

    edit_roles: tuple[str, ...] = ()  # may create, edit and delete
    create_roles: tuple[str, ...] | None = None  # defaults to edit_roles
    delete_roles: tuple[str, ...] | None = None  # defaults to edit_roles
    audit_views = False  # log every details view (children, cases)
    role_hidden_fields: dict[str, tuple[str, ...]] = {}  # role -> form fields it may not set
    person_columns = ("created_by", "updated_by")  # user names shown as people's names

    form_base_class = FlaskForm
    model_form_converter = BlankChoiceConverter
    page_size = 50
    can_set_page_size = True
    can_view_details = True
    can_export = True
    export_types = ["xlsx", "csv"]
    export_max_rows = 20000
    details_modal = False
    edit_modal = False
    create_modal = False
    list_template = "admin/scoped_list.html"
    details_template = "admin/wbz_details.html"
    form_excluded_columns = SERVER_FIELDS
    column_exclude_list = SERVER_FIELDS
    column_details_exclude_list = (
        "place_path",
        *SCOPE_FIELDS,
        "version",
        "photo_ids",
        "attachment_ids",
        "status_log",
    )
    column_export_exclude_list = ("place_path", *SCOPE_FIELDS, "version")
    column_type_formatters = {
        **ModelView.column_type_formatters,
        date: _date_formatter,
        datetime: _date_formatter,
        bool: _bool_formatter,
        list: _list_formatter,
    }
    column_type_formatters_export = {
        date: _date_formatter,
        datetime: _date_formatter,
        bool: _bool_formatter,
        list: _list_formatter,
        type(None): lambda view, value, *a: "",
    }
    column_type_formatters_detail = column_type_formatters

    def scaffold_form(self):
        """Every edit form carries the record's version (two clerks never silently overwrite)."""
        form_class = super().scaffold_form()
        form_class.row_version = HiddenField()
        return form_class

    def __init__(self, *args, **kwargs):
        # Labels and a formatter for the fields every scoped record has (set by the server).
        self.column_labels = {**COMMON_LABELS, **(self.column_labels or {})}
        for attr in ("column_formatters", "column_formatters_detail", "column_formatters_export"):
            current = getattr(self, attr, None)
            if current is not None or attr == "column_formatters":
                setattr(
                    self,
                    attr,
                    {
                        "place": _place_formatter,
                        "created_by": _person_formatter,
                        "updated_by": _person_formatter,
                        **(current or {}),
                    },
                )
        super().__init__(*args, **kwargs)

    def _get_list_value(self, context, model, name, column_formatters, column_type_formatters):
        value = super()._get_list_value(
            context, model, name, column_formatters, column_type_formatters
        )
        return "" if value is None else value

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        count, data = super().get_list(
            page, sort_column, sort_desc, search, filters, execute, page_size
        )
        columns = {c for c, _ in [*self._list_columns, *(self._export_columns or [])]}
        shown = [c for c in self.person_columns if c in columns]
        if execute and shown:  # the page's (or export's) people named in one read
            data = list(data)
            prefetch_person_names({getattr(m, c, None) for m in data for c in shown})
        return count, data

    # ---- who may do what ----
    def _role_in(self, roles) -> bool:
        return current_user.is_authenticated and current_user.role in (roles or ())

    @property
    def can_edit(self):
        return self._role_in(self.edit_roles)

    @can_edit.setter
    def can_edit(self, value):  # Flask-Admin never sets it per instance; ignore
        pass

    @property
    def can_create(self):
        return self._role_in(self.edit_roles if self.create_roles is None else self.create_roles)

    @can_create.setter
    def can_create(self, value):
        pass

    @property
    def can_delete(self):
        return self._role_in(self.edit_roles if self.delete_roles is None else self.delete_roles)

    @can_delete.setter
    def can_delete(self, value):
        pass

    # ---- read-only records (an archived case's forms): shown, never offered for editing ----
    def read_only_reason(self, model) -> str | None:
        """Why this record may not be edited any more (None: it may). The list leaves its
        edit button out (views/list_rows.py)."""
        return None

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        record = get_scoped(self.model, request.args.get("id", ""), current_user)[0]
        if record is not None and not self.can_edit:
            # Flask-Admin would redirect silently: say why.
            flash("您的角色只能查看该记录，不能修改；未作任何改动。", "warning")
            return redirect(self.get_url(".index_view"))
        reason = self.read_only_reason(record) if record is not None else None
        if reason:
            flash(reason, "info")
            return redirect(self.get_url(".details_view", id=request.args.get("id")))
        return super().edit_view()

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        if not self.can_create:
            flash("您的角色不能在这里新建记录；未作任何改动。", "warning")
            return redirect(self.get_url(".index_view"))
        return super().create_view()

    # ---- scope ----
    def get_query(self):
        return self.model.objects.in_scope(current_user)

    def get_count_query(self):
        return self.get_query()

    def get_one(self, id):
        """A record by id, only inside the user's place; anything else is 'not found'.

        A foreign id is logged where only the province reads it, so the audit screen
        does not tell the actor whether a guessed id exists.
        """
        obj, elsewhere = get_scoped(self.model, id, current_user)
        if elsewhere:
            audit.record(
                "denied",
                None,
                detail=f"{self.model._get_collection_name()}:{id}",
                place_path=[PROVINCE_CODE],
            )
        return obj

    def scoped_ids(self, ids):
        """The records among `ids` inside the user's place (bad ids are ignored).

        Flask-Admin's own bulk actions use `QuerySet.in_bulk()`, which drops the scope
        filter; every bulk action here goes through this instead.
        """
        good = []
        for raw in ids or []:
            try:
                good.append(self.object_id_converter(raw))
            except (InvalidId, TypeError, ValueError):
                continue
        if not good:
            return []
        return list(self.get_query().filter(pk__in=good))

    @action("delete", "删除", "确定删除所选记录吗？")
    def action_delete(self, ids):
        count = sum(1 for obj in self.scoped_ids(ids) if self.delete_model(obj))
        flash(f"已删除 {count} 条记录。", "success")

    @expose("/api/file/")
    def api_file_view(self):
        """Flask-Admin serves any GridFS file here by id, unscoped: closed."""
        abort(404)

    # ---- search that works on FerretDB and MongoDB alike ----
    def _search(self, query, search_term):
        term = (search_term or "").strip()[:100]
        if not term:
            return query
        pattern = Regex(_escape_regex(term), "i")
        criteria = None
        for field in self._search_fields:
            q = Q(**{field.name: pattern})
            criteria = q if criteria is None else criteria | q
        return query.filter(criteria) if criteria is not None else query

    def search_placeholder(self):
        return "搜索：" + "、".join(
            str(self.column_labels.get(f.name, f.name)) for f in self._search_fields or []
        )

    # ---- details are logged for sensitive records; a list's rows drawn once each ----
    def render(self, template, **kwargs):
        if "list_row_actions" in kwargs and "return_url" in kwargs:  # the list page
            kwargs["row_html"] = RowRenderer(
                self, kwargs["return_url"], kwargs["list_row_actions"], bool(kwargs.get("actions"))
            )
        if (
            self.audit_views
            and template == self.details_template
            and kwargs.get("model") is not None
        ):
            audit.record("view", kwargs["model"])
        return super().render(template, **kwargs)

    def handle_view_exception(self, exc):
        if isinstance(exc, DomainError):
            flash(exc.message, "danger")
            return True
        return super().handle_view_exception(exc)


def send_record_photo(collection: str, label: str):
    """The photo `?id=` of a work record or report of `collection`, inside the user's place
    (404 otherwise, and for another owner's file), its download audited."""
    from ..services.children import attachments

    att = attachments.get_in_scope(request.args.get("id", ""), current_user)
    if att is None or not (att.record or "").startswith(f"{collection}:"):
        abort(404)
    audit.record(
        "download", None, place_path=list(att.place_path), detail=f"{label} {att.filename}"
    )
    return send_file(
        io.BytesIO(attachments.bytes_of(att)), mimetype=att.content_type, download_name=att.filename
    )


def equal_filter(column: str, label: str, options=None):
    """An exact-match filter (the only kind safe on FerretDB without a compiled regex)."""
    return FilterEqual(column, label, options=options)


def _escape_regex(term: str) -> str:
    return "".join("\\" + c if c in r".^$*+?{}[]\|()" else c for c in term)
