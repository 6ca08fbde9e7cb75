"""The append-only audit log."""

from mongoengine import DateTimeField, DictField, ListField, StringField
from mongoengine.errors import OperationError

from ..core import clock
from .base import PlaceKeyed

AUDIT_ACTIONS = (
    ("login", "登录"),
    ("login_failed", "登录失败"),
    ("lockout", "账号锁定"),
    ("logout", "退出"),
    ("password", "修改密码"),
    ("create", "新增"),
    ("update", "修改"),
    ("delete", "删除"),
    ("view", "查看"),
    ("export", "导出"),
    ("import", "导入"),
    ("download", "下载"),
    ("denied", "越权访问被拒绝"),
)


class AuditEntry(PlaceKeyed):
    """Who did what, when, to which record, from where. Written once, never changed."""

    at = DateTimeField(default=clock.now, required=True)
    actor = StringField()  # user name, or the name typed at a failed log-in
    actor_role = StringField()
    action = StringField(required=True, choices=[a for a, _ in AUDIT_ACTIONS])
    target_type = StringField()  # collection name
    target_id = StringField()
    target_label = StringField()
    place_path = ListField(StringField())  # scope: the record's place (or the actor's)
    ip = StringField()
    changes = DictField()  # field -> [old, new]
    detail = StringField()

    meta = {
        "collection": "audit_log",
        # no indexes of its own: every one is paid on each entry; the lists' are in
        # admin_app/indexes.py
        "ordering": ["-at"],
    }

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise OperationError("审计日志只能追加，不能修改。")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise OperationError("审计日志只能追加，不能删除。")
