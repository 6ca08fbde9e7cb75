"""The landing page's figures as plain data, for the page itself and its JSON endpoint.

Everything is read inside the user's place: children from the township rosters
(`roster.rows_for`), stations, allocations and cases through `in_scope`. Each figure
carries the URL of the list it summarises, with the list's own filter arguments, so the
number on the dashboard is the number the list shows. A figure no list can reproduce
(no filter for it) carries `url: None` rather than a link to a list that disagrees.
"""

from datetime import date, datetime

from flask import current_app, url_for

from ...core import clock
from ...documents import Place, Station
from ...documents.constants import (
    ARCHIVE_TODOS,
    BUILD_STATUSES,
    BUILT,
    CASE_CLASSES,
    CASE_STEPS,
    CATEGORIES,
    CLOSED_STEPS,
    COUNTY,
    PROVINCE_TARGETS,
    RISK_LEVELS,
    ROLES,
    SCHOOL_STATUSES,
    TOWNSHIP,
    VILLAGE,
)
from ..stations import progress
from . import summaries

TODO_LABELS = ARCHIVE_TODOS
ACTIVE = "active"  # 在册: the children figures count archives still on the books
MONTHS = 12


# ---- links to the lists, with the lists' own filter arguments ----
def _view(endpoint: str):
    for admin in current_app.extensions.get("admin", []):
        for view in admin._views:
            if view.endpoint == endpoint:
                return view
    return None


def _filter_arg(view, key: str) -> str | None:
    """The URL argument name (without `flt<pos>_`) of the view's filter on `key`."""
    for index, flt in enumerate(getattr(view, "_filters", None) or ()):
        column = getattr(flt, "key", None) or getattr(flt, "column", None)
        if getattr(column, "name", column) == key:
            return view.get_filter_arg(index, flt)
    return None


def list_url(user, endpoint: str, **filters) -> str | None:
    """The list of `endpoint` filtered on each `key=value` (all of them: Flask-Admin ANDs
    filters), or None when the user may not open that list or it has no such filter."""
    view = _view(endpoint)
    if view is None or user.role not in getattr(view, "roles", ()):
        return None
    args = {}
    for pos, (key, value) in enumerate(filters.items()):
        arg = _filter_arg(view, key)
        if arg is None:
            return None
        args[f"flt{pos}_{arg}"] = value
    return url_for(f"{endpoint}.index_view", **args)


def _area_url(user, area: str, **filters) -> str | None:
    """The children list of one area (a township or county inside the user's place)."""
    url = list_url(user, "children", **filters)
    if url is None:
        return None
    return url + ("&" if "?" in url else "?") + f"area={area}"


def _page_url(user, endpoint: str) -> str | None:
    view = _view(endpoint)
    if view is None or user.role not in getattr(view, "roles", ()):
        return None
    return url_for(f"{endpoint}.index")


def _item(key, label, count, url) -> dict:
    return {"key": key, "label": label, "count": count, "url": url}


# ---- children, from the township figures (admin_app/services/figures/summaries.py) ----
def _children(user, fig: dict) -> dict:
    def series(field: str, choices) -> list[dict]:
        counter = fig.get(field) or {}
        return [
            _item(
                k, label, counter.get(k, 0), list_url(user, "children", status=ACTIVE, **{field: k})
            )
            for k, label in choices
        ]

    risk = series("risk", RISK_LEVELS)
    if fig["risk"].get(summaries.NONE):
        risk.append(_item("", "未评估", fig["risk"][summaries.NONE], None))
    school = series("school", SCHOOL_STATUSES)
    if fig["school"].get(summaries.NONE):
        school.append(_item("", "未填写", fig["school"][summaries.NONE], None))
    out = {
        "total": _item(
            "active", "在册儿童", fig["active"], list_url(user, "children", status=ACTIVE)
        ),
        "by_category": series("categories", CATEGORIES),
        "by_risk": risk,
        "by_school": school,
        "by_village": [],
    }
    level = (Place.info(user.place) or {}).get("level")
    if level in (TOWNSHIP, VILLAGE):
        villages = fig.get("village") or {}
        keys = [user.place] if level == VILLAGE else [v["_id"] for v in _under(user, VILLAGE)]
        out["by_village"] = [
            _item(
                k,
                Place.name_of(k),
                villages.get(k, 0),
                list_url(user, "children", status=ACTIVE, village=k),
            )
            for k in keys
        ]
    return out


def _under(user, level: str) -> list[dict]:
    return Place.children_of(user.place, level)


def _todos(user, fig: dict) -> list[dict]:
    return [
        _item(
            kind,
            label,
            fig["todos"].get(kind, 0),
            url_for("children.index_view", todo=kind),
        )
        for kind, label in TODO_LABELS
    ]


# ---- cases ----
def _month_keys(today: date) -> list[tuple[int, int]]:
    y, m = today.year, today.month
    keys = []
    for _ in range(MONTHS):
        keys.append((y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return keys[::-1]


def _month_start(y: int, m: int) -> datetime:
    """The first instant of a Ningxia calendar month, as stored."""
    return clock.from_local(datetime(y, m, 1))


def _cases(user, today: date) -> dict | None:
    """Case figures by counting, each count answered from an index of the user's depth
    (admin_app/indexes.py: cases by scope then step, class, report time), so a
    province's figures cost what a township's do."""
    from ...documents.case import Case

    if list_url(user, "cases") is None:
        return None
    mine = Case.objects.in_scope(user).order_by()
    total = mine.count()
    steps = {k: mine.filter(step=k).count() for k, _ in CASE_STEPS}
    classes = {k: mine.filter(klass=k).count() for k, _ in CASE_CLASSES}
    keys = _month_keys(today)
    bounds = [_month_start(y, m) for y, m in keys]
    ny, nm = (keys[-1][0] + 1, 1) if keys[-1][1] == 12 else (keys[-1][0], keys[-1][1] + 1)
    bounds.append(_month_start(ny, nm))
    months = {
        key: mine.filter(reported_at__gte=bounds[i], reported_at__lt=bounds[i + 1]).count()
        for i, key in enumerate(keys)
    }
    closed = sum(steps.get(k, 0) for k in CLOSED_STEPS)
    return {
        "total": _item("all", "案件总数", total, list_url(user, "cases")),
        "open": _item("open", "未结案件", total - closed, None),
        "by_step": [
            _item(k, label, steps[k], list_url(user, "cases", step=k)) for k, label in CASE_STEPS
        ],
        "by_class": [
            _item(k, label, classes[k], list_url(user, "cases", klass=k))
            for k, label in CASE_CLASSES
        ],
        # Reported per month (Ningxia time), the last 12 months; the case list has no
        # date filter, so a month links to nothing of its own.
        "by_month": [_item(f"{y}-{m:02d}", f"{y}年{m}月", months[(y, m)], None) for y, m in keys],
    }


def _open_cases(townships: list[str]) -> dict[str, int]:
    """Open cases of each township: one indexed count each, of the steps not closed (a
    case's step is always one of CASE_STEPS; `$in` is answered from the index, `$nin` is
    not on the embedded server)."""
    from ...documents.case import Case

    open_steps = [k for k, _ in CASE_STEPS if k not in CLOSED_STEPS]
    return {
        t: Case.objects.under(t).order_by().filter(step__in=open_steps).count() for t in townships
    }


# ---- stations and construction ----
def _stations(user, stations: list) -> dict:
    built = sum(1 for s in stations if s.build_status == BUILT)
    return {
        "total": _item("all", "登记的未保站", len(stations), list_url(user, "stations")),
        "built": _item(BUILT, "已建成", built, list_url(user, "stations", build_status=BUILT)),
        "by_status": [
            _item(
                k,
                label,
                sum(1 for s in stations if s.build_status == k),
                list_url(user, "stations", build_status=k),
            )
            for k, label in BUILD_STATUSES
        ],
    }


def _townships(user, stations: list, per_township: dict) -> list[dict]:
    """A county's townships side by side: the station, its children and its open cases."""
    by_place = {s.place: s for s in stations}
    children = {t: f["active"] for t, f in per_township.items()}
    towns = _under(user, TOWNSHIP)
    open_cases = _open_cases([t["_id"] for t in towns]) if list_url(user, "cases") else {}
    status_labels = dict(BUILD_STATUSES)
    view = _view("stations")
    details = view is not None and user.role in view.roles
    out = []
    for t in towns:
        s = by_place.get(t["_id"])
        out.append(
            {
                "key": t["_id"],
                "name": t["name"],
                "station": None
                if s is None
                else {
                    "name": s.name,
                    "status": s.build_status,
                    "status_label": status_labels.get(s.build_status, ""),
                    "url": url_for("stations.details_view", id=str(s.pk)) if details else None,
                },
                "children": _item(
                    "children",
                    "在册儿童",
                    children.get(t["_id"], 0),
                    _area_url(user, t["_id"], status=ACTIVE),
                ),
                # The case list has no township filter: no link of its own.
                "open_cases": _item("open_cases", "未结案件", open_cases.get(t["_id"], 0), None),
            }
        )
    return out


def _row(r, url: str | None) -> dict:
    return {
        "key": r.key,
        "name": r.name,
        "plan_total": r.plan_total,
        "target_2023": r.target_2023,
        "target_2024": r.target_2024,
        "split_confirmed": r.split_confirmed,
        "stations": r.stations,
        "built_2023": r.built_2023,
        "built_total": r.built_total,
        "accepted": r.accepted,
        "percent": r.percent,
        "percent_2023": r.percent_2023,
        "behind": list(r.behind),
        "url": url,
    }


def _construction(user) -> dict:
    """Counties side by side against their 2023 and two-year targets (附件1), and the sum."""
    rows = progress.county_rows(user)
    url = _page_url(user, "progress")
    total = progress.total_row(rows)
    out = {
        "counties": [_row(r, url) for r in rows],
        "total": _row(total, url),
        "province_targets": None,
    }
    if user.role == "province":
        targets = {str(y): n for y, n in PROVINCE_TARGETS.items()}
        out["province_targets"] = {
            **targets,
            "percent_2023": progress.percent(total.built_2023, targets["2023"]),
            "percent": progress.percent(total.built_total, targets["2023"] + targets["2024"]),
        }
    return out


def figures(user, today: date | None = None) -> dict:
    """Every figure of the user's place, JSON-able (the landing page and /api/figures.json)."""
    today = today or clock.today()
    per_township = summaries.by_township(user, today=today)
    fig = summaries.merge(per_township.values())
    stations = list(
        Station.objects.in_scope(user).only("name", "place", "place_path", "build_status")
    )
    case_figures = _cases(user, today)
    level = (Place.info(user.place) or {}).get("level")
    out = {
        "place": {
            "key": user.place,
            "name": Place.full_name_of(user.place) or Place.name_of(user.place),
            "level": level,
        },
        "role": user.role,
        "role_label": dict(ROLES).get(user.role, user.role),
        "today": today.isoformat(),
        "todos": _todos(user, fig),
        "children": _children(user, fig),
        "cases": case_figures,
        "stations": _stations(user, stations),
        "townships": _townships(user, stations, per_township) if level == COUNTY else [],
        "construction": _construction(user)
        if user.role in ("province", "city", "county")
        else None,
    }
    return out
