"""Each row checked fully by the archive's own rules, nothing saved (`parse`)."""

from mongoengine.errors import ValidationError

from ....documents import Child, DomainError, Guardian, IdNumberIndex
from ....documents.child import check_id_number
from .. import archive_history
from .columns import (
    CATEGORY_SEPARATORS,
    ID_SHAPE,
    MAX_LENGTHS,
    PHONE_RE,
    RowResult,
    _choice,
    _date,
    _text,
)
from .reading import _table
from .villages import _Villages

# ---- rows ----
LOOKUP = 500  # 身份证 numbers looked up in one query


def _existing_messages(numbers: list[str], user) -> dict[str, str]:
    """{number: why it cannot be imported} for the numbers already archived."""
    coll, out = IdNumberIndex._get_collection(), {}
    for start in range(0, len(numbers), LOOKUP):
        for existing in coll.find({"_id": {"$in": numbers[start : start + LOOKUP]}}):
            if user.place in (existing.get("place_path") or []):
                out[existing["_id"]] = "该身份证号码已建档，请勿重复导入。"
            else:
                out[existing["_id"]] = (
                    "该身份证号码已在其他地区建档，请联系县（区）民政局核实，不能重复建档。"
                )
    return out


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
        fields = (
            "、".join(archive_history.FIELD_LABELS.get(k, k) for k in (exc.errors or {})) or "数据"
        )
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
    results, to_check = [], []
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
                if check_existing and result.child is not None and result.child.id_number:
                    to_check.append(result)
        results.append(result)
    found = _existing_messages([r.child.id_number for r in to_check], user)
    for result in to_check:
        if result.child.id_number in found:
            result.errors.append(found[result.child.id_number])
    for result in results:
        if result.errors:
            result.child = None
    return results


def _id_key(value) -> str | None:
    """The 身份证 number of a cell as compared for duplicates (no checksum work: cheap)."""
    text = _text(value).upper().replace(" ", "").replace("-", "")
    return text if ID_SHAPE.fullmatch(text) else None
