"""资金与购买服务 (五(三); issue 16): each station's subsidy funds and the services bought
for it, per year. A county or a city records them; the city evaluates and accepts a
project; a station sees its own; every level above sees its stations side by side and
exports them to Excel. The township is always checked inside the user's place
(services/stations/funds.py: township_inside)."""

import io

from flask import flash, redirect, request, send_file, url_for
from flask_admin import expose
from flask_login import current_user

from ..core import dates, money, sheets, text
from ..documents import DomainError, Place
from ..documents.constants import (
    FUND_KINDS,
    FUND_PURPOSES,
    FUND_SOURCES,
    PROJECT_RESULTS,
    TOWNSHIP,
    VILLAGE,
)
from ..services import audit
from ..services.stations import funds
from .base import SecureBaseView
from .permissions import SCREENS, may

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(raw, label: str, field: str):
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return dates.parse_date(raw)
    except ValueError as exc:
        raise DomainError(f"{label}：{exc}", field) from None


class FundsView(SecureBaseView):
    roles = SCREENS["funds"].see

    def _own_township(self) -> str | None:
        info = Place.info(current_user.place) or {}
        if info.get("level") == TOWNSHIP:
            return current_user.place
        if info.get("level") == VILLAGE:
            return Place.path_of(current_user.place)[3]
        return None

    def _year(self) -> int:
        try:
            return funds.check_year(request.values.get("year"))
        except DomainError as exc:
            flash(exc.message, "warning")
            return funds.years()[0]

    def _page(self, year: int, township: str | None, typed: dict | None = None):
        own = self._own_township()
        township = own or township
        ledger = None
        if township:
            try:
                ledger = funds.ledger(current_user, township, year)
            except DomainError as exc:
                flash(exc.message, "danger")
                township = None
        if ledger is not None:
            audit.record(
                "view",
                None,
                detail=f"查看资金与购买服务：{Place.full_name_of(township)} {year}年",
                place_path=Place.path_of(township),
            )
        return self.render(
            "admin/funds.html",
            year=year,
            years=funds.years(),
            township=township,
            township_name=Place.full_name_of(township) if township else "",
            own=own,
            ledger=ledger,
            summary=None if own else funds.summary(current_user, year),
            townships=[] if own else Place.choices_under(current_user.place, TOWNSHIP),
            may_edit=may("edit", "funds", current_user.role),
            may_evaluate=current_user.role in funds.EVALUATORS,
            typed=typed or {},
            money=money.text,
            kinds=dict(FUND_KINDS),
            sources=dict(FUND_SOURCES),
            purposes=dict(FUND_PURPOSES),
            results=dict(PROJECT_RESULTS),
        )

    @expose("/")
    def index(self):
        return self._page(self._year(), request.args.get("township"))

    def _write(self, action, form_name: str):
        form = request.form
        township = form.get("township") or ""
        year = self._year()
        if not may("edit", "funds", current_user.role) and form_name != "evaluate":
            flash("只有县（区）、市民政局可以登记和修改资金。", "danger")
            return redirect(url_for(".index", year=year, township=township))
        try:
            done = action(form)
        except DomainError as exc:
            flash(f"保存失败：{exc.message}（您填写的内容仍保留）", "danger")
            return self._page(year, township, typed={"form": form_name, **form.to_dict()})
        flash(done, "success")
        return redirect(url_for(".index", year=year, township=township))

    @expose("/entry/", methods=("POST",))
    def entry(self):
        def action(form):
            entry = funds.add_entry(
                current_user,
                form.get("township"),
                {
                    "year": form.get("year"),
                    "kind": form.get("kind"),
                    "on": _date(form.get("on"), "日期", "on"),
                    "amount": form.get("amount"),
                    "source": form.get("source"),
                    "purpose": form.get("purpose"),
                    "note": form.get("note"),
                },
            )
            return f"已登记{funds.KINDS[entry.kind]} {money.text(entry.amount_fen)} 元。"

        return self._write(action, "entry")

    @expose("/project/", methods=("POST",))
    def project(self):
        def action(form):
            project = funds.add_project(
                current_user,
                form.get("township"),
                {
                    "year": form.get("year"),
                    "name": form.get("name"),
                    "provider": form.get("provider"),
                    "amount": form.get("amount"),
                    "start": _date(form.get("start"), "开始日期", "start"),
                    "end": _date(form.get("end"), "结束日期", "end"),
                    "content": form.get("content"),
                },
            )
            return f"已登记政府购买服务项目“{project.name}”。"

        return self._write(action, "project")

    @expose("/evaluate/", methods=("POST",))
    def evaluate(self):
        def action(form):
            project = funds.evaluate(
                current_user,
                form.get("id"),
                {
                    "result": form.get("result"),
                    "evaluation": form.get("evaluation"),
                    "evaluated_on": _date(form.get("evaluated_on"), "验收日期", "evaluated_on"),
                },
            )
            return f"已记录“{project.name}”的评估验收：{funds.RESULTS[project.result]}。"

        return self._write(action, "evaluate")

    @expose("/delete/", methods=("POST",))
    def delete(self):
        def action(form):
            funds.delete_entry(current_user, form.get("id"))
            return "已删除该条资金记录。"

        return self._write(action, "delete")

    @expose("/export/")
    def export(self):
        """The year's stations side by side and every entry, in 元 with two decimals."""
        year = self._year()
        own = self._own_township()
        townships = (
            [own] if own else [r["township"] for r in funds.summary(current_user, year)["rows"]]
        )
        headers = [
            "乡镇（街道）",
            "类型",
            "日期",
            "金额（元）",
            "来源/用途",
            "说明",
        ]
        rows = []
        for township in townships:
            ledger = funds.ledger(current_user, township, year)
            name = Place.full_name_of(township)
            for e in ledger["entries"]:
                what = (
                    funds.SOURCES.get(e.source)
                    if e.kind == "received"
                    else funds.PURPOSES.get(e.purpose)
                )
                rows.append(
                    [
                        name,
                        funds.KINDS[e.kind],
                        dates.cn_date(e.on),
                        money.yuan(e.amount_fen),
                        what or "",
                        e.note or "",
                    ]
                )
            for p in ledger["projects"]:
                rows.append(
                    [
                        name,
                        "政府购买服务",
                        f"{dates.cn_date(p.start)}至{dates.cn_date(p.end)}",
                        money.yuan(p.amount_fen),
                        f"{p.name}（{p.provider}）",
                        f"{funds.RESULTS.get(p.result, '')}{'：' + p.evaluation if p.evaluation else ''}",
                    ]
                )
        data = sheets.xlsx(f"{year}年资金与购买服务", headers, rows)
        audit.record(
            "export",
            None,
            detail=f"导出资金与购买服务 {year}年：{len(rows)} 条",
            place_path=list(current_user.place_path),
        )
        place = Place.name_of(own or current_user.place)
        return send_file(
            io.BytesIO(data),
            mimetype=XLSX,
            as_attachment=True,
            download_name=text.file_name(f"{place}_{year}年资金与购买服务_{dates.stamp()}.xlsx"),
        )
