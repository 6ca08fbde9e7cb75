"""The one base view every admin screen extends: roles, scope, CSRF, audit, versions.

Scope lives here and only here: `get_query()` restricts every list, count, export,
bulk action and single-record lookup (Flask-Admin's mongoengine backend routes
details, edit, delete and actions through `get_one()` / `get_query()`) to records whose
`place_path` holds the user's place."""

from datetime import date, datetime

from bson.errors import InvalidId
from bson.regex import Regex
from flask import abort, current_app, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.mongoengine import ModelView
from flask_admin.contrib.mongoengine.filters import FilterEqual
from flask_admin.model.template import (
    EditRowAction,
    EndpointLinkRowAction,  # noqa: F401 - for subclasses
)
from flask_login import current_user
from flask_wtf import FlaskForm
from jinja2 import pass_context
from mongoengine import Q
from mongoengine.errors import (
    NotUniqueError,
    OperationError,
    ValidationError,
)
from wtforms import HiddenField

from ..documents import Conflict, DomainError
from ..documents.base import get_scoped
from ..documents.constants import PROVINCE_CODE
from ..services import audit
from .converters import BlankChoiceConverter, tidy_strings
from .exports import ExportMixin
from .formatting import (
    COMMON_LABELS,
    _bool_formatter,
    _cn_validation,
    _date_formatter,
    _list_formatter,
    _person_formatter,
    _place_formatter,
)

SERVER_FIELDS = (
    "place_path",
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
)
CONFLICT_MESSAGE = (
    "保存失败：该记录已被他人修改。请刷新页面查看最新内容后再修改（您填写的内容仍保留在下方）。"
)


# Flask-Admin 2.2.1 ships a stale zh_Hans_CN catalogue: these strings come out in English.


class EditUnlessReadOnly(EditRowAction):
    """The list's edit icon, left out on a read-only record."""

    @pass_context
    def render_ctx(self, context, row_id, row):
        view = context.resolve("admin_view")
        if view.read_only_reason(row):
            return ""
        return super().render_ctx(context, row_id, row)


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


class ScopedModelView(SecureViewMixin, ExportMixin, ModelView):
    """Every model screen. Subclasses set `roles`, `edit_roles` and columns."""

    edit_roles: tuple[str, ...] = ()  # may create, edit and delete
    create_roles: tuple[str, ...] | None = None  # defaults to edit_roles
    delete_roles: tuple[str, ...] | None = None  # defaults to edit_roles
    audit_views = False  # log every details view (children, cases)
    role_hidden_fields: dict[str, tuple[str, ...]] = {}  # role -> form fields it may not set

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
        "version",
        "photo_ids",
        "attachment_ids",
        "status_log",
    )
    column_export_exclude_list = ("place_path", "version")
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
        """Why this record may not be edited any more (None: it may)."""
        return None

    def get_list_row_actions(self):
        return [
            EditUnlessReadOnly() if isinstance(a, EditRowAction) else a
            for a in super().get_list_row_actions()
        ]

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        record = get_scoped(self.model, request.args.get("id", ""), current_user)[0]
        reason = self.read_only_reason(record) if record is not None else None
        if reason:
            flash(reason, "info")
            return redirect(self.get_url(".details_view", id=request.args.get("id")))
        return super().edit_view()

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

    # ---- forms: server-set fields, role-hidden fields, the row version ----
    def _strip_fields(self, form):
        role = current_user.role if current_user.is_authenticated else None
        for name in self.role_hidden_fields.get(role, ()):
            if hasattr(form, name):
                delattr(form, name)
        return form

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if hasattr(form, "row_version"):
            delattr(form, "row_version")
        return self._strip_fields(form)

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        if request.method == "GET" and obj is not None:
            form.row_version.data = str(obj.version or 0)
        return self._strip_fields(form)

    def populate(self, form, model) -> None:
        """Copy the form into the record (every field but the row version)."""
        for name, field in form._fields.items():
            if name != "row_version":
                field.populate_obj(model, name)
        tidy_strings(model)

    def check_model(self, form, model, is_created: bool) -> None:
        """Hook: set server fields and raise DomainError on a broken rule."""
        check = getattr(model, "check", None)
        if callable(check):
            check()

    def _fail(self, form, message: str, field: str | None = None, link=None) -> bool:
        target = getattr(form, field, None) if field else None
        if target is not None:
            target.errors = list(target.errors or []) + [message]
        text = message if message.startswith("保存失败") else f"保存失败：{message}"
        # A link travels as data and is drawn by the page (wbz_master.html), never as HTML.
        if link:
            endpoint, record_id, label = link
            flash({"text": text, "url": url_for(endpoint, id=record_id), "link": label}, "danger")
        else:
            flash(text, "danger")
        return False

    def after_save(self, model, is_created: bool, before: dict) -> None:
        """Hook: work that follows a successful save (rosters, history)."""

    def on_save_failed(self, model, is_created: bool) -> None:
        """Hook: undo what check_model reserved when the save did not happen."""

    def _save(self, form, model, is_created: bool, expected_version: int | None):
        before = {} if is_created else model.to_mongo().to_dict()
        try:
            self.populate(form, model)
            if not is_created and not audit.diff(before, model.to_mongo().to_dict()):
                # Saved as it was opened: nothing is written, no version, no history.
                flash("内容没有改变，记录保持原样。", "info")
                return True
            self.check_model(form, model, is_created)
            if is_created:
                model.save_new(current_user)
            else:
                model.version = expected_version  # the version the form was opened at
                model.save_versioned(current_user)
        except Conflict:
            self.on_save_failed(model, is_created)
            return self._fail(form, CONFLICT_MESSAGE)
        except DomainError as exc:
            self.on_save_failed(model, is_created)
            return self._fail(form, exc.message, exc.field, exc.link)
        except NotUniqueError:
            self.on_save_failed(model, is_created)
            return self._fail(form, self.duplicate_message)
        except ValidationError as exc:
            self.on_save_failed(model, is_created)
            for name, err in (exc.errors or {}).items():
                if hasattr(form, name):
                    self._fail(form, f"{self._label(name)}：{_cn_validation(err)}", name)
            if not exc.errors:
                self._fail(form, f"保存失败：{_cn_validation(exc)}")
            return False
        except OperationError as exc:
            self.on_save_failed(model, is_created)
            # FerretDB reports a unique violation on update as a generic error.
            if "duplicate" in str(exc).lower() or "E11000" in str(exc):
                return self._fail(form, self.duplicate_message)
            current_app.logger.exception("save failed")
            return self._fail(form, "保存失败，请稍后重试；您填写的内容仍保留在下方。")
        after = model.to_mongo().to_dict()
        audit.record(
            "create" if is_created else "update",
            model,
            changes=audit.diff(before, after),
        )
        self.after_save(model, is_created, before)
        return True

    duplicate_message = "保存失败：已存在相同的记录。"

    def _label(self, name: str) -> str:
        return str((self.column_labels or {}).get(name, name))

    def create_model(self, form):
        model = self.model()
        if not self._save(form, model, True, None):
            return False
        self.after_model_change(form, model, True)
        return model

    def update_model(self, form, model):
        try:
            expected = int(form.row_version.data)
        except (TypeError, ValueError, AttributeError):
            return self._fail(form, "表单已失效，请刷新页面后重新填写。")
        if expected != (model.version or 0):
            return self._fail(form, CONFLICT_MESSAGE)
        if not self._save(form, model, False, expected):
            return False
        self.after_model_change(form, model, False)
        return True

    def delete_model(self, model):
        try:
            self.on_model_delete(model)
            snapshot = model.to_mongo().to_dict()
            model.delete()
        except DomainError as exc:
            flash(exc.message, "danger")
            return False
        audit.record("delete", model, changes=audit.diff(snapshot, {}))
        self.after_model_delete(model)
        return True

    # ---- details are logged for sensitive records ----
    def render(self, template, **kwargs):
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


def equal_filter(column: str, label: str, options=None):
    """An exact-match filter (the only kind safe on FerretDB without a compiled regex)."""
    return FilterEqual(column, label, options=options)


def _escape_regex(term: str) -> str:
    return "".join("\\" + c if c in r".^$*+?{}[]\|()" else c for c in term)
