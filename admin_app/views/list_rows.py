"""A list page's rows, drawn in Python once per row instead of through Flask-Admin's
per-row macros (issue 13).

Flask-Admin's `list.html` renders each row's buttons through a Jinja macro that builds
three URLs with `url_for` and a delete form: at 50 rows that was most of a list page's
time (25–50 ms whatever the collection holds, `scripts/benchmark.py`). Here the URLs are
built once per page with a placeholder id and each row only puts its id in; the cells go
through the view's own `_get_list_value` (the same formatters, choices and type
formatters as Flask-Admin's `get_value`), escaped like Jinja escapes them. The HTML is
the same as Flask-Admin's: `tests/test_list_rows.py` compares the two."""

from flask_admin.babel import gettext
from flask_admin.model.template import DeleteRowAction, EditRowAction, ViewRowAction
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

PK = "__wbz_row_id__"  # stands for a row's id in the URLs built once per page


class RowRenderer:
    """Called by `templates/admin/scoped_list.html` as `row_html(row)`: the row's cells
    (checkbox, buttons, columns) as Markup."""

    def __init__(self, view, return_url: str, row_actions, with_checkbox: bool):
        if view.column_editable_list:  # Flask-Admin's inline editing is not drawn here
            raise TypeError("RowRenderer does not draw editable columns")
        self.view = view
        self.columns = [c for c, _ in view._list_columns]
        self.checkbox_title = escape(gettext("Select record"))
        self.buttons = []  # (kind, HTML with PK)
        for action in row_actions:
            if isinstance(action, ViewRowAction):
                url = view.get_url(".details_view", id=PK, url=return_url)
                self.buttons.append(
                    ("view", _link(url, action, "fa fa-eye glyphicon glyphicon-eye-open"))
                )
            elif isinstance(action, EditRowAction):
                url = view.get_url(".edit_view", id=PK, url=return_url)
                self.buttons.append(
                    ("edit", _link(url, action, "fa fa-pencil glyphicon glyphicon-pencil"))
                )
            elif isinstance(action, DeleteRowAction):
                self.buttons.append(("delete", _delete_form(view, return_url)))
            else:  # a kind this page cannot draw: refuse rather than drop a button silently
                raise TypeError(f"row action {type(action).__name__} is not drawn by RowRenderer")
        self.with_checkbox = with_checkbox
        self.with_buttons = bool(view.column_display_actions)

    def __call__(self, row) -> Markup:
        view = self.view
        pk = escape(view.get_pk_value(row))
        parts = []
        if self.with_checkbox:
            parts.append(
                f'<td>\n<input type="checkbox" name="rowid" class="action-checkbox" '
                f'value="{pk}" title="{self.checkbox_title}" />\n</td>'
            )
        if self.with_buttons:
            read_only = any(k == "edit" for k, _ in self.buttons) and view.read_only_reason(row)
            shown = [
                html.replace(PK, pk) for k, html in self.buttons if not (k == "edit" and read_only)
            ]
            parts.append('<td class="list-buttons-column">\n' + "\n".join(shown) + "\n</td>")
        formatters, type_formatters = view.column_formatters, view.column_type_formatters
        for c in self.columns:
            value = view._get_list_value(None, row, c, formatters, type_formatters)
            parts.append(f'<td class="col-{c}">\n{escape(value)}\n</td>')
        return Markup("\n".join(parts))  # noqa: S704 - every value above went through escape()


def _link(url: str, action, icon: str) -> str:
    return (
        f'<a class="icon" href="{escape(url)}" title="{escape(action.title or "")}">\n'
        f'  <span class="{icon}"></span>\n</a>'
    )


def _delete_form(view, return_url: str) -> str:
    confirm = escape(gettext("Are you sure you want to delete this record?"))
    return (
        f'<form class="icon" method="POST" action="{escape(view.get_url(".delete_view"))}">\n'
        f'  <input id="id" name="id" type="hidden" value="{PK}">\n'
        f'  <input id="url" name="url" type="hidden" value="{escape(return_url)}">\n'
        f'  <input type="hidden" name="csrf_token" value="{escape(generate_csrf())}"/>\n'
        f"  <button onclick=\"return faHelpers.safeConfirm('{confirm}');\" "
        f'title="{escape(gettext("Delete Record"))}">\n'
        f'    <span class="fa fa-trash glyphicon glyphicon-trash"></span>\n  </button>\n</form>'
    )
