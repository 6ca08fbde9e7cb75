"""A row's village, by code or name, found inside the user's place."""

import re

from ....documents import Place
from ....documents.constants import VILLAGE
from .columns import _norm


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
