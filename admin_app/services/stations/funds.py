"""五(三) station funds and government-purchased service projects (issue 16): a county or
a city records what each station received and spent and the projects bought for it; the
city evaluates and accepts a project; everyone above sees the sums side by side.

Amounts are whole 分 summed as ints (core/money.py): exact. Every read is of the
township's records for one year, or of the user's place for one year (indexes.py)."""

from collections import defaultdict

from ...core import clock, dates, money
from ...documents import Place
from ...documents.base import DomainError, get_scoped
from ...documents.constants import (
    FUND_KINDS,
    FUND_PURPOSES,
    FUND_SOURCES,
    PROJECT_RESULTS,
    ROLE_CITY,
    ROLE_COUNTY,
    TOWNSHIP,
)
from ...documents.funds import FundEntry, ServiceProject
from .. import audit

MONEY_KEEPERS = (ROLE_COUNTY, ROLE_CITY)  # views/permissions.py: SCREENS["funds"].edit
EVALUATORS = (ROLE_CITY,)  # 五(三): the city evaluates and accepts purchased services
FIRST_YEAR = 2023  # the plan's first construction year (附件1)
SOURCES, PURPOSES, KINDS = dict(FUND_SOURCES), dict(FUND_PURPOSES), dict(FUND_KINDS)
RESULTS = dict(PROJECT_RESULTS)


def years() -> list[int]:
    return list(range(clock.today().year, FIRST_YEAR - 1, -1))


def check_year(raw) -> int:
    try:
        year = int(str(raw))
    except (TypeError, ValueError):
        year = clock.today().year
    if year not in years():
        raise DomainError(f"年度须在 {FIRST_YEAR} 年到今年之间。", "year")
    return year


def township_inside(user, key: str | None) -> str:
    """A township inside the user's place (a station's own), else a DomainError."""
    info = Place.info(key or "")
    if info is None or info["level"] != TOWNSHIP or user.place not in Place.path_of(key):
        raise DomainError("请选择本辖区内的乡镇（街道）。", "township")
    return key


def _require(user, roles, what: str) -> None:
    if user.role not in roles:
        raise DomainError(f"只有{'、'.join(_ROLE_NAMES[r] for r in roles)}可以{what}。")


_ROLE_NAMES = {ROLE_COUNTY: "县（区）民政局", ROLE_CITY: "市民政局"}


def _day(value, label: str, field: str, year: int | None = None):
    if value is None:
        raise DomainError(f"请填写{label}。", field)
    clock.refuse_future(value, label, field)
    if year is not None and value.year != year:
        raise DomainError(f"{label}须在 {year} 年内。", field)
    return value


def _note(value, limit: int, label: str, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 字。", field)
    return value or None


def add_entry(user, township: str, data: dict) -> FundEntry:
    """收到补助资金 (with its source) or 资金支出 (with its purpose)."""
    _require(user, MONEY_KEEPERS, "登记资金")
    township = township_inside(user, township)
    year = check_year(data.get("year"))
    kind = data.get("kind") or ""
    if kind not in KINDS:
        raise DomainError("请选择收到补助资金或资金支出。", "kind")
    entry = FundEntry(
        year=year,
        kind=kind,
        on=_day(data.get("on"), "日期", "on", year),
        amount_fen=money.parse(data.get("amount"), "金额", "amount"),
        note=_note(data.get("note"), 200, "说明", "note"),
    )
    if kind == "received":
        if data.get("source") not in SOURCES:
            raise DomainError("请选择资金来源。", "source")
        entry.source = data["source"]
    else:
        if data.get("purpose") not in PURPOSES:
            raise DomainError("请选择支出用途（场所建设、设施设备或运营服务）。", "purpose")
        entry.purpose = data["purpose"]
    entry.set_place(township)
    entry.save_new(user)
    audit.record(
        "create",
        entry,
        detail=f"{KINDS[kind]} {money.text(entry.amount_fen)} 元（{Place.name_of(township)}）",
    )
    return entry


def add_project(user, township: str, data: dict) -> ServiceProject:
    """A government-purchased service project for a station."""
    _require(user, MONEY_KEEPERS, "登记政府购买服务项目")
    township = township_inside(user, township)
    year = check_year(data.get("year"))
    name = _note(data.get("name"), 100, "项目名称", "name")
    provider = _note(data.get("provider"), 100, "承接机构", "provider")
    if not name:
        raise DomainError("请填写项目名称。", "name")
    if not provider:
        raise DomainError("请填写承接机构。", "provider")
    start, end = data.get("start"), data.get("end")
    if start is None or end is None:
        raise DomainError("请填写服务期限的起止日期。", "start")
    if end < start:
        raise DomainError("服务期限的结束日期不能早于开始日期。", "end")
    project = ServiceProject(
        year=year,
        name=name,
        provider=provider,
        amount_fen=money.parse(data.get("amount"), "项目金额", "amount"),
        start=start,
        end=end,
        content=_note(data.get("content"), 1000, "服务内容", "content"),
    )
    project.set_place(township)
    project.save_new(user)
    audit.record(
        "create", project, detail=f"政府购买服务：{name} {money.text(project.amount_fen)} 元"
    )
    return project


def evaluate(user, project_id: str, data: dict) -> ServiceProject:
    """The city's evaluation and acceptance of a purchased service project."""
    _require(user, EVALUATORS, "评估验收政府购买服务项目")
    project, _ = get_scoped(ServiceProject, project_id, user)
    if project is None:
        raise DomainError("记录不存在或不在您的管辖范围内。")
    result = data.get("result") or ""
    if result not in RESULTS or result == "pending":
        raise DomainError("请选择验收结果。", "result")
    evaluation = _note(data.get("evaluation"), 1000, "评估意见", "evaluation")
    if not evaluation:
        raise DomainError("请填写评估意见。", "evaluation")
    old = project.result
    project.result, project.evaluation = result, evaluation
    project.evaluated_on = _day(data.get("evaluated_on"), "验收日期", "evaluated_on")
    project.evaluated_by = user.username
    project.save_versioned(user)
    audit.record(
        "update",
        project,
        changes={"result": [old, result]},
        detail=f"评估验收：{RESULTS[result]}",
    )
    return project


def delete_entry(user, entry_id: str) -> None:
    _require(user, MONEY_KEEPERS, "删除资金记录")
    entry, _ = get_scoped(FundEntry, entry_id, user)
    if entry is None:
        raise DomainError("记录不存在或不在您的管辖范围内。")
    audit.record(
        "delete",
        entry,
        detail=f"删除{KINDS[entry.kind]} {money.text(entry.amount_fen)} 元（{dates.cn_date(entry.on)}）",
    )
    entry.delete()


# ---- reading -------------------------------------------------------------------------


def ledger(user, township: str, year: int) -> dict:
    """One station's year: entries (newest first), projects, and the sums in 分."""
    township = township_inside(user, township)
    entries = list(
        FundEntry.objects.in_scope(user).filter(place=township, year=year).order_by("-on")
    )
    projects = list(
        ServiceProject.objects.in_scope(user).filter(place=township, year=year).order_by("start")
    )
    return {
        "township": township,
        "entries": entries,
        "projects": projects,
        **_sums(entries, projects),
    }


def _sums(entries, projects) -> dict:
    received = sum(e.amount_fen for e in entries if e.kind == "received")
    by_purpose = {p: 0 for p in PURPOSES}
    for e in entries:
        if e.kind == "spent":
            by_purpose[e.purpose] += e.amount_fen
    spent = sum(by_purpose.values())
    return {
        "received": received,
        "by_purpose": by_purpose,
        "spent": spent,
        "balance": received - spent,
        "projects_total": sum(p.amount_fen for p in projects),
        "projects_accepted": sum(1 for p in projects if p.result == "passed"),
    }


def summary(user, year: int) -> dict:
    """Every township of the user's place with funds or projects that year, side by side,
    with the total (分). Reads the year's records of the place only."""
    entries, projects = defaultdict(list), defaultdict(list)
    for e in FundEntry.objects.in_scope(user).filter(year=year):
        entries[e.place].append(e)
    for p in ServiceProject.objects.in_scope(user).filter(year=year):
        projects[p.place].append(p)
    rows = []
    for township in sorted(set(entries) | set(projects), key=lambda k: Place.path_of(k)):
        rows.append(
            {
                "township": township,
                "name": Place.full_name_of(township),
                **_sums(entries[township], projects[township]),
                "projects": len(projects[township]),
            }
        )
    total = _sums(
        [e for es in entries.values() for e in es], [p for ps in projects.values() for p in ps]
    )
    total["projects"] = sum(len(ps) for ps in projects.values())
    return {"year": year, "rows": rows, "total": total}
