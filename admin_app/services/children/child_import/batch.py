"""The validated rows of an upload, kept between the preview and the import, and saved
in batches (issue 13: a 5,000-row 台账 took 232 s, its file parsed again for every
chunk and every row written one by one).

The file is read and every row validated once, at upload (`keep_rows`): the rows to
import are stored as the archives they will become, in blocks of BLOCK rows under the
upload's token, and the upload records its lines, bad rows and blocks. Each step of the
import takes one block and saves it with a handful of writes (`save_block` →
services/children/archive.py: insert_many, which runs the archive's rules and the 身份证
reservation again): the reservations, the archives, the audit entries and the histories,
each one insert_many, then the roster rows.
"""

from ....documents import Child
from .. import archive
from .uploads import uploads_collection

BLOCK = 500  # rows per block, the unit a request claims


def block_id(token: str, n: int) -> str:
    return f"{token}.b{n}"


def keep_rows(token: str, results) -> None:
    """Store the valid rows in blocks, and on the upload the lines to import (file order),
    how many rows are bad and how many blocks there are."""
    valid = [r for r in results if r.ok]
    coll = uploads_collection()
    for n, start in enumerate(range(0, len(valid), BLOCK)):
        rows = [
            {
                "line": r.line,
                "name": r.values.get("姓名", ""),
                "village": r.village,
                "child": r.child.to_mongo().to_dict(),
            }
            for r in valid[start : start + BLOCK]
        ]
        coll.replace_one({"_id": block_id(token, n)}, {"rows": rows}, upsert=True)
    coll.update_one(
        {"_id": token},
        {
            "$set": {
                "lines": [r.line for r in valid],
                "bad": len(results) - len(valid),
                "blocks": -(-len(valid) // BLOCK),
            }
        },
    )


def rows_at(token: str, start: int, lines: list[int]) -> list[dict]:
    """The kept rows of `lines`, the lines at positions start… of the import."""
    coll, wanted, out = uploads_collection(), set(lines), []
    for n in range(start // BLOCK, (start + len(lines) - 1) // BLOCK + 1):
        doc = coll.find_one({"_id": block_id(token, n)}) or {}
        out += [r for r in doc.get("rows", []) if r["line"] in wanted]
    return out


def save_block(rows: list[dict], user) -> tuple[list[Child], list[tuple[int, str]]]:
    """Save one block of validated rows; (saved archives, [(line, why not)])."""
    items = [(r["line"], Child._from_son(r["child"]), r["village"]) for r in rows]
    return archive.insert_many(items, user, note="Excel 导入")
