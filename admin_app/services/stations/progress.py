"""Construction progress against the allocation table (附件1, 二, 五(一)).

Computed from the station registry and the allocation table, never typed.
"""

from dataclasses import dataclass, field
from datetime import date

from ...core import clock
from ...documents import Allocation, Place, Station
from ...documents.constants import ACCEPTED, BUILT, DEADLINE_MONTH_DAY, PROVINCE_TARGETS, TOWNSHIP


def today() -> date:
    return clock.today()


def deadline(year: int) -> date:
    """31 August of the year: each county's yearly construction deadline (五(一))."""
    return date(year, *DEADLINE_MONTH_DAY)


def percent(done: int, target: int | None) -> int:
    """Built against a target, in whole percent (rounded down: 99.6% is not yet 100%)."""
    if not target:
        return 0
    return min(100, 100 * done // target) if done < target else 100


@dataclass
class Row:
    """Progress of one county, or the sum of several."""

    key: str
    name: str
    plan_total: int = 0
    target_2023: int | None = 0
    target_2024: int | None = 0
    split_confirmed: bool = True
    stations: int = 0  # registered
    built_2023: int = 0  # built by the end of 2023
    built_total: int = 0
    accepted: int = 0
    behind: list[str] = field(default_factory=list)

    @property
    def built_by_2024(self) -> int:
        return self.built_total

    @property
    def percent(self) -> int:
        """完成率: built against the county's total for both years (the one rule: percent())."""
        return percent(self.built_total, self.plan_total)

    @property
    def percent_2023(self) -> int | None:
        return None if self.target_2023 is None else percent(self.built_2023, self.target_2023)

    def add(self, other: "Row") -> None:
        self.plan_total += other.plan_total
        if other.target_2023 is None or self.target_2023 is None:
            self.target_2023 = None
        else:
            self.target_2023 += other.target_2023
        if other.target_2024 is None or self.target_2024 is None:
            self.target_2024 = None
        else:
            self.target_2024 += other.target_2024
        self.split_confirmed = self.split_confirmed and other.split_confirmed
        self.stations += other.stations
        self.built_2023 += other.built_2023
        self.built_total += other.built_total
        self.accepted += other.accepted
        if other.behind:
            self.behind.append(other.name)


def county_rows(user, on: date | None = None) -> list[Row]:
    """One row per county inside the user's place, in code order."""
    on = on or today()
    allocations = {a.place: a for a in Allocation.objects.in_scope(user)}
    counts: dict[str, Row] = {}
    for s in Station.objects.in_scope(user).only(
        "place_path", "build_status", "build_year", "acceptance_result"
    ):
        county = s.place_path[2] if len(s.place_path) > 2 else None
        row = counts.setdefault(county, Row(county, ""))
        row.stations += 1
        if s.build_status == BUILT and s.build_year:
            row.built_total += 1
            if s.build_year <= 2023:
                row.built_2023 += 1
        if s.acceptance_result == ACCEPTED:
            row.accepted += 1
    rows = []
    for key, a in allocations.items():
        c = counts.get(key, Row(key, ""))
        row = Row(
            key=key,
            name=Place.name_of(key),
            plan_total=a.plan_total,
            target_2023=a.target_2023,
            target_2024=a.target_2024,
            split_confirmed=a.split_confirmed,
            stations=c.stations,
            built_2023=c.built_2023,
            built_total=c.built_total,
            accepted=c.accepted,
        )
        if on > deadline(2023):
            if a.target_2023 is None:
                row.behind.append("2023 年任务分年未确认，无法核对")
            elif row.built_2023 < a.target_2023:
                row.behind.append(f"2023 年应建 {a.target_2023} 个，已建 {row.built_2023} 个")
        if on > deadline(2024) and row.built_total < a.plan_total:
            row.behind.append(f"2024 年底应全覆盖 {a.plan_total} 个，已建 {row.built_total} 个")
        rows.append(row)
    rows.sort(key=lambda r: (Place.info(r.key) or {}).get("code", r.key))
    return rows


def behind_schedule(rows: list[Row]) -> list[Row]:
    """Counties flagged after a 31 Aug deadline passed (missed target or split unknown)."""
    return [r for r in rows if r.behind]


def city_rows(rows: list[Row]) -> list[Row]:
    """The county rows summed per city."""
    cities: dict[str, Row] = {}
    for r in rows:
        info = Place.info(r.key)
        city = info["place_path"][1] if info else "?"
        total = cities.setdefault(city, Row(city, Place.name_of(city)))
        total.add(r)
    return [cities[k] for k in sorted(cities, key=lambda k: (Place.info(k) or {}).get("code", k))]


def total_row(rows: list[Row], name: str = "合计") -> Row:
    total = Row("", name)
    for r in rows:
        total.add(r)
    return total


def province_check(rows: list[Row]) -> list[dict]:
    """The sums of the table against the plan's province totals (153, 90, 243)."""
    t = total_row(rows)
    confirmed = [r for r in rows if r.split_confirmed]
    s23 = sum(r.target_2023 or 0 for r in confirmed)
    s24 = sum(r.target_2024 or 0 for r in confirmed)
    unconfirmed_total = sum(r.plan_total for r in rows if not r.split_confirmed)
    out = []
    for year, s in ((2023, s23), (2024, s24)):
        target = PROVINCE_TARGETS[year]
        out.append(
            {
                "label": f"{year} 年建设任务（已确认分年的县区之和）",
                "value": s,
                "target": target,
                "ok": s == target and not unconfirmed_total,
                "note": (
                    f"尚有 {len([r for r in rows if not r.split_confirmed])} 个县（区）未确认分年，"
                    f"合计 {unconfirmed_total} 个待分配"
                    if unconfirmed_total
                    else ("与方案一致" if s == target else f"与方案规定的 {target} 个不一致")
                ),
            }
        )
    whole = sum(PROVINCE_TARGETS.values())
    out.append(
        {
            "label": "两年任务总数",
            "value": t.plan_total,
            "target": whole,
            "ok": t.plan_total == whole,
            "note": "与方案一致（全区乡镇（街道）全覆盖）"
            if t.plan_total == whole
            else f"与方案规定的 {whole} 个不一致",
        }
    )
    return out


def township_stations(user, county: str) -> list[dict]:
    """A county's townships, each with its station (or none yet), for the drill-down.
    The caller has checked that the county lies inside the user's place."""
    from ...documents.constants import ACCEPTANCE_RESULTS, BUILD_STATUSES

    if county not in (Place.info(county) or {}).get("place_path", []) or user.place not in (
        Place.info(county) or {}
    ).get("place_path", []):
        return []
    stations = {s.place: s for s in Station.objects(place_path=county)}
    out = []
    for town in Place.children_of(county, TOWNSHIP):
        station = stations.get(town["_id"])
        out.append(
            {
                "key": town["_id"],
                "name": town["name"],
                "station": station,
                "status": dict(BUILD_STATUSES).get(station.build_status, "") if station else "",
                "accepted": dict(ACCEPTANCE_RESULTS).get(station.acceptance_result, "未验收")
                if station
                else "",
            }
        )
    return out
