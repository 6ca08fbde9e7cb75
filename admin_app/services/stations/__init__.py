"""The station's rules beyond its own record: 验收 (acceptance) by the province (五(一))."""

from ...core import text
from ...documents import Station
from ...documents.constants import MAX_NOTE_LEN
from .. import audit


def accept(station: Station, day, result: str, note: str, user) -> Station:
    """Record the province's acceptance: date, result and opinion, nothing else."""
    before = station.to_mongo().to_dict()
    station.acceptance_date = day
    station.acceptance_result = result
    station.acceptance_note = text.clean(note or "").strip()[:MAX_NOTE_LEN] or None
    station.check()
    station.save_versioned(user, "该未保站的登记信息刚被他人修改，请刷新后重新记录验收。")
    audit.record(
        "update", station, changes=audit.diff(before, station.to_mongo().to_dict()), detail="验收"
    )
    return station
