"""How values read on screen: Chinese labels for columns, flash messages and validation
errors, dates, yes/no, places and people by name (never a login name), and links."""

from markupsafe import Markup

from ..core.dates import cn_datetime

FLASH_CN = {
    "Failed to save record.": "保存失败，请按表单中的红色提示修改后重新提交（您填写的内容仍保留）。",
    "Failed to create record.": "保存失败，请按表单中的红色提示修改后重新提交（您填写的内容仍保留）。",
    "Permission denied.": "您没有执行该操作的权限。",
}


def cn_flash(message) -> str:
    """The Chinese text of a flash message Flask-Admin left untranslated."""
    return FLASH_CN.get(str(message), message)


def _date_formatter(view, value, *args):
    return cn_datetime(value)


def _bool_formatter(view, value, *args):
    return "是" if value else "否"


def _list_formatter(view, value, *args):
    return "、".join(str(v) for v in value) if value else ""


COMMON_LABELS = {
    "place": "所属地区",
    "created_at": "创建时间",
    "created_by": "创建人",
    "updated_at": "最后修改时间",
    "updated_by": "最后修改人",
}


def _place_formatter(view, context, model, name):
    from ..documents import Place

    return Place.full_name_of(getattr(model, "place", None))


SYSTEM_ACTORS = {"seed": "系统初始化", "cli": "系统（命令行）", "system": "系统"}


def person_name(username: str | None) -> str:
    """The name of the person behind a user name (马晓燕), as people are named on screens;
    read once per request (a list reads its page's people at once: prefetch_person_names)."""
    from flask import g

    if not username:
        return ""
    if username in SYSTEM_ACTORS:
        return SYSTEM_ACTORS[username]
    prefetch_person_names([username])
    return g._person_names[username]


def prefetch_person_names(usernames) -> None:
    """The names of a page's people read at once (one `username $in` read on its index),
    so a list of 50 rows by 50 people costs one query, not 50 (`person_name` then finds
    them in the request's memo)."""
    from flask import g

    from ..documents import User

    names = g.setdefault("_person_names", {})
    wanted = {u for u in usernames if u and u not in SYSTEM_ACTORS and u not in names}
    if not wanted:
        return
    found = {
        d["username"]: d.get("display_name")
        for d in User._get_collection().find(
            {"username": {"$in": sorted(wanted)}}, {"username": 1, "display_name": 1}
        )
    }
    for u in wanted:
        names[u] = found.get(u) or u


def _person_formatter(view, context, model, name):
    return person_name(getattr(model, name, None))


def labelled(labels: dict, columns) -> dict:
    """form_args giving each form column its Chinese label."""
    return {k: {"label": labels[k]} for k in columns if k in labels}


_VALIDATION_CN = {
    "Field is required": "必填",
    "String value is too long": "内容过长",
    "Integer value is too small": "数值过小",
    "Integer value is too large": "数值过大",
    "String value did not match validation regex": "格式不正确",
    "Value must be one of": "选项无效",
}


def _cn_validation(err) -> str:
    text = str(getattr(err, "message", err))
    for en, cn in _VALIDATION_CN.items():
        if en in text:
            return cn
    return "格式不正确"


def link(url: str, text: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, text)
