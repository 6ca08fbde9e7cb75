"""The station's rules beyond its own record: 验收 (acceptance) by the province (五(一))."""

from mongoengine.errors import SaveConditionError

from . import audit
from .core import clock, text
from .documents import DomainError, Station
from .documents.constants import MAX_NOTE_LEN


def accept(station: Station, day, result: str, note: str, user) -> Station:
    """Record the province's acceptance: date, result and opinion, nothing else."""
    expected = station.version or 0
    before = station.to_mongo().to_dict()
    station.acceptance_date = day
    station.acceptance_result = result
    station.acceptance_note = text.clean(note or "").strip()[:MAX_NOTE_LEN] or None
    station.check()
    station.version = expected + 1
    station.updated_by, station.updated_at = user.username, clock.now()
    try:
        station.save(save_condition={"version": expected})
    except SaveConditionError as exc:
        raise DomainError("该未保站的登记信息刚被他人修改，请刷新后重新记录验收。") from exc
    audit.record(
        "update", station, changes=audit.diff(before, station.to_mongo().to_dict()), detail="验收"
    )
    return station
