"""上墙材料: download a station's wall bulletins (flowcharts, sign, duties, rules) as Word."""

import io

from bson.errors import InvalidId
from flask import abort, request, send_file
from flask_admin import expose
from flask_login import current_user
from mongoengine.errors import ValidationError

from ..documents import Station
from ..services import audit
from ..services.bulletins import BULLETINS, QR_KINDS, file_name, render_bulletin
from .base import SecureBaseView
from .permissions import SCREENS
from .public_reports import qr_png

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PICKERS = ("county", "city", "province")  # choose one of the stations inside their place


class BulletinView(SecureBaseView):
    roles = SCREENS["bulletins"].see

    def _stations(self):
        return Station.objects.in_scope(current_user)

    def _station(self, station_id):
        """A station inside the user's place, or None (a station user: its own township's)."""
        query = self._stations()
        if not station_id:
            return query.filter(place=current_user.place).first()
        try:
            return query.filter(pk=station_id).first()
        except (ValidationError, InvalidId, TypeError, ValueError):
            return None

    @expose("/")
    def index(self):
        stations = list(self._stations()) if current_user.role in PICKERS else []
        station = self._station(request.args.get("station"))
        if station is None and stations:
            station = stations[0]
        return self.render(
            "admin/bulletins.html",
            bulletins=BULLETINS,
            station=station,
            stations=stations,
            picker=current_user.role in PICKERS,
        )

    @expose("/<kind>.docx")
    def download(self, kind):
        if kind not in BULLETINS:
            abort(404)
        station = self._station(request.args.get("station"))
        if station is None:
            abort(404)
        qr = qr_png(station) if kind in QR_KINDS else None
        data = render_bulletin(kind, station, qr)
        audit.record("download", station, detail=f"下载上墙材料 {BULLETINS[kind][1]}")
        return send_file(
            io.BytesIO(data),
            mimetype=DOCX,
            as_attachment=True,
            download_name=file_name(kind, station),
        )
