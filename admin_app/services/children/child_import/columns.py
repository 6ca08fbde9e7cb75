"""The 台账's columns: the template's headers and their usual aliases, length limits, the
Chinese labels (and usual spellings) back to stored values, and cells as text and dates."""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from openpyxl.utils.datetime import from_excel

from ....core import dates
from ....documents import Child
from ....documents.constants import (
    CATEGORIES,
    ETHNICITIES,
    GENDERS,
    GUARDIANSHIP,
    HUKOU_STATUSES,
    NO_ID_REASONS,
    RELATIONS,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    VISIT_FREQUENCIES,
)

MAX_ROWS = 5000

TEMPLATE_HEADERS = (
    "姓名",
    "性别",
    "身份证号码",
    "无身份证号码原因",
    "出生日期",
    "民族",
    "户籍状况",
    "村（居）代码",
    "村（居）名称",
    "详细住址",
    "就学状况",
    "学校",
    "困境类别",
    "监护状况",
    "风险等级",
    "风险原因",
    "走访频次",
    "监护人姓名",
    "监护人关系",
    "监护人电话",
)
# Other spellings of the headers found in existing 台账 (compared after _norm_header).
HEADER_ALIASES = {
    "身份证号": "身份证号码",
    "公民身份号码": "身份证号码",
    "身份证": "身份证号码",
    "村（居）": "村（居）名称",
    "居住村（居）": "村（居）名称",
    "所在村（居）": "村（居）名称",
    "村居代码": "村（居）代码",
    "村居名称": "村（居）名称",
    "住址": "详细住址",
    "家庭住址": "详细住址",
    "就读学校": "学校",
    "学校名称": "学校",
    "儿童类别": "困境类别",
    "类别": "困境类别",
    "联系电话": "监护人电话",
}
MAX_LENGTHS = {
    "姓名": 50,
    "详细住址": 200,
    "学校": 100,
    "风险原因": 500,
    "监护人姓名": 50,
}
CATEGORY_SEPARATORS = re.compile(r"[、,，;；/]+")
ID_SHAPE = re.compile(r"\d{17}[\dX]")
PHONE_RE = re.compile(r"^[0-9+][0-9\- ]{5,18}[0-9]$")


class ImportFileError(Exception):
    """The file as a whole cannot be read; `errors` are Chinese, one per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class RowResult:
    """One data row: its line in the file, the text of each column, and the outcome."""

    line: int
    values: dict[str, str]
    child: Child | None = None  # unsaved; None when the row has errors
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # accepted, but worth a look
    village: str | None = None  # the place key the child will be attached to

    @property
    def ok(self) -> bool:
        return self.child is not None and not self.errors


# ---- choices: the Chinese labels (and a few usual spellings) back to stored values ----
def _norm(text: str) -> str:
    return (
        str(text or "")
        .strip()
        .replace(" ", "")
        .replace("\u3000", "")
        .replace("(", "（")
        .replace(")", "）")
        .lower()
    )


def _aliases(pairs, extra: dict[str, str] | None = None) -> dict[str, str]:
    """normalised text → value: each value, its label, the label's parts around / and （）."""
    out: dict[str, str] = {}
    for value, label in pairs:
        words = [value, label, *label.split("/")]
        if "（" in label:
            words += [label.split("（")[0], label.split("（")[1].rstrip("）")]
        for w in words:
            out.setdefault(_norm(w), value)
    for w, value in (extra or {}).items():
        out.setdefault(_norm(w), value)
    return out


FREQUENCY_PAIRS = tuple((v, label) for v, label, _ in VISIT_FREQUENCIES)
CHOICE_COLUMNS = {
    "性别": (GENDERS, {"男性": "M", "女性": "F"}),
    "无身份证号码原因": (NO_ID_REASONS, {"未办理": "not_issued", "不详": "unknown"}),
    "民族": (
        ETHNICITIES,
        {n[:-1]: n for n, _ in ETHNICITIES if n.endswith("族")},
    ),
    "户籍状况": (HUKOU_STATUSES, {"本地": "local", "流动": "floating", "暂住": "floating"}),
    "就学状况": (SCHOOL_STATUSES, {"在读": "in_school", "在学": "in_school"}),
    "困境类别": (
        CATEGORIES,
        {
            **{label.removesuffix("儿童"): v for v, label in CATEGORIES},
            "留守儿童": "left_behind",
            "事实无人抚养": "de_facto_unsupported",
        },
    ),
    "监护状况": (GUARDIANSHIP, {"正常": "normal"}),
    "风险等级": (RISK_LEVELS, {label.removesuffix("风险"): v for v, label in RISK_LEVELS}),
    "走访频次": (
        FREQUENCY_PAIRS,
        {label.removesuffix("一次"): v for v, label in FREQUENCY_PAIRS},
    ),
    "监护人关系": (
        RELATIONS,
        {
            "爸爸": "father",
            "妈妈": "mother",
            "爷爷": "grandfather",
            "外公": "grandfather",
            "姥爷": "grandfather",
            "奶奶": "grandmother",
            "外婆": "grandmother",
            "姥姥": "grandmother",
            "哥哥": "sibling",
            "姐姐": "sibling",
            "弟弟": "sibling",
            "妹妹": "sibling",
        },
    ),
}
_LOOKUP = {col: _aliases(pairs, extra) for col, (pairs, extra) in CHOICE_COLUMNS.items()}


def _choice(column: str, raw: str, errors: list[str]) -> str | None:
    if not raw:
        return None
    value = _LOOKUP[column].get(_norm(raw))
    if value is None:
        labels = "、".join(label for _, label in CHOICE_COLUMNS[column][0][:12])
        more = "等" if len(CHOICE_COLUMNS[column][0]) > 12 else ""
        errors.append(f"{column}“{raw}”无法识别，可填：{labels}{more}。")
    return value


# ---- cells ----
def _text(value) -> str:
    """A cell as text: numbers without a trailing .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'"):  # text forced in a CSV (our own exports write it this way)
        text = text[1:].strip()
    return text


def _date(raw, column: str, errors: list[str]) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw < 2958466:
        try:
            return from_excel(raw).date()  # an Excel date stored as a plain number
        except (ValueError, OverflowError):
            pass
    text = _text(raw).split("T")[0].split(" ")[0]
    try:
        return dates.parse_date(text)
    except ValueError:
        if dates.DATE_RE.match(dates.normalise(text)):
            errors.append(f"{column}“{_text(raw)}”不是有效的日期。")
            return None
    errors.append(
        f"{column}“{_text(raw)}”无法识别，请填写如 2015-03-04、2015/3/4 或 2015年3月4日 的日期。"
    )
    return None
