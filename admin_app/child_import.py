"""Import an existing Excel/CSV 台账 of children into 一人一档.

`parse()` reads a file and validates every row fully without saving anything: labels
are mapped back to the stored values, dates read in the usual Chinese spellings, the
village must lie inside the user's place, the archive's own rules (`Child.check`) run,
and a 身份证 number may appear only once in the file and must not be archived already.
`save_rows()` then saves the valid rows through the same path as the archive screen
(admin_app/archive.py: prepare → validate → save → audit → after_save).
"""

import csv
import io
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app, has_app_context
from mongoengine import get_db
from mongoengine.errors import NotUniqueError, ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from stdnum.cn import ric

from . import archive, audit, roster
from .core import clock, dates
from .documents import Child, DomainError, Guardian, IdNumberIndex, Place
from .documents.child import check_id_number
from .documents.constants import (
    CATEGORIES,
    ETHNICITIES,
    GENDERS,
    GUARDIANSHIP,
    HUKOU_STATUSES,
    NO_ID_REASONS,
    RELATIONS,
    RISK_LEVELS,
    SCHOOL_STATUSES,
    VILLAGE,
    VISIT_FREQUENCIES,
)

MAX_ROWS = 5000
MAX_COLUMNS = 60  # columns read per row; a 台账 has about 20
BLANK_TAIL = 1000  # this many blank rows in a row end the table (Excel keeps formatted blanks)

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


# Uploaded files kept between the preview and the import, one document per file with
# _id = a random token (the user name, created_at, filename, data as bytes). The import
# re-reads these bytes, never anything the browser sends back. A file larger than one
# document may hold continues in parts with _id "<token>.1", "<token>.2", …
UPLOADS = "child_import_uploads"
PART_BYTES = 8 * 1024 * 1024


def uploads_collection():
    return get_db()[UPLOADS]


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


# ---- reading the file ----
def _decode_csv(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(["无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码。"])


def _raw_rows(filename: str, data: bytes):
    """(line number, [cell values]) of every row of the first sheet, blank tails cut."""
    name = (filename or "").lower().strip()
    if name.endswith(".xlsx"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
                wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ImportFileError(["无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"]) from exc
        try:
            ws = wb.worksheets[0]
            rows = []
            blank = 0
            for row in ws.iter_rows(values_only=True, max_col=MAX_COLUMNS):
                rows.append(list(row))
                blank = blank + 1 if not any(_text(c) for c in row) else 0
                if blank >= BLANK_TAIL:
                    break
            return list(enumerate(rows, start=1))
        except Exception as exc:
            raise ImportFileError(["无法读取该 Excel 文件，请确认是 .xlsx 格式且未损坏。"]) from exc
        finally:
            wb.close()
    if name.endswith(".csv"):
        text = _decode_csv(data)
        try:
            rows = [r[:MAX_COLUMNS] for r in csv.reader(io.StringIO(text))]
        except csv.Error as exc:
            raise ImportFileError(["CSV 文件格式有误，无法读取。"]) from exc
        return list(enumerate(rows, start=1))
    if name.endswith(".xls"):
        raise ImportFileError(
            ["只支持 .xlsx 或 .csv 文件；旧版 .xls 文件请在 Excel 中“另存为” .xlsx 后再导入。"]
        )
    raise ImportFileError(["只支持 .xlsx 或 .csv 文件。"])


def _norm_header(value) -> str:
    text = _norm(_text(value)).rstrip("*＊").lstrip("*＊")
    return HEADER_ALIASES.get(text, text)


def _table(filename: str, data: bytes, user) -> tuple[dict[str, int], list[tuple[int, list]]]:
    """The column of each known header and the non-blank data rows."""
    rows = _raw_rows(filename, data)
    header_at = None
    for i, (_line, row) in enumerate(rows[:10]):
        names = {_norm_header(c) for c in row}
        if "姓名" in names and ({"身份证号码", "出生日期", "性别"} & names):
            header_at = i
            break
    if header_at is None:
        raise ImportFileError(
            [
                "找不到表头：第一行应为“姓名”“性别”“身份证号码”“出生日期”等列名（请先下载导入模板，按模板填写）。"
            ]
        )
    col: dict[str, int] = {}
    for i, cell in enumerate(rows[header_at][1]):
        name = _norm_header(cell)
        if name in TEMPLATE_HEADERS and name not in col:
            col[name] = i
    missing = []
    if "身份证号码" not in col and "出生日期" not in col:
        missing.append("身份证号码”或“出生日期")
    if "村（居）代码" not in col and "村（居）名称" not in col and _user_village(user) is None:
        missing.append("村（居）代码”或“村（居）名称")
    if missing:
        raise ImportFileError([f"表头缺少“{m}”列。" for m in missing])
    body = [(line, row) for line, row in rows[header_at + 1 :] if any(_text(c) for c in row)]
    if not body:
        raise ImportFileError(["文件中没有可导入的数据行。"])
    if len(body) > MAX_ROWS:
        raise ImportFileError(
            [
                f"文件共有 {len(body)} 行数据，超过每次最多 {MAX_ROWS} 行的上限，请拆分成多个文件分批导入。"
            ]
        )
    return col, body


# ---- places ----
def _user_village(user) -> str | None:
    info = Place.info(user.place)
    return user.place if info and info["level"] == VILLAGE else None


_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "社区居委会", "委员会", "委会", "居委会")


def _village_name_key(name: str) -> str:
    text = _norm(name)
    for suffix in _VILLAGE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


class _Villages:
    """The villages inside the user's place, by current code and by name."""

    def __init__(self, user):
        self.user = user
        rows = Place.children_of(user.place, VILLAGE)
        own = Place.info(user.place)
        if own and own["level"] == VILLAGE:
            rows = rows + [own]
        self.by_name: dict[str, list[str]] = {}
        for r in rows:
            for key in {_norm(r["name"]), _village_name_key(r["name"])}:
                self.by_name.setdefault(key, []).append(r["_id"])
        self.by_code = {r["code"]: r["_id"] for r in Place._all().values() if r["level"] == VILLAGE}

    def find(self, code: str, name: str, errors: list[str]) -> str | None:
        if code:
            code = code.replace(" ", "")
            if not re.fullmatch(r"\d{12}", code):
                errors.append(f"村（居）代码“{code}”应为 12 位数字。")
                return None
            key = self.by_code.get(code)
            if key is None:
                errors.append(f"村（居）代码“{code}”不存在，请核对 12 位区划代码。")
                return None
            if self.user.place not in Place.info(key)["place_path"]:
                errors.append(f"村（居）“{Place.full_name_of(key)}”（{code}）不在您的管辖范围内。")
                return None
            return key
        if name:
            keys = self.by_name.get(_norm(name)) or self.by_name.get(_village_name_key(name))
            if not keys:
                errors.append(
                    f"您的管辖范围内没有名为“{name}”的村（居），请核对或改填村（居）代码。"
                )
                return None
            if len(set(keys)) > 1:
                errors.append(f"您的管辖范围内有多个名为“{name}”的村（居），请改填村（居）代码。")
                return None
            return keys[0]
        own = _user_village(self.user)
        if own:
            return own
        errors.append("请填写村（居）代码或村（居）名称。")
        return None


# ---- rows ----
def _existing_message(number: str, user) -> str | None:
    existing = IdNumberIndex._get_collection().find_one({"_id": number})
    if not existing:
        return None
    if user.place in (existing.get("place_path") or []):
        return "该身份证号码已建档，请勿重复导入。"
    return "该身份证号码已在其他地区建档，请联系县（区）民政局核实，不能重复建档。"


def _identity(get, raw: dict, result: RowResult) -> tuple:
    """(身份证 number, gender, birth date): typed, or read from the number."""
    errors = result.errors
    id_number, id_birth, id_gender = None, None, None
    if get("身份证号码"):
        try:
            id_number, id_birth, id_gender, note = check_id_number(get("身份证号码"))
            if note:
                result.notes.append(f"请核对身份证号码：{note}")
        except DomainError as exc:
            errors.append(str(exc.message))
    gender = _choice("性别", get("性别", ""), errors) or id_gender
    birth = _date(raw.get("出生日期"), "出生日期", errors) or id_birth
    if not gender and not any(e.startswith("性别") for e in errors):
        errors.append("请填写性别。")
    if not birth and not any(e.startswith("出生日期") for e in errors):
        errors.append("请填写出生日期。")
    return id_number, gender, birth


def _categories(get, errors: list[str]) -> list[str]:
    categories = []
    for part in CATEGORY_SEPARATORS.split(get("困境类别", "")):
        if part.strip():
            value = _choice("困境类别", part.strip(), errors)
            if value and value not in categories:
                categories.append(value)
    return categories


def _guardian(get, errors: list[str]) -> Guardian | None:
    g_name, g_rel, g_phone = get("监护人姓名", ""), get("监护人关系", ""), get("监护人电话", "")
    if not (g_name or g_rel or g_phone):
        return None
    relation = _choice("监护人关系", g_rel, errors)
    if not g_name:
        errors.append("填写了监护人关系或电话时，请填写监护人姓名。")
    if not g_rel:
        errors.append("请填写监护人关系（如父亲、母亲、祖父/外祖父）。")
    if g_phone and not PHONE_RE.match(g_phone):
        errors.append(f"监护人电话“{g_phone}”格式不正确。")
    if g_name and relation:
        return Guardian(name=g_name, relation=relation, phone=g_phone or None)
    return None


def _build(line: int, values: dict[str, str], raw: dict, villages: _Villages) -> RowResult:
    result = RowResult(line=line, values=values)
    errors = result.errors
    get = values.get

    name = get("姓名", "")
    if not name:
        errors.append("请填写姓名。")
    for column, limit in MAX_LENGTHS.items():
        if len(get(column, "")) > limit:
            errors.append(f"{column}不能超过 {limit} 个字。")
    id_number, gender, birth = _identity(get, raw, result)
    choices = {
        column: _choice(column, get(column, ""), errors)
        for column in (
            "无身份证号码原因",
            "民族",
            "户籍状况",
            "就学状况",
            "监护状况",
            "风险等级",
            "走访频次",
        )
    }
    categories = _categories(get, errors)
    guardian = _guardian(get, errors)

    village = villages.find(get("村（居）代码", ""), get("村（居）名称", ""), errors)
    result.village = village
    if errors:
        return result

    child = Child(
        name=name,
        gender=gender,
        id_number=id_number,
        no_id_reason=choices["无身份证号码原因"],
        birth_date=birth,
        address=get("详细住址") or None,
        school_status=choices["就学状况"],
        school_name=get("学校") or None,
        categories=categories,
        guardians=[guardian] if guardian else [],
        risk_reason=get("风险原因") or None,
    )
    for column, attr in (
        ("民族", "ethnicity"),
        ("户籍状况", "hukou_status"),
        ("监护状况", "guardianship"),
        ("风险等级", "risk_level"),
        ("走访频次", "visit_frequency"),
    ):
        if choices[column]:
            setattr(child, attr, choices[column])  # else the archive's default
    child.set_place(village)
    try:
        child.check()
        child.validate()
    except DomainError as exc:
        errors.append(str(exc.message))
        return result
    except ValidationError as exc:
        fields = "、".join(archive.FIELD_LABELS.get(k, k) for k in (exc.errors or {})) or "数据"
        errors.append(f"{fields}格式不正确。")
        return result
    result.child = child
    return result


def parse(
    filename: str,
    data: bytes,
    user,
    *,
    lines: set[int] | None = None,
    check_existing: bool = True,
) -> list[RowResult]:
    """Validate every row of the file without saving; raise ImportFileError for the file.

    `lines` limits the work (and the result) to those lines, the in-file duplicate check
    still looking at every row; `check_existing=False` skips the look-up of numbers
    already archived (the save itself refuses those).
    """
    col, body = _table(filename, data, user)
    villages = _Villages(user)
    seen: dict[str, int] = {}
    results = []
    for line, row in body:
        raw = {h: (row[i] if i < len(row) else None) for h, i in col.items()}
        if lines is not None and line not in lines:
            number = _id_key(raw.get("身份证号码"))
            if number:
                seen.setdefault(number, line)
            continue
        values = {h: _text(v) for h, v in raw.items()}
        result = _build(line, values, raw, villages)
        number = _id_key(raw.get("身份证号码"))
        if number:
            if number in seen:
                result.errors.append(f"身份证号码与第 {seen[number]} 行重复。")
            else:
                seen[number] = line
                if check_existing and result.child is not None:
                    message = _existing_message(result.child.id_number, user)
                    if message:
                        result.errors.append(message)
        if result.errors:
            result.child = None
        results.append(result)
    return results


def _id_key(value) -> str | None:
    """The 身份证 number of a cell as compared for duplicates (no checksum work: cheap)."""
    text = _text(value).upper().replace(" ", "").replace("-", "")
    return text if ID_SHAPE.fullmatch(text) else None


# ---- saving ----
def _save_error(exc: Exception) -> str:
    if isinstance(exc, DomainError):
        return str(exc.message)
    if isinstance(exc, NotUniqueError):
        return "该儿童档案已存在，未重复保存。"
    if isinstance(exc, ValidationError):
        fields = "、".join(archive.FIELD_LABELS.get(k, k) for k in (exc.errors or {})) or "数据"
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
            archive.prepare(child, user, True, r.village)
            child.save_new(user)
        except Exception as exc:  # every failure is reported per row
            archive.release_reservation(child)
            if not isinstance(exc, DomainError | NotUniqueError | ValidationError):
                _log_exception("child import: save failed on line %s", r.line)
            failed.append((r.line, _save_error(exc)))
            continue
        try:
            audit.record(
                "create",
                child,
                changes=audit.diff({}, child.to_mongo().to_dict()),
                detail="Excel 导入",
                actor=user,
            )
            archive.after_save(child, user, True, {}, note="Excel 导入", write_roster=False)
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


# ---- the template ----
EXAMPLE_ID_BASE = "64010420150304123"
TEMPLATE_NOTES = {
    "姓名": "必填。",
    "性别": "男 或 女；填写身份证号码时可不填（按号码推算）。",
    "身份证号码": "18 位；出生日期和性别须与号码一致。请将本列设为“文本”格式，以免 Excel 把号码变成科学计数。",
    "无身份证号码原因": "没有身份证号码时必填",
    "出生日期": "如 2015-03-04、2015/3/4 或 2015年3月4日；填写身份证号码时可不填。",
    "民族": "如 汉族、回族；不填为汉族。",
    "户籍状况": "不填为本地户籍",
    "村（居）代码": "12 位统计用区划代码；与“村（居）名称”二选一，都填时以代码为准。",
    "村（居）名称": "须在您的管辖范围内；村（居）儿童主任可不填（即本村（居））。",
    "详细住址": "不超过 200 字。",
    "就学状况": "",
    "学校": "",
    "困境类别": "可填多个，用“、”或“,”分隔",
    "监护状况": "不填为监护正常",
    "风险等级": "不填为低风险；高风险须填写风险原因。",
    "风险原因": "",
    "走访频次": "不填为每季度一次",
    "监护人姓名": "填写监护人时必填。",
    "监护人关系": "",
    "监护人电话": "",
}


def _example_id() -> str:
    return EXAMPLE_ID_BASE + ric.calc_check_digit(EXAMPLE_ID_BASE + "0")


def template_workbook(villages: list[tuple[str, str]] | None = None) -> bytes:
    """The import template: the headers, one example row, the allowed values.

    `villages` are (12-digit code, name) pairs of the user's villages: the first fills
    the example row and all are listed on the 说明 sheet.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "儿童台账"
    ws.append(list(TEMPLATE_HEADERS))
    bold = Font(bold=True)
    for cell in ws[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    code, vname = (villages or [("", "")])[0]
    example = {
        "姓名": "张小明",
        "性别": "男",
        "身份证号码": _example_id(),
        "出生日期": date(2015, 3, 4),
        "民族": "汉族",
        "户籍状况": "本地户籍",
        "村（居）代码": code,
        "村（居）名称": vname,
        "详细住址": "三组 12 号",
        "就学状况": "在校",
        "学校": "中心小学",
        "困境类别": "农村留守儿童、家庭困境儿童",
        "监护状况": "父母双方外出务工",
        "风险等级": "低风险",
        "走访频次": "每季度一次",
        "监护人姓名": "张大山",
        "监护人关系": "祖父/外祖父",
        "监护人电话": "13900000000",
    }
    ws.append([example.get(h, "") for h in TEMPLATE_HEADERS])
    for i, h in enumerate(TEMPLATE_HEADERS, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = {"身份证号码": 22, "困境类别": 28}.get(
            h, max(10, len(h) * 2 + 2)
        )
        if h in ("身份证号码", "村（居）代码", "监护人电话"):
            ws.column_dimensions[letter].number_format = "@"
            ws.cell(row=2, column=i).number_format = "@"
        if h == "出生日期":
            ws.cell(row=2, column=i).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"

    notes = wb.create_sheet("说明")
    notes.append(["列名", "填写要求", "可填的值"])
    for cell in notes[1]:
        cell.font = bold
    lists = {}
    for h in TEMPLATE_HEADERS:
        labels = [label for _, label in CHOICE_COLUMNS[h][0]] if h in CHOICE_COLUMNS else []
        notes.append([h, TEMPLATE_NOTES.get(h, ""), "、".join(labels)])
        lists[h] = labels
    notes.append([])
    notes.append(
        ["只读取第一个工作表；每个文件最多 5000 行；任何一行有误时，可选择只导入无误的行。"]
    )
    if villages:
        notes.append([])
        notes.append(["村（居）代码", "村（居）名称"])
        for c, n in villages:
            notes.append([c, n])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 60
    notes.column_dimensions["C"].width = 80

    # Drop-down lists for the single-choice columns (values kept on a hidden sheet).
    options = wb.create_sheet("选项")
    options.sheet_state = "hidden"
    for n, h in enumerate(
        [h for h in TEMPLATE_HEADERS if h in CHOICE_COLUMNS and h != "困境类别"], start=1
    ):
        letter = get_column_letter(n)
        for row, label in enumerate(lists[h], start=1):
            options.cell(row=row, column=n, value=label)
        dv = DataValidation(
            type="list",
            formula1=f"选项!${letter}$1:${letter}${len(lists[h])}",
            allow_blank=True,
            errorStyle="warning",
            error=f"请从列表中选择{h}。",
            errorTitle="填写提示",
        )
        column = get_column_letter(TEMPLATE_HEADERS.index(h) + 1)
        dv.add(f"{column}2:{column}{MAX_ROWS + 1}")
        ws.add_data_validation(dv)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- the uploaded file between preview and import ----
def store_upload(token: str, user, filename: str, data: bytes) -> None:
    coll = uploads_collection()
    now = clock.now()
    parts = [data[i : i + PART_BYTES] for i in range(0, len(data), PART_BYTES)] or [b""]
    for n, part in enumerate(parts[1:], start=1):
        coll.insert_one(
            {"_id": f"{token}.{n}", "user": user.username, "created_at": now, "data": part}
        )
    coll.insert_one(
        {
            "_id": token,
            "user": user.username,
            "created_at": now,
            "filename": filename,
            "data": parts[0],
            "parts": len(parts),
            "mode": None,
            "lines": [],
            "next": 0,
            "total": 0,
            "saved": 0,
            "failed": [],
        }
    )


def load_upload(token: str, user) -> dict | None:
    """The stored upload of this user, with all its bytes, or None."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", token or ""):
        return None
    coll = uploads_collection()
    doc = coll.find_one({"_id": token})
    if not doc or doc.get("user") != user.username or "filename" not in doc:
        return None
    data = bytes(doc.get("data") or b"")
    for n in range(1, doc.get("parts") or 1):
        part = coll.find_one({"_id": f"{token}.{n}"})
        if part is None:
            return None
        data += bytes(part["data"])
    doc["data"] = data
    return doc


def delete_upload(token: str, parts: int = 1) -> None:
    coll = uploads_collection()
    for n in range(1, parts or 1):
        coll.delete_one({"_id": f"{token}.{n}"})
    coll.delete_one({"_id": token})


def forget_old_uploads(before: datetime) -> None:
    """Drop uploads nobody imported or cancelled (a small collection: the scan is cheap)."""
    uploads_collection().delete_many({"created_at": {"$lt": before}})
