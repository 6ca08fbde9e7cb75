"""督导抽查 (附件2 3.1.2: the 督导员 guides and evaluates the village 儿童主任; 附件3
督导考核; issue 16): a reproducible random sample of a village's archives (in the register)
and of its visits of the last days, to verify in person; each item's result recorded.

Reproducible: the sample is `random.Random(seed)` over the population sorted by id, and
the seed is kept with the draw, so the same seed over the same population gives the same
children and visits (`draw(..., seed=...)` again)."""

import random
import secrets
from datetime import timedelta

from ..core import clock
from ..documents import Place
from ..documents.base import DomainError, get_scoped
from ..documents.constants import SPOT_CHECK_RESULTS, VILLAGE
from ..documents.spot_check import SpotCheck, SpotItem
from ..documents.visit import VisitBook
from . import audit
from .children import roster

CHECKERS = ("station",)  # the township 儿童督导员 (views/permissions.py: "spot_checks")
MAX_ARCHIVES, MAX_VISITS = 30, 30
VISIT_DAYS = 90
RESULTS = dict(SPOT_CHECK_RESULTS)


def population(village: str, days: int = VISIT_DAYS):
    """The archives in the register of a village (sorted by id) and their visits of the
    last `days` days (sorted by child then visit id)."""
    township = Place.path_of(village)[3]
    rows = sorted(
        (r for r in roster.township_rows(township, village) if r.get("status") == "active"),
        key=lambda r: r["id"],
    )
    since = clock.today() - timedelta(days=days)
    visits = []
    books = VisitBook._get_collection().find(
        {"_id": {"$in": [r["id"] for r in rows]}}, {"visits.id": 1, "visits.date": 1}
    )
    names = {r["id"]: r["name"] for r in rows}
    for book in books:
        for v in book.get("visits") or []:
            day = v["date"].date() if hasattr(v["date"], "date") else v["date"]
            if day >= since:
                visits.append((book["_id"], v["id"], day))
    visits.sort(key=lambda v: (v[0], v[1]))
    return rows, visits, names


def sample(rows, visits, seed: str, archives: int, n_visits: int):
    rng = random.Random(seed)  # noqa: S311 - reproducible on purpose, not a secret
    chosen_rows = rng.sample(rows, min(archives, len(rows)))
    chosen_visits = rng.sample(visits, min(n_visits, len(visits)))
    return chosen_rows, chosen_visits


def _count(raw, label: str, most: int, field: str) -> int:
    try:
        n = int(str(raw).strip())
    except (TypeError, ValueError):
        raise DomainError(f"{label}须为整数。", field) from None
    if not 0 <= n <= most:
        raise DomainError(f"{label}须在 0 到 {most} 之间。", field)
    return n


def draw(user, village: str, archives, visits, seed: str | None = None) -> SpotCheck:
    """Draw a sample of a village inside the user's township and keep it."""
    if user.role not in CHECKERS:
        raise DomainError("督导抽查由乡镇（街道）儿童督导员进行。")
    info = Place.info(village or "")
    if info is None or info["level"] != VILLAGE or user.place not in Place.path_of(village):
        raise DomainError("请选择本乡镇（街道）内的村（居）。", "village")
    archives = _count(archives, "抽查档案数", MAX_ARCHIVES, "archives")
    visits = _count(visits, "抽查走访数", MAX_VISITS, "visits")
    if not archives and not visits:
        raise DomainError("请至少抽查一份档案或一次走访。", "archives")
    seed = (seed or "").strip()[:32] or secrets.token_hex(4)
    rows, all_visits, names = population(village)
    if not rows:
        raise DomainError("该村（居）没有在册儿童档案，无可抽查。", "village")
    chosen_rows, chosen_visits = sample(rows, all_visits, seed, archives, visits)
    check = SpotCheck(
        seed=seed,
        archives=archives,
        visits=visits,
        visit_days=VISIT_DAYS,
        population=len(rows),
        drawn_on=clock.today(),
        items=[SpotItem(kind="archive", child=r["id"], child_name=r["name"]) for r in chosen_rows]
        + [
            SpotItem(kind="visit", child=c, child_name=names.get(c, ""), visit=v, visit_date=d)
            for c, v, d in chosen_visits
        ],
    )
    check.set_place(village)
    check.save_new(user)
    audit.record(
        "create",
        check,
        detail=f"督导抽查 {Place.full_name_of(village)}：档案 {len(chosen_rows)} 份、走访 {len(chosen_visits)} 次（随机种子 {seed}）",
    )
    return check


def record_result(user, check_id: str, index, result: str, note: str) -> SpotCheck:
    if user.role not in CHECKERS:
        raise DomainError("督导抽查由乡镇（街道）儿童督导员进行。")
    check, _ = get_scoped(SpotCheck, check_id, user)
    if check is None:
        raise DomainError("记录不存在或不在您的管辖范围内。")
    try:
        item = check.items[int(index)]
    except (TypeError, ValueError, IndexError):
        raise DomainError("没有这一项抽查。") from None
    if result not in RESULTS or result == "pending":
        raise DomainError("请选择核实结果。", "result")
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError("核实情况不能超过 500 字。", "note")
    if result != "confirmed" and not note:
        raise DomainError("结果有出入时请填写核实情况。", "note")
    old = item.result
    item.result, item.note = result, note or None
    item.checked_on, item.checked_by = clock.today(), user.username
    if all(i.result != "pending" for i in check.items) and check.finished_at is None:
        check.finished_at = clock.now()
    check.save_versioned(user)
    audit.record(
        "update",
        check,
        changes={f"item{index}": [old, result]},
        detail=f"抽查核实：{item.child_name} {RESULTS[result]}",
    )
    return check
