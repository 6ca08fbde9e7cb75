"""Valid rows saved through the archive's own path (`save_rows`), each failure reported by line."""

from flask import current_app, has_app_context
from mongoengine.errors import NotUniqueError, ValidationError

from ...documents import Child, DomainError
from .. import archive, archive_history, roster
from .columns import RowResult


# ---- saving ----
def _save_error(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, NotUniqueError):
        return "该儿童档案已存在，未重复保存。"
    if isinstance(exc, ValidationError):
        fields = (
            "、".join(archive_history.FIELD_LABELS.get(k, k) for k in (exc.errors or {})) or "数据"
        )
        return f"{fields}格式不正确，未保存。"
    return "保存失败（系统错误），请稍后重试该行。"


def save_rows(results: list[RowResult], user) -> tuple[list[Child], list[tuple[int, str]]]:
    """Save each valid row as the archive screen would; return (saved children, failures).

    A row with errors is not saved and is reported as failed with its errors. A row
    whose save fails gives back its 身份证 reservation and is reported as failed.
    """
    saved: list[Child] = []
    failed: list[tuple[int, str]] = []
    for r in results:
        if not r.ok:
            failed.append((r.line, "；".join(r.errors) or "该行数据有误。"))
            continue
        child = r.child
        try:
            archive.insert(child, user, r.village)
        except Exception as exc:  # every failure is reported per row
            if not isinstance(exc, DomainError | NotUniqueError | ValidationError):
                _log_exception("child import: save failed on line %s", r.line)
            failed.append((r.line, _save_error(exc)))
            continue
        try:
            archive.record_creation(child, user, note="Excel 导入", write_roster=False)
        except Exception:  # the archive is saved; the roster can be rebuilt
            _log_exception("child import: after-save steps failed on line %s", r.line)
        saved.append(child)
    try:
        roster.put_many(saved)
    except Exception:  # the archives are saved; `flask rebuild-rosters` repairs the rows
        _log_exception("child import: roster write failed")
    return saved, failed


def _log_exception(message: str, *args) -> None:
    if has_app_context():
        current_app.logger.exception(message, *args)
