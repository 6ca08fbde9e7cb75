"""工作考核 (附件2 3.1.2, 附件3 督导考核; issue 16): per period, a township's village 儿童主任
side by side with the station's total; a county's or a city's stations side by side;
every figure links to the list it counts (`items`); each village's 儿童主任工作考核表,
graded by the township 儿童督导员, in Word and Excel; the county's summary. A place is
always checked inside the user's place; the figures: services/appraisal."""

import io
from datetime import date

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..core import dates, sheets, text
from ..documents import DomainError, Place
from ..documents.constants import (
    APPRAISAL_GRADES,
    CITY,
    COUNTY,
    TOWNSHIP,
    VILLAGE,
)
from ..services import appraisal, audit
from ..services.appraisal import sheet as sheets_of
from ..services.reports import periods
from .base import SecureBaseView
from .formatting import person_name
from .permissions import SCREENS, may

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE = 100  # items listed per page


def _send(data: bytes, name: str, mimetype: str):
    return send_file(
        io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=text.file_name(name)
    )


class AppraisalView(SecureBaseView):
    roles = SCREENS["appraisal"].see

    # ---- what was asked --------------------------------------------------------------
    def _period(self) -> dict:
        kind, year = periods.default_period()
        try:
            return periods.period(
                request.values.get("kind") or kind, request.values.get("year") or year
            )
        except (DomainError, ValueError):
            flash("考核期间有误，已显示本半年。", "warning")
            return periods.period(kind, year)

    def _place(self) -> str | None:
        """The place asked for, when inside the user's place (else None); by default the
        user's own place."""
        key = request.values.get("place") or current_user.place
        info = Place.info(key)
        if info is None or current_user.place not in info["place_path"]:
            return None
        return key

    def _common(self, p: dict) -> dict:
        return {
            "p": p,
            "kinds": periods.KINDS,
            "years": periods.years(),
            "figure_labels": appraisal.FIGURES,
            "place_name": Place.full_name_of,
            "short_name": Place.name_of,
            "place_level": lambda key: (Place.info(key) or {}).get("level"),
            "place_parent": lambda key: (Place.info(key) or {}).get("parent"),
            "person_name": person_name,
            "day_text": lambda iso: dates.cn_date(date.fromisoformat(iso[:10])),
        }

    # ---- the figures -----------------------------------------------------------------
    @expose("/")
    def index(self):
        p = self._period()
        place = self._place()
        if place is None:
            flash("该地区不存在或不在您的管辖范围内。", "danger")
            return redirect(url_for(".index", kind=p["kind"], year=p["year"]))
        level = Place.info(place)["level"]
        if level == VILLAGE:
            return redirect(url_for(".sheet", village=place, kind=p["kind"], year=p["year"]))
        context = self._common(p)
        context.update(place=place, level=level)
        if level == TOWNSHIP:
            found = appraisal.township_figures(place, p)
            context.update(
                villages=[
                    (v, found["villages"].get(v), found["directors"].get(v, []))
                    for v, _ in Place.choices_under(place, VILLAGE)
                ],
                station=found["station"],
            )
        elif level in (COUNTY, CITY):
            rows = appraisal.side_by_side(place, p)
            context.update(
                rows=rows,
                counties=appraisal.counties_of(rows) if level == CITY else [],
                total=appraisal.total(rows),
            )
        else:  # the province picks a city or a county: 243 stations are not one table
            context.update(
                cities=Place.choices_under(place, CITY),
                counties=Place.choices_under(place, COUNTY),
            )
        audit.record(
            "view",
            None,
            detail=f"查看工作考核：{Place.full_name_of(place) or '全区'} {p['label']}",
            place_path=Place.path_of(place),
        )
        return self.render("admin/appraisal.html", **context)

    @expose("/items/")
    def items(self):
        """The list a figure counts: a village's or a township's items of one figure."""
        p = self._period()
        place = self._place()
        figure = request.args.get("figure", "")
        info = Place.info(place) if place else None
        if (
            info is None
            or info["level"] not in (TOWNSHIP, VILLAGE)
            or figure not in appraisal.FIGURES
        ):
            flash("请从工作考核表中点击数字查看明细。", "warning")
            return redirect(url_for(".index", kind=p["kind"], year=p["year"]))
        township = place if info["level"] == TOWNSHIP else info["place_path"][3]
        found = appraisal.items(township, p)
        lists = found["station"] if info["level"] == TOWNSHIP else found["villages"].get(place, {})
        rows = sorted(lists.get(figure, []), key=lambda i: (i["date"] or "0000", i["name"]))
        try:
            page = max(0, int(request.args.get("page", 0)))
        except ValueError:
            page = 0
        shown = rows[page * PAGE : (page + 1) * PAGE]
        audit.record(
            "view",
            None,
            detail=f"查看工作考核明细：{Place.full_name_of(place)} {p['label']} {appraisal.FIGURES[figure]}",
            place_path=Place.path_of(place),
        )
        context = self._common(p)
        context.update(
            place=place, figure=figure, rows=shown, count=len(rows), page=page, page_size=PAGE
        )
        return self.render("admin/appraisal_items.html", **context)

    # ---- a village 儿童主任's sheet ------------------------------------------------------
    def _sheet_page(self, p: dict, village: str, typed: dict | None = None):
        data = sheets_of.read(current_user, village, p)
        audit.record(
            "view",
            data["sheet"],
            detail=f"查看儿童主任工作考核表：{Place.full_name_of(village)} {p['label']}",
            place_path=Place.path_of(village),
        )
        context = self._common(p)
        context.update(
            data=data,
            lines=sheets_of.lines(data["figures"]),
            graded_lines=sheets_of.lines(data["graded"]) if data["graded"] else None,
            grades=APPRAISAL_GRADES,
            grade_labels=dict(APPRAISAL_GRADES),
            may_grade=may("edit", "appraisal", current_user.role),
            typed=typed or {},
            place=village,
        )
        return self.render("admin/appraisal_sheet.html", **context)

    @expose("/sheet/")
    def sheet(self):
        p = self._period()
        try:
            return self._sheet_page(p, request.args.get("village"))
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".index", kind=p["kind"], year=p["year"]))

    @expose("/sheet/save/", methods=("POST",))
    def save(self):
        p = self._period()
        village = request.form.get("village")
        if not may("edit", "appraisal", current_user.role):
            flash("只有乡镇（街道）儿童督导员可以评定儿童主任的工作。", "danger")
            return redirect(url_for(".sheet", village=village, kind=p["kind"], year=p["year"]))
        try:
            sheets_of.grade(
                current_user,
                village,
                p,
                request.form.get("grade", ""),
                request.form.get("comment", ""),
                request.form.get("version"),
            )
        except DomainError as exc:
            if exc.field == "village":
                flash(exc.message, "danger")
                return redirect(url_for(".index", kind=p["kind"], year=p["year"]))
            flash(f"保存失败：{exc.message}（您填写的内容仍保留）", "danger")
            return self._sheet_page(p, village, typed=request.form.to_dict())
        flash("考核评定已保存。", "success")
        return redirect(url_for(".sheet", village=village, kind=p["kind"], year=p["year"]))

    def _download(self, make, *args):
        p = self._period()
        try:
            data, name = make(current_user, *args, p)
        except DomainError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".index", kind=p["kind"], year=p["year"]))
        return _send(data, name, DOCX if name.endswith(".docx") else sheets.XLSX)

    @expose("/sheet/word/")
    def sheet_word(self):
        return self._download(sheets_of.word, request.args.get("village"))

    @expose("/sheet/excel/")
    def sheet_excel(self):
        return self._download(sheets_of.excel, request.args.get("village"))

    # ---- the county's (the city's) summary ---------------------------------------------
    @expose("/summary/word/")
    def summary_word(self):
        return self._download(sheets_of.summary_word, request.args.get("place"))

    @expose("/summary/excel/")
    def summary_excel(self):
        return self._download(sheets_of.summary_excel, request.args.get("place"))
