"""Text typed or pasted by people, cleaned once where it enters.

A browser sends line breaks as CR LF; a pasted Word document brings control characters
(`\\x0b` soft line breaks, `\\x0c` page breaks) that spreadsheets and Word files cannot
hold. Line breaks become `\\n`; tabs stay; other control characters go.
"""

import re

# C0 controls but tab and line feed, DEL, and the bidirectional overrides that make a name
# read backwards on screen (U+202E turns 照片gpj.exe into 照片exe.jpg).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean(value: str) -> str:
    """The text with `\\n` line breaks and no control characters but tabs."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


_NOT_IN_FILE_NAMES = re.compile(r'[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069\\/:*?"<>|]+')


def file_name(value: str, limit: int = 120) -> str:
    """A download's name from people's text: one line, nothing a file system or an HTTP
    header refuses (a child's imported name with a line break once made a download 500)."""
    name = " ".join(_NOT_IN_FILE_NAMES.sub(" ", value or "").split())
    name = re.sub(r" ?([_.]) ?", r"\1", name)
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 5 and len(name) > limit:
        return stem[: limit - len(ext) - 1] + "." + ext
    return name[:limit] or "文件"
