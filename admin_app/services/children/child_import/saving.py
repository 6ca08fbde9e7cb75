"""Valid rows saved through the archive's own path (`save_rows`), each failure reported by line."""

from ....documents import Child
from .. import archive
from .columns import RowResult


def save_rows(results: list[RowResult], user) -> tuple[list[Child], list[tuple[int, str]]]:
    """Save the valid rows as the archive screen would, in one batch
    (services/children/archive.py: insert_many); return (saved children, failures).

    A row with errors is not saved and is reported as failed with its errors; so is a row
    the archive's rules or the 身份证 reservation refuse at saving time.
    """
    failed = [(r.line, "；".join(r.errors) or "该行数据有误。") for r in results if not r.ok]
    items = [(r.line, r.child, r.village) for r in results if r.ok]
    saved, refused = archive.insert_many(items, user, note="Excel 导入")
    return saved, sorted(failed + refused)
