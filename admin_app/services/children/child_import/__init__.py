"""Import an existing Excel/CSV 台账 of children into 一人一档.

`parse()` reads a file and validates every row fully without saving anything: labels
are mapped back to the stored values, dates read in the usual Chinese spellings, the
village must lie inside the user's place, the archive's own rules (`Child.check`) run,
and a 身份证 number may appear only once in the file and must not be archived already.
`save_rows()` (and, for the import screen, `batch.save_block()`) then saves the valid rows
with the archive's own rules, several at once (admin_app/services/children/archive.py: insert_many).

- `columns`: the 台账's columns, their labels back to stored values, cells
- `reading`: the file (xlsx or CSV) as rows under a header
- `villages`: a row's village, found inside the user's place
- `rows`: each row checked by the archive's own rules (`parse`)
- `saving`: valid rows saved through the archive's path (`save_rows`)
- `batch`: the validated rows kept between preview and import, saved a block at a time
- `template`: the workbook to fill in
- `uploads`: the uploaded file between preview and import
"""

from .columns import MAX_ROWS, TEMPLATE_HEADERS, ImportFileError, RowResult
from .rows import parse
from .saving import save_rows
from .template import template_workbook
from .uploads import (
    delete_upload,
    forget_old_uploads,
    load_upload,
    store_upload,
    uploads_collection,
)

__all__ = [
    "TEMPLATE_HEADERS",
    "MAX_ROWS",
    "ImportFileError",
    "RowResult",
    "parse",
    "save_rows",
    "template_workbook",
    "store_upload",
    "load_upload",
    "delete_upload",
    "forget_old_uploads",
    "uploads_collection",
]
