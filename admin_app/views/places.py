"""地区 (places): everyone reads inside their scope; the province renames and re-codes."""

from flask_login import current_user

from ..core.dates import cn_date
from ..documents import Place, Station, station_name
from ..documents.constants import PLACE_LEVELS, TOWNSHIP
from .base import ScopedModelView, equal_filter
from .permissions import SCREENS


def _former(view, context, model, name):
    return "；".join(
        f"{f.name}（{f.code}，{cn_date(f.changed_at)}前）" for f in (model.former or [])
    )


class PlaceView(ScopedModelView):
    roles, edit_roles, create_roles, delete_roles = SCREENS["places"]
    can_view_details = False
    column_list = ("code", "name", "kind", "level", "parent", "former")
    column_labels = {
        "code": "区划代码",
        "name": "名称",
        "kind": "类型",
        "level": "层级",
        "parent": "上级地区",
        "former": "曾用名称/代码",
        "key": "永久编号",
    }
    column_choices = {"level": list(PLACE_LEVELS)}
    column_formatters = {
        "parent": lambda v, c, m, n: Place.full_name_of(m.parent),
        "former": _former,
    }
    column_formatters_export = {
        "parent": lambda v, c, m, n: Place.full_name_of(m.parent),
        "former": _former,
        "level": lambda v, c, m, n: dict(PLACE_LEVELS).get(m.level, ""),
    }
    column_searchable_list = ("name", "code")
    column_sortable_list = ("code", "name", "level")
    column_default_sort = "code"
    column_filters = (equal_filter("level", "层级", options=list(PLACE_LEVELS)),)
    form_columns = ("code", "name")
    form_args = {
        "code": {
            "label": "区划代码",
            "description": "12 位国家统计用区划代码；乡改镇等区划调整后在此更新。",
        },
        "name": {"label": "名称"},
    }
    duplicate_message = "保存失败：该区划代码已被其他地区使用。"

    def populate(self, form, model):
        model.change_code_or_name(form.code.data, form.name.data, current_user.username)

    def after_model_change(self, form, model, is_created):
        Place.forget_cache()
        if model.level == TOWNSHIP:
            # The sign's name follows the township's name (四(一)2).
            Station.objects(place=model.key).update(set__name=station_name(model.name))
