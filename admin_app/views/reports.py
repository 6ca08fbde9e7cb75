"""工作报告: the station's half-year report and yearly summary (三(二)), and the county's
yearly filing of station construction and operation (五(一)).

Figures come from admin_app/reports.py; the clerk edits the narrative drafted from them
and downloads the Word file. Everything is scoped to the user's own place, and every
download is written to the audit log.
"""

import io

from flask import abort, flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..core import clock, sheets
from ..core.text import file_name
from ..documents import DomainError, Place
from ..documents.constants import PROVINCE_CODE, STATION_STAFF, SUPERVISORS
from ..documents.records import HalfYearReport
from ..services import audit, reports, word
from ..services.stations import progress
from .base import SecureBaseView
from .permissions import SCREENS

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _year(value, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        abort(400)


def _download(data: bytes, mimetype: str, name: str):
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=file_name(name)
    )


class ReportView(SecureBaseView):
    """Station staff write their reports; county, city and province make the filing."""

    roles = SCREENS["reports"].see

    # ---- shared ----
    def _require(self, roles) -> None:
        if current_user.role not in roles:
            abort(403)

    def _period(self, source):
        default_kind, default_year = reports.default_period()
        kind = source.get("kind") or default_kind
        year = _year(source.get("year"), default_year)
        try:
            return reports.period(kind, year)
        except DomainError:
            abort(400)

    def _figures(self, p):
        return reports.station_figures(current_user, p["start"], p["end"], kind=p["kind"])

    @expose("/")
    def index(self):
        if current_user.role in STATION_STAFF:
            return self._station_page()
        return self._county_page()

    # ---- the station's reports (三(二)) ----
    def _station_page(self):
        p = self._period(request.args)
        try:
            figures = self._figures(p)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("admin.index"))
        return self.render(
            "admin/reports_station.html",
            p=p,
            f=figures,
            sections=reports.figure_sections(figures),
            draft=reports.draft_narrative(figures),
            narrative=reports.NARRATIVE,
            kinds=reports.KINDS,
            years=reports.years(),
            saved=figures["half_year_reports"],
        )

    @expose("/word/", methods=("POST",))
    def station_word(self):
        self._require(STATION_STAFF)
        p = self._period(request.form)
        figures = self._figures(p)
        text = reports.clean_narrative(request.form)
        reported_to = word.clean(request.form.get("reported_to", ""))[:100]
        data = reports.station_word(figures, text, reported_to)
        kind = "年度工作总结" if p["kind"] == "year" else "工作情况汇报"
        audit.record(
            "download", None, detail=f"工作报告 Word：{figures['station']} {p['label']}{kind}"
        )
        return _download(data, DOCX, f"{figures['station']}{p['label']}{kind}.docx")

    @expose("/excel/")
    def station_excel(self):
        self._require(STATION_STAFF)
        p = self._period(request.args)
        figures = self._figures(p)
        data = reports.station_workbook(figures)
        audit.record("export", None, detail=f"工作报告数据 xlsx：{figures['station']} {p['label']}")
        return _download(data, sheets.XLSX, f"{figures['station']}{p['label']}工作数据.xlsx")

    @expose("/save/", methods=("POST",))
    def save(self):
        """保存为汇报记录: the HalfYearReport that shows the half-year report was made."""
        self._require(STATION_STAFF)
        p = self._period(request.form)
        back = url_for(".index", kind=p["kind"], year=p["year"])
        if p["kind"] not in ("H1", "H2"):
            flash("只有上半年、下半年的汇报可保存为汇报记录。", "danger")
            return redirect(back)
        township = reports.township_of(current_user)
        text = reports.clean_narrative(request.form)
        reported_to = word.clean(request.form.get("reported_to", ""))[:100]
        reported_to = reported_to or reports.government_of(township)
        existing = (
            HalfYearReport.objects.in_scope(current_user)
            .filter(year=p["year"], half=p["kind"], place=township)
            .first()
        )
        if existing is None:
            record = HalfYearReport(
                year=p["year"],
                half=p["kind"],
                reported_on=clock.today(),
                reported_to=reported_to,
                **text,
            )
            record.set_place(township)
            record.save_new(current_user)
            audit.record("create", record, detail=f"保存{p['label']}汇报记录")
            flash(f"已保存{p['label']}汇报记录。", "success")
        else:
            before = existing.to_mongo().to_dict()
            existing.reported_on, existing.reported_to = clock.today(), reported_to
            existing.summary, existing.problems = text["summary"], text["problems"]
            existing.next_steps = text["next_steps"]
            existing.save_versioned(current_user)
            audit.record(
                "update",
                existing,
                changes=audit.diff(before, existing.to_mongo().to_dict()),
                detail=f"更新{p['label']}汇报记录",
            )
            flash(f"已更新{p['label']}汇报记录。", "success")
        return redirect(back)

    # ---- the county's yearly filing (五(一)) ----
    def _filing(self, source, county_required=True):
        """(filing, counties) for the chosen county inside the user's place; 404 outside it."""
        self._require(SUPERVISORS)
        year = _year(source.get("year"), clock.today().year)
        counties = reports.counties_for(current_user)
        county = source.get("county") or None
        if county is None and len(counties) == 1:
            county = counties[0]["_id"]
        if county is None:
            if county_required:
                abort(400)
            return None, counties, year
        try:
            return reports.county_filing(current_user, year, county), counties, year
        except DomainError:
            if Place.info(county) is not None:
                audit.record("denied", None, detail=f"reports:{county}", place_path=[PROVINCE_CODE])
            abort(404)

    def _county_page(self):
        filing, counties, year = self._filing(request.args, county_required=False)
        return self.render(
            "admin/reports_county.html",
            filing=filing,
            counties=counties,
            year=year,
            years=reports.years(),
            draft=reports.filing_draft(filing) if filing else {},
            narrative=reports.FILING_NARRATIVE,
            context=reports.filing_context(filing, {}) if filing else {},
            deadline=progress.deadline(year),
        )

    @expose("/filing/word/", methods=("POST",))
    def filing_word(self):
        filing, _, year = self._filing(request.form)
        text = reports.clean_narrative(request.form, keys=("summary", "problems"))
        data = reports.filing_word(filing, text)
        audit.record("download", None, detail=f"备案报告 Word：{filing['full_name']} {year}年度")
        return _download(
            data, DOCX, f"{filing['county_name']}{year}年度未保站建设运营情况备案报告.docx"
        )

    @expose("/filing/excel/")
    def filing_excel(self):
        filing, _, year = self._filing(request.args)
        data = reports.filing_workbook(filing)
        audit.record("export", None, detail=f"备案表 xlsx：{filing['full_name']} {year}年度")
        return _download(
            data, sheets.XLSX, f"{filing['county_name']}{year}年度未保站建设运营情况备案表.xlsx"
        )
