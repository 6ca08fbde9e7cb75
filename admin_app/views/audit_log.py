"""审计日志: read-only, scoped like every other screen."""

from ..documents import AUDIT_ACTIONS, AuditEntry  # noqa: F401
from ..documents.constants import ROLES
from .base import ScopedModelView, equal_filter


class AuditView(ScopedModelView):
    roles = ("province", "city", "county", "station")
    edit_roles = ()
    can_view_details = True
    column_list = (
        "at",
        "actor",
        "actor_role",
        "action",
        "target_type",
        "target_label",
        "ip",
        "detail",
    )
    column_details_list = column_list + ("target_id", "changes")
    column_export_list = column_details_list
    column_labels = {
        "at": "时间",
        "actor": "操作人",
        "actor_role": "角色",
        "action": "操作",
        "target_type": "对象类型",
        "target_id": "对象编号",
        "target_label": "对象",
        "ip": "来源地址",
        "detail": "说明",
        "changes": "变更内容（字段：原值 → 新值）",
    }
    column_choices = {
        "action": list(AUDIT_ACTIONS),
        "actor_role": list(ROLES),
        "target_type": [
            ("places", "地区"),
            ("stations", "未保站"),
            ("allocations", "建设任务分配表"),
            ("users", "用户"),
        ],
    }
    column_formatters_detail = {
        "changes": lambda v, c, m, n: "；".join(
            f"{k}：{a} → {b}" for k, (a, b) in (m.changes or {}).items()
        ),
    }
    column_formatters_export = column_formatters_detail
    column_searchable_list = ("actor", "target_label", "detail")
    column_filters = (
        equal_filter("action", "操作", options=list(AUDIT_ACTIONS)),
        equal_filter("actor", "操作人"),
        equal_filter("target_type", "对象类型"),
    )
    column_default_sort = ("at", True)
    export_types = ["xlsx", "csv"]
