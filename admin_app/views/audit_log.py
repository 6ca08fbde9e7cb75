"""审计日志: read-only, scoped like every other screen."""

from flask_login import current_user

from ..core import privacy
from ..documents import AUDIT_ACTIONS, AuditEntry  # noqa: F401
from ..documents.constants import COLLECTION_LABELS, ROLES
from .base import ScopedModelView, equal_filter
from .formatting import person_name
from .permissions import SCREENS


class AuditView(ScopedModelView):
    roles, edit_roles, create_roles, delete_roles = SCREENS["audit"]
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
    person_columns = ("actor",)
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
        "target_type": list(COLLECTION_LABELS),
    }
    # Numbers in what was changed are masked for the roles that see them masked.
    column_formatters = {
        "actor": lambda v, c, m, n: (
            f"{person_name(m.actor)}（{m.actor}）"
            if m.actor and person_name(m.actor) != m.actor
            else (m.actor or "")
        ),
        "detail": lambda v, c, m, n: privacy.shown(m.detail, current_user),
        "target_label": lambda v, c, m, n: privacy.shown(m.target_label, current_user),
    }
    column_formatters_detail = {
        **column_formatters,
        "changes": lambda v, c, m, n: privacy.shown(
            "；".join(f"{k}：{a} → {b}" for k, (a, b) in (m.changes or {}).items()),
            current_user,
        ),
    }
    column_formatters_export = column_formatters_detail
    column_searchable_list = ("actor", "target_label", "detail")
    column_filters = (
        equal_filter("action", "操作", options=list(AUDIT_ACTIONS)),
        equal_filter("actor", "操作人"),
        equal_filter("target_type", "对象类型", options=list(COLLECTION_LABELS)),
    )
    column_default_sort = ("at", True)
    export_types = ["xlsx", "csv"]

    # A province's or a city's log holds millions of entries: counting them cost more than
    # the page itself (province: 269 of 353 ms at 3,000,000 entries, scripts/benchmark.py),
    # so their list pages by 上一页/下一页 without a total.
    @property
    def simple_list_pager(self):
        return current_user.is_authenticated and current_user.role in ("province", "city")

    @simple_list_pager.setter
    def simple_list_pager(self, value):
        pass
