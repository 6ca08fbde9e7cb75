"""用户管理: county and above create accounts for places inside their own scope."""

from flask import flash
from flask_admin.actions import action
from flask_login import current_user
from wtforms import PasswordField, SelectField
from wtforms.validators import InputRequired, Optional

from ..documents import DomainError, Place
from ..documents.constants import LEVEL_DEPTH, ROLE_CAN_CREATE, ROLE_LEVEL, ROLES
from ..services import audit
from .base import ScopedModelView, equal_filter
from .permissions import SCREENS


class UserView(ScopedModelView):
    roles, edit_roles, create_roles, delete_roles = SCREENS["users"]
    column_list = (
        "username",
        "display_name",
        "role",
        "place",
        "phone",
        "active",
        "must_change_password",
        "locked_until",
        "last_login_at",
    )
    column_details_list = column_list + ("created_at", "created_by", "updated_at", "updated_by")
    column_export_list = column_list
    column_labels = {
        "username": "用户名",
        "display_name": "姓名",
        "role": "角色",
        "place": "所属地区",
        "phone": "联系电话",
        "active": "启用",
        "must_change_password": "待修改初始密码",
        "locked_until": "锁定至",
        "last_login_at": "最近登录",
        "password": "初始密码/重置密码",
        "created_at": "创建时间",
        "created_by": "创建人",
        "updated_at": "修改时间",
        "updated_by": "修改人",
    }
    column_choices = {"role": list(ROLES)}
    column_formatters = {"place": lambda v, c, m, n: Place.full_name_of(m.place)}
    column_formatters_export = {
        "place": lambda v, c, m, n: Place.full_name_of(m.place),
        "role": lambda v, c, m, n: dict(ROLES).get(m.role, m.role),
    }
    column_searchable_list = ("username", "display_name")
    column_filters = (equal_filter("role", "角色", options=list(ROLES)),)
    column_default_sort = "username"
    form_columns = ("username", "display_name", "role", "place_key", "phone", "active", "password")
    form_extra_fields = {
        "role": SelectField("角色", choices=[], validators=[InputRequired("请选择角色。")]),
        "place_key": SelectField(
            "所属地区", choices=[], validators=[InputRequired("请选择所属地区。")]
        ),
        "password": PasswordField(
            "初始密码/重置密码",
            validators=[Optional()],
            description="新建账号必填；修改时填写即重置密码。用户首次登录须自行修改。",
        ),
    }
    form_args = {
        "username": {"label": "用户名", "description": "3–40 位字母、数字、下划线、点或短横线。"},
        "display_name": {"label": "姓名"},
        "phone": {"label": "联系电话"},
        "active": {"label": "启用"},
    }
    duplicate_message = "保存失败：该用户名已被使用。"

    def _role_choices(self):
        allowed = ROLE_CAN_CREATE.get(current_user.role, set())
        return [(r, label) for r, label in ROLES if r in allowed]

    def _place_choices(self):
        mine = current_user.place
        my_depth = LEVEL_DEPTH[ROLE_LEVEL[current_user.role]]
        rows = [Place.info(mine)] + Place.children_of(mine)
        levels = [lv for lv, d in LEVEL_DEPTH.items() if d >= my_depth]
        return [
            (r["_id"], f"{Place.full_name_of(r['_id']) or r['name']}（{r['code']}）")
            for r in rows
            if r and r["level"] in levels
        ]

    def _prepare(self, form, obj=None):
        form.role.choices = self._role_choices()
        form.place_key.choices = self._place_choices()
        if obj is not None and not form.place_key.data:
            form.place_key.data = obj.place
        return form

    def create_form(self, obj=None):
        return self._prepare(super().create_form(obj))

    def edit_form(self, obj=None):
        form = self._prepare(super().edit_form(obj), obj)
        if obj is not None and form.role.data is None:
            form.role.data = obj.role
        return form

    def populate(self, form, model):
        for name in ("username", "display_name", "role", "phone", "active"):
            getattr(form, name).populate_obj(model, name)

    def check_model(self, form, model, is_created):
        if model.role not in ROLE_CAN_CREATE.get(current_user.role, set()):
            raise DomainError("您不能设置该角色。", "role")
        key = form.place_key.data
        if key not in {k for k, _ in self._place_choices()}:
            raise DomainError("只能为您管辖范围内的地区设置账号。", "place_key")
        if (
            not is_created
            and model.pk == current_user.pk
            and (model.role != current_user.role or not model.active or key != current_user.place)
        ):
            raise DomainError("不能修改自己的角色、地区或停用自己的账号。", "role")
        model.set_place(key)
        model.check_role_place()
        password = form.password.data
        if is_created and not password:
            raise DomainError("新建账号须设置初始密码。", "password")
        if password:
            model.set_password(password)
            model.must_change_password = True
        if not is_created and not model.active:
            model.session_nonce = None  # logs the user out everywhere

    def on_model_delete(self, model):
        if model.pk == current_user.pk:
            raise DomainError("不能删除自己的账号。")

    @action("unlock", "解除锁定", "确定解除所选账号的登录锁定吗？")
    def action_unlock(self, ids):
        count = 0
        for user in self.scoped_ids(ids):
            user.locked_until = None
            user.failed_logins = 0
            user.save()
            audit.record("update", user, changes={"locked_until": ["锁定", "解除"]})
            count += 1
        flash(f"已解除 {count} 个账号的锁定。", "success")

    @action(
        "end_sessions",
        "强制下线",
        "确定让所选账号在所有设备上立即退出吗？（手机或电脑丢失、人员离岗时使用）",
    )
    def action_end_sessions(self, ids):
        count = 0
        for user in self.scoped_ids(ids):
            user.end_sessions()  # a new nonce: every cookie issued before opens nothing
            audit.record("update", user, detail="强制下线：结束该账号在所有设备上的登录")
            count += 1
        flash(f"已让 {count} 个账号在所有设备上退出登录。", "success")
