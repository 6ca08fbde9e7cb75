"""Exports of a list: a sheet named after the list, in Chinese, with no formulas, and an
audit entry at every place whose records left (the county sees that the province
exported its children)."""

import io
from collections import Counter

from flask import flash, redirect, request, send_file
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_login import current_user

from ..core import dates, sheets
from ..services import audit


class ExportMixin:
    """The export route of every list (ScopedModelView)."""

    @expose("/export/<export_type>/")
    def export(self, export_type):
        return_url = get_redirect_target() or self.get_url(".index_view")
        if not self.can_export or export_type not in self.export_types:
            flash("不能以该格式导出。", "danger")
            return redirect(return_url)
        _count, data = self._export_data()
        rows = list(data)
        self._log_export(rows, export_type)
        headers = [str(c[1]) for c in self._export_columns]
        values = [[self.get_export_value(r, c[0]) for c in self._export_columns] for r in rows]
        if export_type == "csv":
            body, mimetype = sheets.csv_bytes(headers, values), "text/csv; charset=utf-8"
        else:
            body, mimetype = sheets.xlsx(self.name, headers, values), sheets.XLSX
        return send_file(
            io.BytesIO(body),
            mimetype=mimetype,
            as_attachment=True,
            download_name=f"{self.name}_{dates.stamp()}.{export_type}",
        )

    def _log_export(self, rows, export_type: str) -> None:
        """One audit entry per place whose records left, at that place (down to the
        township), so the county sees that the province exported its children."""
        query = request.query_string.decode()[:300]
        detail = f"{self.name} 导出 {export_type}，共 {len(rows)} 条 {query}".strip()
        depth = max(4, len(getattr(current_user, "place_path", None) or []))
        counts: Counter = Counter()
        for row in rows:
            path = self._row_place_path(row)
            if path:
                counts[tuple(path[:depth])] += 1
        if not counts:
            audit.record("export", None, detail=detail)
            return
        for path, n in counts.items():
            audit.record(
                "export", None, detail=f"{detail}（其中本地区 {n} 条）", place_path=list(path)
            )

    @staticmethod
    def _row_place_path(row) -> list[str]:
        from ..documents import Place

        path = getattr(row, "place_path", None)
        if path:
            return list(path)
        key = getattr(row, "village", None) or getattr(row, "place", None)
        return Place.path_of(key) if key else []
