"""What 工作考核 needs of each archive's visit book and history, kept packed per township
(`WorkLedger`: one document per township, like the roster), so a township's figures read
one document instead of every book and history of its archives (2.3 s for 2,258 archives
at five years of data, 2026-12-05, docs/benchmarks.md).

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

from ...core import clock
from ...documents import ChildHistory, VisitBook
from ...documents.appraisal import WorkLedger

FORM = 2  # the shape of an entry: a ledger of another shape is built again
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


def note(child) -> None:
    """Write the archive's entry again (after its history changed)."""
    cid = str(child.pk)
    book = VisitBook._get_collection().find_one({"_id": cid}, {"plan": 1, "visits": 1})
    history = ChildHistory._get_collection().find_one({"_id": cid}, {"entries": 1})
    WorkLedger._get_collection().update_one(
        {"_id": child.township},
        {"$set": {f"children.{cid}": _entry(book, history, horizon()), "token": uuid4().hex}},
        upsert=True,
    )
    # 工作考核's kept figures follow this ledger's token beside the roster's (token()): the
    # roster's token is left alone, so no worker drops its decoded roster or its township
    # figures for a change of this ledger alone. The keeper is woken to count it again.
    from ..figures import summaries

    summaries.changed([child.township])


def note_many(children) -> None:
    """The entries of a block of new archives (an import): one write per township."""
    ids = [str(c.pk) for c in children]
    books = {b["_id"]: b for b in VisitBook._get_collection().find({"_id": {"$in": ids}})}
    hist = {h["_id"]: h for h in ChildHistory._get_collection().find({"_id": {"$in": ids}})}
    by_township: dict[str, dict] = {}
    since = horizon()
    for child, cid in zip(children, ids, strict=True):
        fields = by_township.setdefault(child.township, {"token": uuid4().hex})
        fields[f"children.{cid}"] = _entry(books.get(cid), hist.get(cid), since)
    for township, fields in by_township.items():
        WorkLedger._get_collection().update_one({"_id": township}, {"$set": fields}, upsert=True)


def token(township: str) -> str:
    """The ledger's change token (new at every write of it; "" before its first)."""
    doc = WorkLedger._get_collection().find_one({"_id": township}, {"token": 1})
    return (doc or {}).get("token") or ""


def forget(child_id, township: str) -> None:
    WorkLedger._get_collection().update_one(
        {"_id": township},
        {"$unset": {f"children.{child_id}": ""}, "$set": {"token": uuid4().hex}},
    )


def build(township: str, ids: list[str]) -> dict:
    """The township's ledger from the books and histories of its archives (its first read;
    `flask rebuild-rosters`). A change written meanwhile is kept: entries are `$set` one
    by one, never the document replaced."""
    since = horizon()
    books = VisitBook._get_collection().find({"_id": {"$in": ids}}, {"plan": 1, "visits": 1})
    books = {b["_id"]: b for b in books}
    hist = ChildHistory._get_collection().find({"_id": {"$in": ids}}, {"entries": 1})
    hist = {h["_id"]: h for h in hist}
    fields = {f"children.{cid}": _entry(books.get(cid), hist.get(cid), since) for cid in ids}
    # No new token: a build derives the ledger from what is already there (its token moves
    # only with a change of the records: note, note_many, forget).
    fields.update({"form": FORM, "since": since.isoformat()})
    coll = WorkLedger._get_collection()
    coll.update_one({"_id": township}, {"$set": fields}, upsert=True)
    return coll.find_one({"_id": township})


def township(township_key: str, ids: list[str]) -> dict:
    """The township's ledger document ({children: {id: entry}, token, since}), built on
    its first read."""
    doc = WorkLedger._get_collection().find_one({"_id": township_key})
    if doc is None or doc.get("form") != FORM:
        doc = build(township_key, ids)
    return doc


def rebuild(township: str, ids: list[str]) -> None:
    """The township's ledger made again from scratch (`flask rebuild-rosters`)."""
    WorkLedger._get_collection().delete_one({"_id": township})
    if ids:
        build(township, ids)
