"""未保站工作平台: the app factory."""

import secrets
from pathlib import Path

import mongoengine
from flask import Flask, g, render_template, request, send_from_directory
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect
from pymongo.errors import ConnectionFailure

from . import auth, cli, crypto, db, hardening, migrations
from .core import dates, keyfile
from .documents.constants import CLOSED_STEPS, REFERRAL_STATUSES
from .services.children import archive
from .views import init_admin
from .views import public as public_views
from .views.fields import when_input
from .views.formatting import cn_flash, person_name
from .views.permissions import may

csrf = CSRFProtect()


def _secret_key(app: Flask) -> None:
    """Refuse to run in production without SECRET_KEY; in development keep one under var/."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("PRODUCTION"):
        raise RuntimeError(
            "生产环境必须设置 SECRET_KEY 环境变量。 / SECRET_KEY is required in production."
        )
    path = Path(app.config["SECRET_KEY_FILE"])
    if not path.exists():
        app.logger.warning("开发模式：SECRET_KEY 保存在 %s", path)
    app.config["SECRET_KEY"] = keyfile.kept(path, lambda: secrets.token_hex(32))


def load_config(app: Flask, config: dict | None = None) -> None:
    """Defaults (admin_app/config.py), then FLASK_* environment variables, then `config`."""
    app.config.from_object("admin_app.config")
    app.config.from_prefixed_env()
    if config:
        app.config.update(config)


def settings_only() -> Flask:
    """An app holding only the configuration (no database, no views): for what runs before
    the app, such as the production server's master starting the embedded database."""
    holder = Flask("admin_app_settings")
    load_config(holder)
    return holder


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then FLASK_* environment variables, then `config` (tests)."""
    app = Flask(__name__, static_url_path="/assets")
    load_config(app, config)
    _secret_key(app)
    crypto.configure(app)

    db.init_app(app)
    migrations.check(mongoengine.get_db())  # never run on a database a newer release migrated
    Babel(
        app,
        locale_selector=lambda: "zh_Hans_CN",
        timezone_selector=lambda: app.config["TIMEZONE"],
    )
    csrf.init_app(app)
    hardening.init_app(app)
    auth.init_app(app)
    app.register_blueprint(public_views.bp)
    init_admin(app)
    cli.init_app(app)
    app.jinja_env.filters["cn_date"] = dates.cn_datetime  # a date, or a time in Beijing time
    app.jinja_env.filters["cn_flash"] = cn_flash
    app.jinja_env.globals["when_input"] = when_input  # date/time box of hand-written forms
    app.jinja_env.globals["person_name"] = person_name  # 马晓燕, not zz_clerk
    app.jinja_env.globals["referral_statuses"] = dict(REFERRAL_STATUSES)  # sent → 已转介
    app.jinja_env.globals["closed_steps"] = CLOSED_STEPS  # a finished case offers no work
    app.jinja_env.globals["may"] = may  # who may do what (views/permissions.py)
    app.jinja_env.globals["needs_review"] = archive.needs_review  # 儿童主任's archives wait

    if app.config.get("WARM_FIGURES") and not app.testing:

        @app.before_request
        def _start_warmer():  # on the first request: not in `flask seed` and other commands
            from .services.figures import summaries

            summaries.start_warmer(app)

    @app.route("/health", endpoint="health")
    def health():  # liveness: this process answers
        return {"ok": True}

    @app.route("/ready", endpoint="ready")
    def ready():  # readiness: this process can reach its database
        if db.ping():
            return {"ok": True, "database": True}
        return {"ok": False, "database": False}, 503

    @app.route("/favicon.ico", endpoint="favicon")
    def favicon():  # browsers ask for it on every page, logged in or not
        return send_from_directory(app.static_folder, "favicon.ico", max_age=86400)

    def error_page(code: int, title: str, message: str):
        def handler(exc):
            return render_template("error.html", code=code, title=title, message=message), code

        return handler

    app.register_error_handler(403, error_page(403, "无权访问", "您没有访问该页面或记录的权限。"))
    app.register_error_handler(
        404, error_page(404, "页面不存在", "您访问的页面或记录不存在，或不在您的管辖范围内。")
    )
    app.register_error_handler(
        413,
        error_page(
            413,
            "上传文件过大",
            f"上传的文件超过了 {app.config['MAX_CONTENT_LENGTH'] // (1024 * 1024)} MB 的上限，请压缩或拆分后重新上传。",
        ),
    )
    app.register_error_handler(
        CSRFError,
        error_page(400, "页面已过期", "表单已过期或来源无法验证，请返回上一页刷新后重新提交。"),
    )
    app.register_error_handler(
        500, error_page(500, "系统错误", "系统出现错误，已记录。请稍后重试或联系管理员。")
    )

    def database_down(exc):
        """The database does not answer: a Chinese page within seconds, never a log-in page
        or a hang; a form sent meanwhile is not saved and can be sent again from here."""
        app.logger.error("database unavailable: %s", type(exc).__name__)
        g._login_user = app.login_manager.anonymous_user()  # no second try at loading them
        resend = None
        if request.method == "POST" and request.form and request.blueprint != "auth":
            resend = [
                (k, v)
                for k, values in request.form.lists()
                if "password" not in k  # a password is typed again, never echoed into a page
                for v in values
            ]
        page = render_template(
            "error.html",
            code=503,
            title="数据库暂时无法连接",
            message=(
                "系统暂时无法连接数据库，本次操作没有保存。请稍后重试；恢复后系统会自动重新连接。"
            ),
            resend=resend,
            resend_url=request.url,
            had_files=bool(request.files),
        )
        return page, 503, {"Retry-After": "10"}

    app.register_error_handler(ConnectionFailure, database_down)  # timeouts included

    return app
