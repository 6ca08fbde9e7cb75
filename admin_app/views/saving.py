"""How a screen's form becomes a saved record: server-set fields and role-hidden fields
kept out of the form, text tidied, the record's and the services' rules checked, one
versioned save (documents/base.py), a change logged; every refusal a Chinese message on
the field it concerns, with what was typed kept."""

from flask import current_app, flash, request, url_for
from flask_login import current_user
from mongoengine.errors import (
    NotUniqueError,
    OperationError,
    ValidationError,
)

from ..documents import Conflict, DomainError
from ..documents.base import SCOPE_FIELDS
from ..services import audit
from .converters import tidy_strings
from .formatting import _cn_validation

SERVER_FIELDS = (
    "place_path",
    *SCOPE_FIELDS,
    "version",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
)
CONFLICT_MESSAGE = (
    "保存失败：该记录已被他人修改。请刷新页面查看最新内容后再修改（您填写的内容仍保留在下方）。"
)


class SaveMixin:
    """The form half of ScopedModelView."""

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
