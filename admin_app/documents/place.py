"""The place hierarchy 自治区 → 市 → 县/区 → 乡镇/街道 → 村/居."""

import re
import threading
import time

from mongoengine import (
    BooleanField,
    DateTimeField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    ListField,
    StringField,
)

from ..core import clock
from .base import DomainError, ScopedDocument
from .constants import LEVEL_DEPTH, PLACE_LEVELS, PROVINCE, TOWNSHIP, VILLAGE

CODE_RE = re.compile(r"^64\d{10}$")


class FormerName(EmbeddedDocument):
    """A code and name the place had before a rename or re-code."""

    code = StringField()
    name = StringField()
    changed_at = DateTimeField(default=clock.now)
    changed_by = StringField()


class Place(ScopedDocument):
    """One administrative place, keyed by its permanent key.

    `key` (the primary key) is the national 12-digit code the place had when it was
    first loaded and never changes; `code` is its current national code. A 乡 that
    becomes a 镇 gets a new `code` and `name`, keeps its key, and every record under it
    keeps pointing at it.
    """

    key = StringField(primary_key=True)
    code = StringField(required=True, unique=True, max_length=12)  # checked by check_code()
    name = StringField(required=True, max_length=50)
    level = StringField(required=True, choices=[lv for lv, _ in PLACE_LEVELS])
    kind = StringField(max_length=20)  # 市, 区, 县, 县级市, 街道, 镇, 乡, 村, 居, 类似乡级单位
    parent = StringField()
    is_formal = BooleanField(default=True)
    former = ListField(EmbeddedDocumentField(FormerName))

    meta = {
        "collection": "places",
        "indexes": ["place_path", "parent", "level"],
        "ordering": ["code"],
    }

    def __str__(self) -> str:
        return self.name

    # ---- a small per-process cache: 3,160 places, read on almost every page ----
    _cache: dict[str, dict] = {}
    _cache_at = 0.0
    _cache_lock = threading.Lock()
    CACHE_SECONDS = 60

    @classmethod
    def _all(cls) -> dict[str, dict]:
        """The cached rows. When they are older than CACHE_SECONDS one thread reloads them
        while every other thread goes on with the old copy; only a process with no copy
        at all (first use, or after forget_cache) waits for the load."""
        cache = cls._cache
        if cache and time.monotonic() - cls._cache_at <= cls.CACHE_SECONDS:
            return cache
        if not cache:
            with cls._cache_lock:
                if not cls._cache:
                    cls._load()
            return cls._cache
        if cls._cache_lock.acquire(blocking=False):  # the one refreshing thread
            try:
                if time.monotonic() - cls._cache_at > cls.CACHE_SECONDS:
                    cls._load()
            finally:
                cls._cache_lock.release()
        return cls._cache

    @classmethod
    def _load(cls) -> None:
        rows = cls._get_collection().find(
            {}, {"code": 1, "name": 1, "level": 1, "parent": 1, "place_path": 1, "kind": 1}
        )
        fresh = {r["_id"]: r for r in rows}
        cls._cache, cls._cache_at = fresh, time.monotonic()

    @classmethod
    def forget_cache(cls) -> None:
        """Drop the cache after a change to places."""
        cls._cache = {}

    @classmethod
    def info(cls, key: str | None) -> dict | None:
        """The cached row of a place, or None."""
        if not key:
            return None
        return cls._all().get(key)

    @classmethod
    def path_of(cls, key: str) -> list[str]:
        """The scope path (ancestor keys, province first, the place last) of a place."""
        row = cls.info(key)
        if row is None:
            raise DomainError(f"地区不存在：{key}", "place")
        return list(row["place_path"])

    @classmethod
    def name_of(cls, key: str | None) -> str:
        row = cls.info(key)
        return row["name"] if row else ""

    @classmethod
    def full_name_of(cls, key: str | None) -> str:
        """Names from the city down, e.g. 银川市兴庆区掌政镇."""
        row = cls.info(key)
        if not row:
            return ""
        names = [cls._all()[k]["name"] for k in row["place_path"][1:] if k in cls._all()]
        return "".join(names) or row["name"]

    @classmethod
    def children_of(cls, key: str, level: str | None = None) -> list[dict]:
        """Cached rows of the places directly or indirectly under `key` at `level`."""
        rows = [
            r
            for r in cls._all().values()
            if key in r["place_path"] and r["_id"] != key and (level is None or r["level"] == level)
        ]
        return sorted(rows, key=lambda r: r["code"])

    @classmethod
    def choices_under(cls, key: str, level: str) -> list[tuple[str, str]]:
        """(key, label) pairs of the places at `level` inside `key`, for select boxes, in
        the order of their administrative codes (the order of the official lists)."""
        rows = {
            r["_id"]: r
            for r in cls.children_of(key, level)
            + ([cls.info(key)] if cls.info(key) and cls.info(key)["level"] == level else [])
        }
        return [
            (k, f"{cls.full_name_of(k)}（{r['code']}）")
            for k, r in sorted(rows.items(), key=lambda kv: kv[1]["code"])
        ]

    # ---- domain rules ----
    @staticmethod
    def check_code(code: str, level: str, parent_code: str | None) -> None:
        """Refuse a code that is malformed or does not fit its level and parent."""
        if not CODE_RE.match(code or ""):
            raise DomainError("地区代码应为以 64 开头的 12 位数字。", "code")
        depth = LEVEL_DEPTH[level]
        zeros = {0: code[2:], 1: code[4:], 2: code[6:], 3: code[9:], 4: ""}[depth]
        if zeros and set(zeros) != {"0"}:
            raise DomainError("地区代码与地区层级不符（该层级代码末尾应为 0）。", "code")
        if level == VILLAGE and code[9:] == "000":
            raise DomainError("村（居）代码最后三位不能为 000。", "code")
        if level == TOWNSHIP and code[6:9] == "000":
            raise DomainError("乡镇（街道）代码第 7–9 位不能为 000。", "code")
        if parent_code and level != PROVINCE:
            prefix_len = {1: 2, 2: 4, 3: 6, 4: 9}[depth]
            if code[:prefix_len] != parent_code[:prefix_len]:
                raise DomainError("地区代码与上级地区代码不一致。", "code")

    def change_code_or_name(self, new_code: str, new_name: str, by: str) -> bool:
        """Rename and/or re-code the place, keeping its key and its history."""
        new_code, new_name = (new_code or "").strip(), (new_name or "").strip()
        if not new_name:
            raise DomainError("请填写地区名称。", "name")
        if len(new_name) > 50:
            raise DomainError("地区名称不能超过 50 个字。", "name")
        if new_code == self.code and new_name == self.name:
            return False
        parent_code = Place.info(self.parent)["code"] if self.parent else None
        Place.check_code(new_code, self.level, parent_code)
        if new_code != self.code and Place.objects(code=new_code, key__ne=self.key).first():
            raise DomainError(f"地区代码 {new_code} 已被其他地区使用。", "code")
        self.former.append(FormerName(code=self.code, name=self.name, changed_by=by))
        self.code, self.name = new_code, new_name
        return True
