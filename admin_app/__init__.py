"""未保站工作平台: the app factory."""

import secrets
from pathlib import Path

from flask import Flask, render_template, send_from_directory
from flask_babel import Babel
from flask_wtf.csrf import CSRFError, CSRFProtect

from . import auth, cli, db
from .core import dates
from .documents.constants import CLOSED_STEPS
from .views import init_admin
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
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
        app.logger.warning("开发模式：已生成 SECRET_KEY 并保存在 %s", path)
    app.config["SECRET_KEY"] = path.read_text().strip()


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then FLASK_* environment variables, then `config` (tests)."""
    app = Flask(__name__, static_url_path="/assets")
    app.config.from_object("admin_app.config")
    app.config.from_prefixed_env()
    if config:
        app.config.update(config)
    _secret_key(app)

    db.init_app(app)
    Babel(
        app,
        locale_selector=lambda: "zh_Hans_CN",
        timezone_selector=lambda: app.config["TIMEZONE"],
    )
    csrf.init_app(app)
    auth.init_app(app)
    init_admin(app)
    cli.init_app(app)
    app.jinja_env.filters["cn_date"] = dates.cn_datetime  # a date, or a time in Beijing time
    app.jinja_env.filters["cn_flash"] = cn_flash
    app.jinja_env.globals["when_input"] = when_input  # date/time box of hand-written forms
    app.jinja_env.globals["person_name"] = person_name  # 马晓燕, not zz_clerk
    app.jinja_env.globals["closed_steps"] = CLOSED_STEPS  # a finished case offers no work
    app.jinja_env.globals["may"] = may  # who may do what (views/permissions.py)

    if app.config.get("WARM_FIGURES") and not app.testing:

        @app.before_request
        def _start_warmer():  # on the first request: not in `flask seed` and other commands
            from .services import summaries

            summaries.start_warmer(app)

    @app.route("/health", endpoint="health")
    def health():
        return {"ok": True}

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

    return app
