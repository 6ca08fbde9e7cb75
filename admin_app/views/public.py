"""The public report pages (no log-in): a station's report form, opened from its QR
code, and the receipt look-up. Everything here is an attack surface: limited per address
and per station (config PUBLIC_*_LIMIT, hardening.limiter), photos checked by content and
size, nothing of any child ever shown, a station reached only by its random token (an
unknown one looks like any missing page), and the province may close the pages
(services/cases/public.py)."""

from flask import Blueprint, abort, current_app, render_template, request

from ..documents import DomainError
from ..documents.constants import (
    GENDERS,
    NATIONAL_HOTLINES,
    PUBLIC_ACCEPT_HOURS,
    PUBLIC_MAX_PHOTOS,
    PUBLIC_RELATIONS,
)
from ..hardening import limiter
from ..services.cases import public

bp = Blueprint("public", __name__, url_prefix="/report")
ENDPOINTS = {"public.report", "public.status"}  # auth.PUBLIC_ENDPOINTS


def _station_key() -> str:
    return "station:" + str((request.view_args or {}).get("token", ""))


def _page(template: str, status: int = 200, **kw):
    kw.setdefault("hotlines", NATIONAL_HOTLINES)
    response = current_app.make_response((render_template(template, **kw), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token stays out of other logs
    return response


@bp.route("/<token>", methods=("GET", "POST"))
@limiter.limit(lambda: current_app.config["PUBLIC_REPORT_LIMIT"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["PUBLIC_STATION_LIMIT"], key_func=_station_key, methods=["POST"]
)
def report(token):
    station = public.station_by_token(token)
    if station is None:
        abort(404)
    context = dict(
        station_name=station.name,
        station_phone=station.phone,
        genders=GENDERS,
        relations=[(k, label) for k, label, _ in PUBLIC_RELATIONS],
        max_photos=PUBLIC_MAX_PHOTOS,
        hours=PUBLIC_ACCEPT_HOURS,
    )
    if not public.channel_open():
        return _page("public/closed.html", 503, message=public.CLOSED_MESSAGE, **context)
    if request.method == "GET":
        return _page("public/report.html", form={}, **context)
    photos = [(f.filename or "", f.read()) for f in request.files.getlist("photos") if f]
    try:
        _, code = public.submit(station, request.form.to_dict(), photos)
    except DomainError as exc:
        return _page(
            "public/report.html",
            400,
            form=request.form,
            error=exc.message,
            field=exc.field,
            **context,
        )
    return _page("public/sent.html", code=code, **context)


@bp.route("/status", methods=("GET", "POST"))
@limiter.limit(lambda: current_app.config["PUBLIC_STATUS_LIMIT"], methods=["POST"])
def status():
    if request.method == "GET":
        return _page("public/status.html")
    code = request.form.get("code", "")[:40]
    state = public.state_of(code) if code.strip() else None
    if state is None:
        return _page(
            "public/status.html", 404, code=code, error="没有找到这个回执码，请核对后再查。"
        )
    return _page("public/status.html", code=code, state=state)
