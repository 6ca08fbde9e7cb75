"""The rules of the 一人一档 archive that span documents: review, uniqueness, transfer; its
history is services/children/archive_history.py.

Views call these; they never touch IdNumberIndex, ChildHistory or rosters themselves."""

import logging

from bson import ObjectId
from mongoengine.errors import ValidationError
from pymongo.errors import BulkWriteError, DuplicateKeyError

from ...core import clock
from ...documents import Child, DomainError, IdNumberIndex, Place, TransferTrace, check_id_number
from ...documents.constants import REVIEW_WORKDAYS, ROLE_VILLAGE
from .. import audit
from ..workdays import add_workdays
from . import roster
from .archive_history import FIELD_LABELS, add_history, add_history_many, display


def id_number_notes(child: Child) -> dict[str, str]:
    """{whose number: note} for the 身份证 numbers of an archive whose area code deserves a
    second look (accepted, not refused: see documents.child.check_id_number)."""
    numbers = [("儿童", child.id_number)] + [
        (f"监护人 {g.name}", g.id_number) for g in child.guardians or []
    ]
    notes = {}
    for whose, number in numbers:
        if not number:
            continue
        try:
            note = check_id_number(number).note
        except DomainError:
            continue
        if note:
            notes[whose] = note
    return notes


def needs_review(user) -> bool:
    """An archive made or changed by a village 儿童主任 waits for the township's review."""
    return user.role == ROLE_VILLAGE


def prepare(
    child: Child, user, is_created: bool, village: str | None, reserve: bool = True
) -> None:
    """Before saving: place, the archive's rules, the review rule, the 身份证 reservation."""
    if village:
        allowed = Place.info(village)
        if allowed is None or user.place not in allowed["place_path"]:
            raise DomainError("只能选择您管辖范围内的村（居）。", "village")
        if not is_created and village != child.place:
            raise DomainError("儿童迁往其他村（居）请使用“迁移”功能。", "village")
        child.set_place(village)
    if is_created and child.pk is None:
        child.id = ObjectId()
    child.check()
    if needs_review(user):
        since = clock.today()
        due = add_workdays(since, REVIEW_WORKDAYS)
        child.review_status, child.review_since, child.review_due, child.review_due_exact = (
            "pending",
            since,
            due.due,
            due.exact,
        )
        child.reviewed_by = child.reviewed_at = None
    elif is_created:
        child.review_status, child.reviewed_by, child.reviewed_at = (
            "reviewed",
            user.username,
            clock.now(),
        )
    if child.id_number and reserve:
        reserve_id_number(child, user)


def reserve_id_number(child: Child, user) -> None:
    """Claim the 身份证 number for this child, or refuse with where the other archive is."""
    coll = IdNumberIndex._get_collection()
    existing = coll.find_one({"_id": child.id_number})
    if existing and existing["child"] != str(child.pk):
        raise _taken(existing, user)
    if not existing:
        try:
            coll.insert_one(
                {
                    "_id": child.id_number,
                    "child": str(child.pk),
                    "place_path": list(child.place_path),
                }
            )
        except DuplicateKeyError as exc:  # someone else took it a moment ago
            raise DomainError("该身份证号码刚刚已被建档，请刷新后核实。", "id_number") from exc
        child._reserved_id_number = child.id_number


def release_reservation(child: Child) -> None:
    """The save failed: give back a number reserved for it."""
    number = getattr(child, "_reserved_id_number", None)
    if number:
        IdNumberIndex._get_collection().delete_one({"_id": number, "child": str(child.pk)})


def insert(child: Child, user, village: str | None = None) -> None:
    """The first write of an archive: its rules, its 身份证 reservation, version 0. Nothing is
    left reserved when it fails."""
    prepare(child, user, True, village)
    try:
        child.save_new(user)
    except Exception:
        release_reservation(child)
        raise


def record_creation(child: Child, user, note: str = "", write_roster: bool = True) -> None:
    """What follows an archive's first write: the audit entry, the roster row, the history."""
    _creation_entry(child, user, note).save()
    after_save(child, user, True, {}, note=note, write_roster=write_roster)


def _creation_entry(child: Child, user, note: str):
    """The audit entry of an archive's creation (not yet written)."""
    return audit.entry(
        "create",
        child,
        changes=audit.diff({}, child.to_mongo().to_dict()),
        detail=note or None,
        actor=user,
    )


def save_error(exc: Exception) -> str:
    """Why an archive was not saved, as a clerk reads it."""
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, ValidationError):
        fields = "、".join(FIELD_LABELS.get(k, k) for k in (exc.errors or {})) or "数据"
        return f"{fields}格式不正确，未保存。"
    return "保存失败（系统错误），请稍后重试该行。"


def _taken(existing: dict, user) -> DomainError:
    """The refusal of a 身份证 number another archive holds."""
    if user.place in (existing.get("place_path") or []):
        return DomainError(
            "该身份证号码已建档，请勿重复建档。",
            "id_number",
            link=("children.details_view", existing["child"], "查看已有档案"),
        )
    return DomainError(
        "该身份证号码已在其他地区建档，请联系县（区）民政局核实，不能重复建档。", "id_number"
    )


def insert_many(items, user, note: str = "") -> tuple[list[Child], list[tuple[int, str]]]:
    """Archives created together (a block of an import): each with the rules, the 身份证
    reservation, the audit entry, the history and the roster row of `create`, written
    with one insert_many per collection. items: [(line, child, village)]; returns
    (saved archives, [(line, why not saved)])."""
    ready, failed = [], []
    now = clock.now()
    for line, child, village in items:
        try:
            prepare(child, user, True, village, reserve=False)
            child.stamp_new(user, now)
            child.sync_scope()
            child.validate()
        except (DomainError, ValidationError) as exc:
            failed.append((line, save_error(exc)))
            continue
        ready.append((line, child))
    ready, refused = _reserve_many(ready, user)
    failed += refused
    if ready:
        try:
            Child._get_collection().insert_many([c.to_mongo() for _, c in ready], ordered=False)
        except BulkWriteError as exc:
            bad = {e["index"] for e in exc.details.get("writeErrors", [])}
            for i in sorted(bad):
                line, child = ready[i]
                release_reservation(child)
                failed.append((line, "保存失败，请稍后重试该行。"))
            ready = [x for i, x in enumerate(ready) if i not in bad]
    saved = [c for _, c in ready]
    for c in saved:
        c._created = False
    try:  # the archives are saved: what hangs off them must not lose the count
        audit.record_many([_creation_entry(c, user, note) for c in saved])
        add_history_many([(c, _changes({}, c)) for c in saved], user, "建档", note)
        from ..visits import plan_new_many

        next_visits = plan_new_many(saved, user)
        from ..appraisal import ledger

        ledger.note_many(saved)  # 工作考核's entries, before the rows' new token
        roster.put_many(saved, next_visits)  # `flask rebuild-rosters` repairs it if this fails
    except Exception:
        logging.getLogger(__name__).exception("archives saved; audit, history or roster failed")
    return saved, sorted(failed)


def _reserve_many(ready, user):
    """Claim the 身份证 numbers of a block at once; (rows still ready, [(line, refusal)])."""
    numbered = [(i, c) for i, (_, c) in enumerate(ready) if c.id_number]
    if not numbered:
        return ready, []
    coll = IdNumberIndex._get_collection()
    docs = [
        {"_id": c.id_number, "child": str(c.pk), "place_path": list(c.place_path)}
        for _, c in numbered
    ]
    bad = set()
    try:
        coll.insert_many(docs, ordered=False)
    except BulkWriteError as exc:
        bad = {numbered[e["index"]][0] for e in exc.details.get("writeErrors", [])}
    refused = []
    for i, c in numbered:
        if i in bad:
            existing = coll.find_one({"_id": c.id_number}) or {"child": "", "place_path": []}
            refused.append((ready[i][0], _taken(existing, user).message))
        else:
            c._reserved_id_number = c.id_number
    return [x for i, x in enumerate(ready) if i not in bad], refused


def create(child: Child, user, village: str | None = None, note: str = "") -> Child:
    """An archive created outside a form (an import row, a test's factory): the same rules
    and the same records as the archive screen's 新建."""
    insert(child, user, village)
    record_creation(child, user, note)
    return child


def after_save(
    child: Child, user, is_created: bool, before: dict, note: str = "", write_roster: bool = True
) -> None:
    """After saving: the old number freed, the roster row, the history entry.

    An import passes write_roster=False and writes its rows with roster.put_many().
    """
    old_number = before.get("id_number")
    if old_number and old_number != child.id_number:
        IdNumberIndex._get_collection().delete_one({"_id": old_number, "child": str(child.pk)})
    if child.id_number:
        IdNumberIndex._get_collection().update_one(
            {"_id": child.id_number}, {"$set": {"place_path": list(child.place_path)}}
        )
    if write_roster:
        roster.put(child)
    old = display(Child._from_son(before)) if before else {}
    add_history(child, user, "建档" if is_created else "修改", _changes(old, child), note)
    if is_created and write_roster:
        from ..visits import plan_new  # visits use the archive's roster and history

        plan_new(child, user)


def _changes(old: dict, child: Child) -> dict:
    """{field label: [was, now]} of an archive against its earlier display (old)."""
    return {
        FIELD_LABELS[k]: [old.get(k, ""), v]
        for k, v in display(child).items()
        if old.get(k, "") != v
    }


def likely_duplicates(child: Child) -> list[dict]:
    """Other archives of the same township with the same name, birth date and village."""
    return [
        row
        for row in roster.township_rows(child.township, child.place)
        if row["id"] != str(child.pk)
        and row.get("name") == child.name
        and row.get("birth") == child.birth_date.isoformat()
    ]


def transfer(child: Child, to_village: str, user, reason: str) -> None:
    """Move an archive to another township: the new station receives it with its history;
    the old one keeps a read-only trace."""
    target = Place.info(to_village)
    if target is None or target["level"] != "village":
        raise DomainError("请选择迁入的村（居）。", "to_village")
    if not (reason or "").strip():
        raise DomainError("请填写迁移原因。", "reason")
    if to_village == child.place:
        raise DomainError("迁入地与现居住地相同。", "to_village")
    old_place, old_township, old_path = child.place, child.township, list(child.place_path)
    child.set_place(to_village)
    child.transferred_from = (
        old_township if child.township != old_township else child.transferred_from
    )
    child.save_versioned(user)
    if child.township != old_township:
        roster.remove(child.pk, old_township)
        trace = TransferTrace(
            child=str(child.pk),
            child_name=child.name,
            to_place=to_village,
            reason=reason,
            moved_by=user.username,
        )
        trace.set_place(old_place)
        trace.save()
    roster.put(child)
    from ...documents.visit import VisitBook
    from .attachments import move

    books = VisitBook._get_collection()
    books.update_one({"_id": str(child.pk)}, {"$set": {"place_path": list(child.place_path)}})
    from .. import assessments

    assessments.follow(child)
    book = books.find_one({"_id": str(child.pk)}, {"visits.photo_ids": 1}) or {}
    visit_photos = [i for v in book.get("visits", []) for i in v.get("photo_ids", [])]
    move(list(child.photo_ids or []) + visit_photos, list(child.place_path))
    if child.id_number:
        IdNumberIndex._get_collection().update_one(
            {"_id": child.id_number}, {"$set": {"place_path": list(child.place_path)}}
        )
    add_history(
        child,
        user,
        "迁移",
        {"居住村（居）": [Place.full_name_of(old_place), Place.full_name_of(to_village)]},
        reason,
    )
    audit.record(
        "update", child, changes={"place": [old_place, to_village]}, detail=f"迁移：{reason}"
    )
    audit.record(
        "update", child, place_path=old_path, detail=f"迁出至 {Place.full_name_of(to_village)}"
    )


def link_case(child: Child, case_id: str, user) -> None:
    """A child first met in a case now has an archive: the case points at it (same place only)."""
    from bson import ObjectId

    from ...documents.case import Case

    if not ObjectId.is_valid(case_id):
        return
    Case._get_collection().update_one(
        {"_id": ObjectId(case_id), "place_path": user.place, "child_info.child": None},
        {"$set": {"child_info.child": str(child.pk)}},
    )
