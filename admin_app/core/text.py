"""Text typed or pasted by people, cleaned once where it enters.

A browser sends line breaks as CR LF; a pasted Word document brings control characters
(`\\x0b` soft line breaks, `\\x0c` page breaks) that spreadsheets and Word files cannot
hold. Line breaks become `\\n`; tabs stay; other control characters go.
"""

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str) -> str:
    """The text with `\\n` line breaks and no control characters but tabs."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)
