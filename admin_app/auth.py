"""Log-in, log-out, password change, and the deny-by-default gate in front of every page."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from pymongo.errors import ConnectionFailure
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from .core import clock
from .documents import DomainError, User
from .hardening import limiter
from .services import audit

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录。"
login_manager.login_message_category = "warning"
login_manager.session_protection = "strong"

# Endpoints a stranger may reach; everything else needs a log-in (deny by default).
PUBLIC_ENDPOINTS = {
    "auth.login",
    "static",
    "admin.static",
    "health",
    "ready",
    "favicon",
    "public.report",  # a station's public report page (views/public.py)
    "public.status",
}
# Endpoints a user who must change the password may still reach.
PASSWORD_CHANGE_ENDPOINTS = PUBLIC_ENDPOINTS | {"auth.change_password", "auth.logout"}


@login_manager.user_loader
def load_user(user_id: str):
    pk, _, nonce = user_id.partition(":")
    try:
        user = User.objects(pk=pk).order_by().first()  # _id only: pushed down to SQLite
    except ConnectionFailure:
        raise  # the database is down: the outage page, never "请先登录"
    except Exception:  # a malformed id in an old cookie
        return None
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """Only follow a `next` that stays on this site (a path, no scheme or host)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=40)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


class PasswordForm(FlaskForm):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=200)])
    confirm = PasswordField(
        "再次输入新密码",
        validators=[DataRequired("请再次输入新密码。"), EqualTo("new", "两次输入的新密码不一致。")],
    )


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.index"))
    form = LoginForm()
    if form.validate_on_submit():
        name = form.username.data.strip()
        user = User.objects(username=name).first()
        cfg = current_app.config
        if user is None:
            User.burn_time(form.password.data)
            audit.record("login_failed", actor=name, detail="用户名不存在")
            flash("用户名或密码错误。", "danger")
        elif user.is_locked():
            audit.record("login_failed", user, actor=name, detail="账号已锁定")
            flash("登录失败次数过多，账号已暂时锁定，请稍后再试或联系上级管理员。", "danger")
        elif not user.check_password(form.password.data):
            locked = user.register_failure(cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_LOCK_MINUTES"])
            audit.record(
                "lockout" if locked else "login_failed", user, actor=name, detail="密码错误"
            )
            if locked:
                flash(f"登录失败次数过多，账号已锁定 {cfg['LOGIN_LOCK_MINUTES']} 分钟。", "danger")
            else:
                flash("用户名或密码错误。", "danger")
        elif not user.active:
            audit.record("login_failed", user, actor=name, detail="账号已停用")
            flash("该账号已停用，请联系上级管理员。", "danger")
        else:
            User.objects(pk=user.pk).update(
                set__failed_logins=0, unset__locked_until=True, set__last_login_at=clock.now()
            )
            login_user(user)
            session["seen"] = clock.now().timestamp()
            audit.record("login", user, actor=user)
            if user.must_change_password:
                flash("首次登录，请先修改密码。", "warning")
                return redirect(url_for("auth.change_password"))
            return redirect(safe_next(request.args.get("next")) or url_for("admin.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    user = current_user._get_current_object()
    audit.record("logout", user)
    # The cookie alone does not end a session (it may have been copied): a new nonce makes
    # every cookie issued before this moment open nothing, on every device (load_user).
    user.end_sessions()
    logout_user()
    flash("您已安全退出。", "info")
    resp = redirect(url_for("auth.login"))
    # What the phone kept for visits without signal (the village's list, the page, queued
    # visits the person chose to drop) goes with the log-out (views/field.py).
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    return resp


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not user.check_password(form.current.data):
            form.current.errors.append("当前密码不正确。")
        elif form.new.data == form.current.data:
            form.new.errors.append("新密码不能与当前密码相同。")
        else:
            try:
                user.set_password(form.new.data)
            except DomainError as exc:
                form.new.errors.append(exc.message)
            else:
                user.must_change_password = False
                user.save()
                audit.record("password", user, actor=user)
                login_user(user)  # the session id changed with the nonce
                flash("密码已修改。", "success")
                return redirect(url_for("admin.index"))
    return render_template("auth/password.html", form=form)


def _idle_too_long() -> bool:
    """Log out a session unused for IDLE_TIMEOUT_MINUTES (a shared office computer left
    open); each request of the session starts the time again."""
    minutes = current_app.config.get("IDLE_TIMEOUT_MINUTES")
    now = clock.now().timestamp()
    seen = session.get("seen")
    if minutes and seen and now - seen > minutes * 60:
        logout_user()
        session.pop("seen", None)
        flash(f"超过 {minutes} 分钟未操作，已自动退出，请重新登录。", "warning")
        return True
    session["seen"] = now
    return False


def gate():
    """before_request: deny by default; force the first-log-in password change."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return None
    api = endpoint.startswith("field.") and request.path.startswith("/field/api/")
    if not current_user.is_authenticated:
        if api:  # the phone's page keeps what it queued and asks the person to log in
            return jsonify({"error": "登录已失效，请重新登录后再发送。", "login": True}), 401
        return login_manager.unauthorized()
    if _idle_too_long():
        if api:
            return jsonify(
                {"error": "长时间未操作已自动退出，请重新登录后再发送。", "login": True}
            ), 401
        return redirect(url_for("auth.login", next=request.full_path))
    if current_user.must_change_password and endpoint not in PASSWORD_CHANGE_ENDPOINTS:
        return redirect(url_for("auth.change_password"))
    return None


def init_app(app) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(gate)
