"""The official forms as Word files: one renderer and one context builder per form.

Templates live in doc_templates/ and are built by scripts/make_templates.py:
help_request_form.docx (附件5), mandatory_report_form.docx (附件6),
referral_record_form.docx (附件7) and case_dossier.docx (the dossier of an archived case,
附件4 step 8 组卷归档). Every context value is a plain string, one key per
placeholder; check-box groups arrive ready-made ("☑公开　□匿名") from the labels in
constants.py, so the templates hold no logic.

Rendering always escapes (`autoescape=True`): a value with `&` or `<` would otherwise
silently wipe most of the document. Line breaks in a value become Word line breaks
(docxtpl turns "\\n" inside a text run into <w:br/> after rendering, keeping the
template's font); other control characters are removed, since they are not allowed in
XML at all.

- `rendering`: templates, rendering, and values as the paper shows them
- `forms`: the contexts of 附件5, 附件6 and 附件7
- `dossier`: the dossier of an archived case (附件4 step 8 组卷归档)
- `pdf`: the print preview through LibreOffice
"""

from .dossier import DOSSIER_RETENTION, case_visits, dossier_context, render_dossier, station_of
from .forms import (
    help_request_context,
    mandatory_report_context,
    referral_context,
    reporter_identity,
)
from .pdf import to_pdf
from .rendering import (
    BLANK,
    BLANK_DATE,
    BLANK_WHEN,
    TEMPLATE_DIR,
    checkboxes,
    clean,
    cn_day,
    cn_minute,
    cn_when,
    render,
    template_path,
    template_placeholders,
    text,
)

__all__ = [
    "TEMPLATE_DIR",
    "BLANK",
    "BLANK_DATE",
    "BLANK_WHEN",
    "template_path",
    "render",
    "template_placeholders",
    "clean",
    "text",
    "cn_day",
    "cn_minute",
    "cn_when",
    "checkboxes",
    "help_request_context",
    "reporter_identity",
    "mandatory_report_context",
    "referral_context",
    "DOSSIER_RETENTION",
    "station_of",
    "case_visits",
    "render_dossier",
    "dossier_context",
    "to_pdf",
]
