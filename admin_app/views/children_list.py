"""The children list as read from the township rosters: its rows, filters (age band,
village, to-dos), column formatters, the area a county, city or province lists
(?area=<place key inside their place>) and search."""

from datetime import date

from flask import g, has_request_context, request, url_for
from flask_admin.contrib.mongoengine.filters import BaseMongoEngineFilter
from flask_login import current_user
from wtforms import SelectField

from ..core import clock, dates, privacy
from ..documents import DomainError, Place, mask_id, mask_phone
from ..documents.constants import (
    ARCHIVE_TODOS,
    CATEGORIES,
    CHILD_STATUSES,
    CITY,
    COUNTY,
    GENDERS,
    GUARDIANSHIP,
    PROVINCE,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    TOWNSHIP,
    VILLAGE,
)
from ..services.children import roster
from .formatting import person_name

AGE_BANDS = (
    ("0-2", "0–2岁"),
    ("3-5", "3–5岁"),
    ("6-11", "6–11岁"),
    ("12-14", "12–14岁"),
    ("15-17", "15–17岁"),
)


def sees_full_identity() -> bool:
    return privacy.sees_identity(current_user)


class OpenSelectField(SelectField):
    """A select whose value the domain checks (archive.prepare), with its own message."""

    def pre_validate(self, form):
        pass


class Row:
    """A roster row shaped like a record for Flask-Admin's list and export."""

    next_visit = last_visit = review_due = None
    director = ""

    def __init__(self, data: dict):
        self.__dict__.update(data)
        self.pk = data["id"]
        self.birth_date = date.fromisoformat(data["birth"])

    @property
    def age(self) -> int:
        return clock.age_on(self.birth_date, clock.today())


class RowFilter(BaseMongoEngineFilter):
    """A filter over roster rows (equality on one key, or membership for lists)."""

    def __init__(self, key, name, options=None, data_type=None):
        super().__init__(key, name, options, data_type)
        self.key = key

    def apply(self, rows, value):
        return [r for r in rows if _matches(r.get(self.key), value)]

    def operation(self):
        return "是"


def _matches(field_value, wanted) -> bool:
    if isinstance(field_value, list):
        return wanted in field_value
    return field_value == wanted


class AgeBandFilter(RowFilter):
    def apply(self, rows, value):
        try:
            low, high = (int(x) for x in value.split("-"))
        except ValueError:
            return rows
        today = clock.today()
        return [
            r for r in rows if low <= clock.age_on(date.fromisoformat(r["birth"]), today) <= high
        ]


def _village_filter_options():
    """The villages of the area being listed, else of a county's or township's own place;
    none for a city or the province without an area (Ningxia's 2,912 villages made a
    full-身份证 search page 438 KB)."""
    if not has_request_context() or not current_user.is_authenticated:
        return []
    area = list_area()
    if area and roster.inside(area, current_user.place):
        return Place.choices_under(area, VILLAGE)
    if (Place.info(current_user.place) or {}).get("level") in (PROVINCE, CITY):
        return []  # no area chosen: a village is chosen after its county (the area picker)
    return Place.choices_under(current_user.place, VILLAGE)


class VillageFilter(RowFilter):
    def get_options(self, view):
        return _village_filter_options()


def _labels(pairs, key):
    return lambda v, c, m, n: "、".join(
        dict(pairs).get(x, x) for x in (getattr(m, key, None) or [])
    )


def _choice(pairs, key):
    return lambda v, c, m, n: dict(pairs).get(getattr(m, key, None), "")


def _id_text(v, c, m, n):
    number = getattr(m, "id_number", "")
    return number if sees_full_identity() else mask_id(number)


def _phones(v, c, m, n):
    phones = getattr(m, "phones", None) or [g.phone for g in getattr(m, "guardians", []) if g.phone]
    return "、".join(p if sees_full_identity() else mask_phone(p) for p in phones)


def _review_text(v, c, m, n):
    if getattr(m, "review", None) == "pending":
        return f"待审核（{_cn(m.review_due)}前）" if m.review_due else "待审核"
    return "已审核"


def _cn(value) -> str:
    if not value:
        return ""
    return dates.cn_date(date.fromisoformat(value) if isinstance(value, str) else value)


LIST_FORMATTERS = {
    "name": lambda v, c, m, n: m.name,
    "gender": _choice(GENDERS, "gender"),
    "age": lambda v, c, m, n: m.age,
    "village": lambda v, c, m, n: Place.name_of(m.village),
    "id_number": _id_text,
    "categories": _labels(CATEGORIES, "categories"),
    "risk": _choice(RISK_LEVELS, "risk"),
    "school": _choice(SCHOOL_STATUSES, "school"),
    "guardianship": _choice(GUARDIANSHIP, "guardianship"),
    "status": _choice(CHILD_STATUSES, "status"),
    "review": _review_text,
    "next_visit": lambda v, c, m, n: _cn(m.next_visit),
    "last_visit": lambda v, c, m, n: _cn(m.last_visit),
    "phones": _phones,
    "director": lambda v, c, m, n: person_name(m.director),
    "township": lambda v, c, m, n: Place.name_of(getattr(m, "township", None)),
}
TODO_FILTERS = dict(ARCHIVE_TODOS)


# ---- the area a county, city or province lists (?area=<place key inside their place>) ----
def needs_area(user) -> bool:
    return (Place.info(user.place) or {}).get("level") in (PROVINCE, CITY)


def list_area() -> str | None:
    if not has_request_context():
        return None
    return request.args.get("area", "").strip()[:20] or None


def _area_options(user) -> list[tuple[str, str]]:
    """The counties and townships inside the user's place, indented under each other."""
    level = (Place.info(user.place) or {}).get("level")
    if level not in (PROVINCE, CITY, COUNTY):
        return []
    options = []
    cities = Place.children_of(user.place, CITY) if level == PROVINCE else []
    for city in cities or [None]:
        if city is not None:
            options.append((city["_id"], city["name"]))
        base = city["_id"] if city else user.place
        counties = Place.children_of(base, COUNTY) if level != COUNTY else [None]
        for county in counties:
            if county is not None:
                options.append((county["_id"], "\u3000" + county["name"]))
            for town in Place.children_of(county["_id"] if county else base, TOWNSHIP):
                options.append((town["_id"], "\u3000\u3000" + town["name"]))
    return options


def _area_rows(user) -> list[dict]:
    """The chooser of a city or the province: each county with its 在册 children (and the
    to-do asked for), from the cached township figures."""
    from ..services.figures import summaries

    per_township = summaries.by_township(user)
    todo = request.args.get("todo")
    args = {k: v for k, v in request.args.items() if k not in ("area", "page")}
    out = []
    for county in Place.children_of(user.place, COUNTY):
        figs = [f for t, f in per_township.items() if county["_id"] in Place.info(t)["place_path"]]
        fig = summaries.merge(figs)
        out.append(
            {
                "key": county["_id"],
                "name": Place.full_name_of(county["_id"]) or county["name"],
                "active": fig["active"],
                "todo": fig["todos"].get(todo) if todo else None,
                "url": url_for(".index_view", area=county["_id"], **args),
            }
        )
    return out


def area_context(user, count: int) -> dict:
    area = list_area()
    options = _area_options(user)
    out = {
        "area": area,
        "area_options": options,
        "area_name": Place.full_name_of(area) if area and roster.inside(area, user.place) else "",
        "area_outside": bool(area) and not roster.inside(area, user.place),
        "area_chooser": bool(getattr(g, "area_chooser", False)),
        "id_search_error": getattr(g, "id_search_error", ""),
        "area_level": (Place.info(user.place) or {}).get("level"),
        "area_hidden": [
            (k, v) for k, v in request.args.items(multi=True) if k not in ("area", "page")
        ],
    }
    if out["area_chooser"]:
        out["area_rows"] = _area_rows(user)
    return out


def _by_id_number(term: str | None, user) -> list[dict] | None:
    """The row of a complete, valid 身份证 number inside the user's place ([] if none or
    outside, the same answer), or None when the term is not such a number."""
    from ..documents import IdNumberIndex, check_id_number

    number = (term or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        return None
    try:
        number = check_id_number(number).number
    except DomainError as exc:
        if has_request_context():  # shown beside the area chooser: say why nothing was found
            g.id_search_error = exc.message
        return None
    entry = IdNumberIndex._get_collection().find_one({"_id": number})
    if not entry or user.place not in (entry.get("place_path") or []):
        return []
    path = entry["place_path"]
    rows = roster.township_rows(path[3]) if len(path) > 3 else []
    return [r for r in rows if r["id"] == entry["child"]]


def _search(rows, term: str):
    term = term.strip()
    if not term:
        return rows
    lowered = term.lower()
    digits = term.replace(" ", "").upper()
    return [
        r
        for r in rows
        if lowered in r["name"].lower()
        or (len(digits) >= 4 and digits in (r.get("id_number") or ""))
        or (len(digits) >= 4 and any(digits in p for p in r.get("phones") or []))
    ]
