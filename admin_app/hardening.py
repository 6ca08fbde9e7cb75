"""What every response carries and what every request is limited by, in one place:
security headers, a request id (in the response and in every log line, never personal
data), the per-address log-in limit, and the proxy in front (nginx) trusted for the
client's address and scheme. The idle time-out is the log-in gate's (auth.py: gate)."""

import logging
import re
import uuid

from flask import Flask, Request, g, render_template, request
from flask.logging import default_handler
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

from . import ratelimit
from .core import text

# Its storage is set by init_app from the configuration (ratelimit.py: shared by every
# worker unless RATELIMIT_STORAGE_URI names another); a storage given here would win.
limiter = Limiter(key_func=get_remote_address, default_limits=[])

# Flask-Admin's pages use inline scripts and styles (its list actions, the date pickers);
# everything else comes from this site only, and no other site may frame a page.
CSP = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# A file opened by itself (a photo, a Word file, JSON): nothing in it may run, even if it
# is also something else (a JPEG/HTML polyglot). PDFs keep the page policy: Chromium's
# viewer refuses to show a sandboxed PDF.
FILE_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; sandbox"
# The phone page's service worker (views/field.py): it may load our scripts and fetch from
# this site, nothing else.
WORKER_CSP = "default-src 'self'; object-src 'none'"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        try:
            record.request_id = g.get("request_id", "-")
        except RuntimeError:  # outside a request
            record.request_id = "-"
        return True


def _start():
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]


def _headers(response):
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    page = response.mimetype in ("text/html", "application/pdf")
    h.setdefault("Content-Security-Policy", CSP if page else FILE_CSP)
    h.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=(self)")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    h["X-Request-Id"] = g.get("request_id", "-")
    return response


def _too_many(exc):
    if (request.endpoint or "").startswith("public."):
        message = (
            "从您所在网络提交的报告过于频繁，请稍后再试。"
            "如有儿童正处于危险之中，请立即拨打 110；也可拨打 12345 或 12349。"
        )
    else:
        message = "从您所在网络的登录尝试过于频繁，请稍后再试（约 1 分钟）。"
    return (
        render_template("error.html", code=429, title="尝试过于频繁", message=message),
        429,
        {"Retry-After": "60"},
    )


class CleanRequest(Request):
    """Every typed or pasted form value is cleaned once, here, where it enters: CR LF
    becomes a line break, control characters other than line breaks and tabs go
    (core/text.py). Nothing behind it meets a `\x0b` from a pasted Word document."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is None:
            return
        pairs = list(form.items(multi=True))
        cleaned = [(k, text.clean(v)) for k, v in pairs]
        if cleaned != pairs:
            self.__dict__["form"] = self.parameter_storage_class(cleaned)


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest
    proxies = int(app.config.get("PROXIES") or 0)
    if proxies:  # nginx in front: its X-Forwarded-For/-Proto name the client
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    ratelimit.configure(app)
    limiter.init_app(app)
    app.before_request(_start)
    app.after_request(_headers)
    app.register_error_handler(429, _too_many)
    default_handler.addFilter(_RequestIdFilter())
    default_handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s rid=%(request_id)s %(name)s: %(message)s")
    )
