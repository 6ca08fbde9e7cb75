"""What 工作考核 needs of each archive's visit book and history, kept packed per archive
(`WorkLedgerEntry`, filed under its township; `WorkLedger` is the township's head: its
token and form), so a township's figures read its entries by one indexed query instead
of every book and history of its archives (2.3 s for 2,258 archives at five years of
data, 2026-12-05, docs/benchmarks.md), and a visit writes one small entry.

An archive's entry holds, from 1 January of the year before it was written (`HORIZON`):
its planned visits (due, on time / late / open, the visit's date, days late), its visits'
dates, its 建档 date, the 督导员's decisions with the days they took, and who did what
last. It is written again after every change of its history (`add_history` calls
`note`: every write of a visit, a plan, a review, a transfer or an edit adds a history
entry after the book), after an import block (`note_many`), and removed with its roster
row. A township whose ledger was never built is built from the books and histories on
its first read (`township`); a period that starts before the horizon is read from the
books and histories themselves (services/appraisal: _raw).
"""

import json
from datetime import date
from uuid import uuid4

from pymongo import UpdateOne
from pymongo.errors import BulkWriteError

from ...core import clock
from ...documents import ChildHistory, VisitBook
from ...documents.appraisal import WorkLedger, WorkLedgerEntry

# The shape of an entry and where it is kept: a ledger of another form is built again (2:
# one document per township holding every entry; 3: one `WorkLedgerEntry` per archive).
FORM = 3
EVER = date(9999, 12, 31)


def horizon(today: date | None = None) -> date:
    """The first day an entry written today keeps."""
    today = today or clock.today()
    return date(today.year - 1, 1, 1)


def _entry(book: dict | None, history: dict | None, since: date) -> str:
    from . import RAW, _history, _visits

    out = {k: [] for k in RAW}
    row = {"id": "", "status": "active"}
    p = {"start": since, "end": EVER}
    activity: dict = {}
    if book:
        _visits(row, book, p, out)
        for v in book.get("visits") or []:
            _latest_iso(activity, v.get("recorded_by"), v.get("recorded_at"))
    if history:
        acts: dict = {}
        _history(row, history.get("entries") or [], p, out, acts)
        for who, at in acts.items():
            _latest_iso(activity, who, at)
    packed = {
        "plan": [[i["date"], i["state"], i["note"], i["days"]] for i in out["plan"]],
        "visits": [i["date"] for i in out["visits"]],
        "created": [i["date"] for i in out["created"]],
        "reviews": [[i["date"], i["note"], i["days"]] for i in out["reviews"]],
        "returned": [[i["date"], i["days"]] for i in out["returned"]],
        "act": activity,
    }
    return json.dumps(packed, ensure_ascii=False, separators=(",", ":"))


def _latest_iso(activity: dict, who, at) -> None:
    if who and at:
        text = clock.to_local(at).isoformat()
        if activity.get(who) is None or text > activity[who]:
            activity[who] = text


def unpack(entry: str) -> dict:
    """An entry as the raw items of services/appraisal (without the archive's row)."""
    e = json.loads(entry)
    return {
        "plan": [{"date": d, "state": s, "note": n, "days": k} for d, s, n, k in e["plan"]],
        "visits": [{"date": d, "note": "走访", "days": None} for d in e["visits"]],
        "created": [{"date": d, "note": "建档", "days": None} for d in e["created"]],
        "reviews": [{"date": d, "note": n, "days": k} for d, n, k in e["reviews"]],
        "returned": [{"date": d, "note": "退回修改", "days": k} for d, k in e["returned"]],
        "act": e["act"],
    }


def _entries():
    return WorkLedgerEntry._get_collection()


def _heads():
    return WorkLedger._get_collection()


def _renew(townships) -> None:
    """A new change token for each township whose entries changed."""
    for township in townships:
        _heads().update_one({"_id": township}, {"$set": {"token": uuid4().hex}}, upsert=True)


def note(child) -> None:
    """Write the archive's entry again (after its history changed): its own small document
    and its township's token, never the township's whole ledger."""
    cid = str(child.pk)
    book = VisitBook._get_collection().find_one({"_id": cid}, {"plan": 1, "visits": 1})
    history = ChildHistory._get_collection().find_one({"_id": cid}, {"entries": 1})
    entry = _entry(book, history, horizon())
    _entries().update_one(
        {"_id": cid}, {"$set": {"township": child.township, "entry": entry}}, upsert=True
    )
    _renew([child.township])
    # 工作考核's kept figures follow this ledger's token beside the roster's (token()): the
    # roster's token is left alone, so no worker drops its decoded roster or its township
    # figures for a change of this ledger alone. The keeper is woken to count it again.
    from ..figures import summaries

    summaries.changed([child.township])


def note_many(children) -> None:
    """The entries of a block of new archives (an import): one write of them all, and one
    new token per township."""
    ids = [str(c.pk) for c in children]
    if not ids:
        return
    books = {b["_id"]: b for b in VisitBook._get_collection().find({"_id": {"$in": ids}})}
    hist = {h["_id"]: h for h in ChildHistory._get_collection().find({"_id": {"$in": ids}})}
    since = horizon()
    _entries().bulk_write(
        [
            UpdateOne(
                {"_id": cid},
                {
                    "$set": {
                        "township": child.township,
                        "entry": _entry(books.get(cid), hist.get(cid), since),
                    }
                },
                upsert=True,
            )
            for child, cid in zip(children, ids, strict=True)
        ],
        ordered=False,
    )
    _renew(sorted({c.township for c in children}))


def token(township: str) -> str:
    """The ledger's change token (new at every write of it; "" before its first)."""
    doc = _heads().find_one({"_id": township}, {"token": 1})
    return (doc or {}).get("token") or ""


def forget(child_id, township: str) -> None:
    """The archive's entry leaves the township (removed, or moved: an entry already
    written under its new township is kept)."""
    _entries().delete_one({"_id": str(child_id), "township": township})
    _renew([township])


def build(township: str, ids: list[str]) -> dict:
    """The township's ledger from the books and histories of its archives (its first read;
    `flask rebuild-rosters`). An entry already written (by `note` since) is kept: a build
    only adds the missing ones."""
    since = horizon()
    books = VisitBook._get_collection().find({"_id": {"$in": ids}}, {"plan": 1, "visits": 1})
    books = {b["_id"]: b for b in books}
    hist = ChildHistory._get_collection().find({"_id": {"$in": ids}}, {"entries": 1})
    hist = {h["_id"]: h for h in hist}
    have = {e["_id"] for e in _entries().find({"township": township}, {"_id": 1})}
    new = [
        {"_id": cid, "township": township, "entry": _entry(books.get(cid), hist.get(cid), since)}
        for cid in ids
        if cid not in have
    ]
    if new:
        try:
            _entries().insert_many(new, ordered=False)
        except BulkWriteError as e:  # written meanwhile by note(): that one is newer
            if any(err.get("code") != 11000 for err in e.details.get("writeErrors", [])):
                raise
    # No new token: a build derives the ledger from what is already there (its token moves
    # only with a change of the records: note, note_many, forget). The head's `children`
    # is the whole ledger of form 2, kept in one document.
    _heads().update_one(
        {"_id": township},
        {"$set": {"form": FORM, "since": since.isoformat()}, "$unset": {"children": ""}},
        upsert=True,
    )
    return _read(township)


def _read(township: str) -> dict:
    head = _heads().find_one({"_id": township}) or {}
    rows = _entries().find({"township": township}, {"entry": 1})
    return {**head, "children": {r["_id"]: r["entry"] for r in rows}}


def township(township_key: str, ids: list[str]) -> dict:
    """The township's ledger ({children: {id: entry}, token, since}), built on its first
    read."""
    head = _heads().find_one({"_id": township_key}, {"form": 1}) or {}
    if head.get("form") not in (None, FORM):  # entries of another shape
        _entries().delete_many({"township": township_key})
    if head.get("form") != FORM:
        return build(township_key, ids)
    return _read(township_key)


def rebuild(township: str, ids: list[str]) -> None:
    """The township's ledger made again from scratch (`flask rebuild-rosters`)."""
    _entries().delete_many({"township": township})
    _heads().delete_one({"_id": township})
    if ids:
        build(township, ids)
