"""Copy FerretDB 1.24.2 from the Go module cache and apply the project's two small patches.

1. FerretDB's SQLite backend creates the unique `_id` index on `_ferretdb_sjson->"_id"`
   but queries `_ferretdb_sjson->'$._id'`. SQLite matches index expressions by their
   text, so every `_id` lookup and every update scanned the whole table: an update by
   `_id` took 170 ms in a collection of 50,000 documents, growing with it (measured
   2026-11-29, docs/NOTES.md). Both expressions give the same value; querying with the
   index's own expression makes SQLite use the index (EXPLAIN: SEARCH … USING INDEX).
2. The `_id` equality is handed to SQLite only when it is the filter's sole key, so
   `{_id: x, version: n}` (every version-checked save) and `{_id: x, place_path: p}`
   read and decoded the whole collection. Every handler filters the documents SQLite
   returns again with the full filter (FilterIterator / FilterDocument; limits are
   pushed only without a filter), so narrowing by `_id` whenever the filter has one is
   safe.

usage: patch_ferretdb.py <module dir> <destination dir>
"""

import shutil
import stat
import sys
from pathlib import Path

PATCHES = (  # (file, old text, new text, occurrences)
    (
        "internal/backends/sqlite/metadata/metadata.go",
        """IDColumn = DefaultColumn + "->'$._id'\"""",
        """IDColumn = DefaultColumn + `->"_id"` // patched: the unique index's own expression""",
        1,
    ),
    (
        "internal/backends/sqlite/collection.go",
        "if params.Filter.Len() == 1 {",
        "if params.Filter.Len() >= 1 { // patched: _id equality narrows any filter",
        2,
    ),
)


def main(src: str, dst: str) -> int:
    src_dir, dst_dir = Path(src), Path(dst)
    if dst_dir.exists():
        shutil.rmtree(dst_dir)
    shutil.copytree(src_dir, dst_dir)
    for path in dst_dir.rglob("*"):  # the module cache is read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    for name, old, new, count in PATCHES:
        target = dst_dir / name
        text = target.read_text()
        if text.count(old) != count:
            print(f"patch_ferretdb: {old!r} not found {count}× in {target}", file=sys.stderr)
            return 1
        target.write_text(text.replace(old, new))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
