"""A list page's rows are drawn once each in Python (views/list_rows.py) instead of through
Flask-Admin's per-row macros (issue 13): the rows must come out exactly as Flask-Admin's own
template draws them, for every list screen and every role that reaches it — the same
checkbox, the same buttons (edit left out on a read-only record), the same cells."""

import re

import pytest
from flask_admin.contrib.mongoengine import ModelView

from admin_app.views.base import ScopedModelView
from admin_app.views.list_rows import RowRenderer
from tests.test_scope_matrix import ALL_ROLES, sign_in, world  # noqa: F401 - the fixture

STOCK = "admin/model/list.html"


def _list_views(app):
    return [v for v in app.extensions["admin"][0]._views if isinstance(v, ScopedModelView)]


def _rows(html: str) -> list[str]:
    """The rows of Flask-Admin's list table (not a page's own tables, such as the children
    list's county chooser), whitespace between tags and each page's CSRF token set aside."""
    if "model-list" not in html:
        return []
    table = html.split("model-list", 1)[1]
    body = table.split("</thead>", 1)[1].split("</table>", 1)[0]
    body = re.sub(r'(name="csrf_token"[^>]*value=)"[^"]+"', r"\1CSRF", body)
    body = re.sub(r"\s+", " ", body)
    body = re.sub(r"\s*(<|>)\s*", r"\1", body)
    return re.findall(r"<tr>.*?</tr>", body)


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_list_draws_the_rows_flask_admin_would(app, role, monkeypatch):
    client = sign_in(app, role)
    compared = 0
    for view in _list_views(app):
        url = f"/{view.endpoint}/"
        ours = client.get(url)
        if ours.status_code != 200:
            continue  # not this role's screen (the scope matrix says who reaches it)
        mine = _rows(ours.get_data(as_text=True))
        if not mine:
            continue  # the page shows no list table (the province's county chooser)
        monkeypatch.setattr(view, "list_template", STOCK)
        stock = _rows(client.get(url).get_data(as_text=True))
        monkeypatch.undo()
        for a, b in zip(mine, stock, strict=False):
            assert a == b, (
                role,
                url,
                [(x, y) for x, y in zip(a.split("><"), b.split("><"), strict=False) if x != y],
            )
        assert mine == stock, (role, url)
        compared += sum(1 for r in mine if "colspan" not in r)
    assert compared > 0, role  # the world holds rows this role sees


@pytest.mark.usefixtures("world")
def test_a_read_only_record_has_no_edit_button_and_an_open_one_has(app, monkeypatch):
    view = next(v for v in _list_views(app) if v.endpoint == "help_requests")
    client = sign_in(app, "station")
    html = client.get("/help_requests/").get_data(as_text=True)
    assert "/help_requests/edit/?id=" in html
    monkeypatch.setattr(type(view), "read_only_reason", lambda self, model: "已组卷归档")
    html = client.get("/help_requests/").get_data(as_text=True)
    assert "/help_requests/edit/?id=" not in html and "/help_requests/details/?id=" in html


def test_a_row_action_it_cannot_draw_is_refused_not_dropped(app):
    from flask_admin.model.template import LinkRowAction

    view = _list_views(app)[0]
    with app.test_request_context("/"), pytest.raises(TypeError):
        RowRenderer(view, "/", [LinkRowAction("fa fa-star", "/x?id={row_id}")], False)
    assert issubclass(ScopedModelView, ModelView)


def test_a_page_by_many_people_names_them_in_one_read(app, users):
    """The audit log's 操作人 (and every list's 创建人/最后修改人) were read one user at a
    time: 50 rows by 50 people were 50 queries before the page could show."""
    from admin_app.documents import AuditEntry, Place
    from tests.conftest import TOUCHED, login_as
    from tests.factories import make_user
    from tests.places import ZHANGZHENG

    path = Place.path_of(ZHANGZHENG)
    for i in range(30):
        make_user(f"clerk{i:02d}", "station", ZHANGZHENG, display_name=f"办事员{i:02d}")
        AuditEntry(
            actor=f"clerk{i:02d}",
            actor_role="station",
            action="update",
            target_type="children",
            target_label="档案",
            place_path=path,
        ).save()
    client = login_as(app, users["station"])
    before = TOUCHED.finds["users"]
    html = client.get("/audit/").get_data(as_text=True)
    assert all(f"办事员{i:02d}（clerk{i:02d}）" in html for i in range(30))
    assert TOUCHED.finds["users"] - before <= 2  # the signed-in user, and the page's people
