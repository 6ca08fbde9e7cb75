"""走访（手机）: the village 儿童主任's phone screen, usable without signal (issue 14).

One page (`/field/`) that the service worker keeps on the phone; it shows the village's
children as cards and the visit form, from what the phone keeps (IndexedDB), and sends
queued visits when the signal returns. The JSON routes under `/field/api/` answer it:
every one reads the user's place exactly as the other screens do (services/field.py,
`get_scoped`), so a phone reaches nothing a desktop could not.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from flask import Response, current_app, jsonify, render_template, request
from flask_admin import expose
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ..core import clock
from ..documents import DomainError
from ..documents.constants import RISK_LEVELS, ROLE_VILLAGE
from ..documents.place import Place
from ..documents.visit import VISIT_KINDS
from ..hardening import WORKER_CSP
from ..services import audit
from ..services import field as offline
from .base import SecureBaseView
from .permissions import SCREENS

STATIC = Path(__file__).resolve().parent.parent / "static"
# What the phone keeps so that the page opens without signal (the service worker's list).
SHELL_FILES = (
    "js/field.js",
    "css/field.css",
    "vendor/idb/umd.js",
    "vendor/workbox/workbox-core.prod.js",
    "vendor/workbox/workbox-routing.prod.js",
    "vendor/workbox/workbox-strategies.prod.js",
    "vendor/workbox/workbox-precaching.prod.js",
    "field/icon-192.png",
    "field/icon-512.png",
)


@cache
def shell_version() -> str:
    """Changes whenever a file the phone keeps changes (the service worker then updates)."""
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update((STATIC / name).read_bytes())
    digest.update((Path(__file__).parent.parent / "templates/field/shell.html").read_bytes())
    return digest.hexdigest()[:12]


def _error(message: str, status: int, **extra):
    return jsonify({"error": message, **extra}), status


class FieldView(SecureBaseView):
    """走访（手机）: in the menu for the roles that record visits."""

    roles = SCREENS["field"].see

    def is_visible(self):
        return current_user.is_authenticated and current_user.role in self.roles

    # ---- the page the phone keeps ----
    @expose("/")
    def index(self):
        resp = Response(
            render_template(
                "field/shell.html",
                version=shell_version(),
                kinds=VISIT_KINDS,
                risks=RISK_LEVELS,
            )
        )
        resp.headers["Cache-Control"] = "no-cache"
        return resp

    @expose("/sw.js")
    def service_worker(self):
        body = render_template(
            "field/sw.js",
            version=shell_version(),
            files=[f"/assets/{name}" for name in SHELL_FILES],
        )
        resp = Response(body, mimetype="text/javascript")
        resp.headers["Cache-Control"] = "no-cache"
        resp.headers["Service-Worker-Allowed"] = "/field/"
        resp.headers["Content-Security-Policy"] = WORKER_CSP
        return resp

    @expose("/manifest.webmanifest")
    def manifest(self):
        data = {
            "name": "未保站工作平台 · 走访",
            "short_name": "走访",
            "lang": "zh-CN",
            "start_url": "/field/",
            "scope": "/field/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#1f5f99",
            "icons": [
                {"src": "/assets/field/icon-192.png", "sizes": "192x192", "type": "image/png"},
                {"src": "/assets/field/icon-512.png", "sizes": "512x512", "type": "image/png"},
            ],
        }
        return Response(json.dumps(data, ensure_ascii=False), mimetype="application/manifest+json")

    # ---- what the page asks ----
    @expose("/api/state")
    def state(self):
        """Who is logged in, their villages, a fresh CSRF token: asked before every send."""
        villages = offline.villages_of(current_user)
        return jsonify(
            {
                "user": current_user.username,
                "name": current_user.display_name or current_user.username,
                "place": Place.full_name_of(current_user.place),
                "village_role": current_user.role == ROLE_VILLAGE,
                "villages": villages,
                "csrf": generate_csrf(),
                "keep_days": offline.FIELD_KEEP_DAYS,
                "today": clock.today().isoformat(),
            }
        )

    @expose("/api/register")
    def register(self):
        village = request.args.get("village") or ""
        if not village and current_user.role == ROLE_VILLAGE:
            village = current_user.place
        try:
            data = offline.register(current_user, village)
        except DomainError as exc:
            return _error(exc.message, 404)
        audit.record(
            "view",
            None,
            detail=f"下载走访名单：{data['village_name']}（{len(data['children'])} 名儿童）",
            place_path=Place.path_of(village),
        )
        return jsonify(data)

    @expose("/api/report", methods=("POST",))
    def report(self):
        """A 附件6 强制报告 or 附件5 求助 from the village (JSON body)."""
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return _error("提交的内容无法识别，请在手机上重新填写。", 400)
        try:
            result = offline.receive_report(current_user, payload)
        except DomainError as exc:
            return _error(exc.message, 422, field=exc.field)
        return jsonify(result)

    @expose("/api/visit", methods=("POST",))
    def visit(self):
        try:
            payload = json.loads(request.form.get("payload") or "{}")
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            return _error("提交的内容无法识别，请在手机上重新登记。", 400)
        files = request.files.getlist("photos")
        photos = [(f.filename or "", f.read()) for f in files if f]
        try:
            result = offline.receive_visit(current_user, payload, photos)
        except offline.FieldConflict as exc:
            return _error(exc.message, 409, conflict=exc.kind, current=exc.current)
        except DomainError as exc:
            return _error(exc.message, 422, field=exc.field)
        current_app.logger.info("field visit %s: %s", result["status"], payload.get("client_id"))
        return jsonify(result)
