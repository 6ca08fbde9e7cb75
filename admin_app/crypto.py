"""Field encryption for what must not sit in the database in clear (an anonymous reporter).

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package, several keys at once
(MultiFernet): FIELD_ENCRYPTION_KEY is a comma-separated list of Fernet keys; the first
encrypts, every one decrypts. To rotate: put a new key first, keep the old ones after it,
run `flask rotate-field-keys` (every value re-encrypted under the first key), then drop
the old keys. The key is separate from SECRET_KEY: rotating the session key never touches
a reporter. Values written before this rule, under a key derived from SECRET_KEY, still
decrypt (that key is tried last) until the migration re-encrypts them.

Production refuses to start without FIELD_ENCRYPTION_KEY; development keeps one under var/.
"""

import base64
import hashlib
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app

from .core import keyfile

# Every encrypted field, by collection: what `flask rotate-field-keys` re-encrypts.
ENCRYPTED_FIELDS = {
    "mandatory_reports": ("reporter_name_enc", "reporter_contact_enc"),
    "public_reports": ("reporter_name_enc", "reporter_contact_enc"),
}
UNREADABLE = "（无法解密：密钥已更换）"


def _legacy_key(secret_key: str) -> bytes:
    digest = hashlib.sha256(("field-encryption:" + secret_key).encode()).digest()
    return base64.urlsafe_b64encode(digest)


def configure(app: Flask) -> None:
    """Check the keys at start-up: required in production, each a valid Fernet key."""
    raw = app.config.get("FIELD_ENCRYPTION_KEY") or ""
    if not raw.strip():
        if app.config.get("PRODUCTION"):
            raise RuntimeError(
                "生产环境必须设置 FIELD_ENCRYPTION_KEY（与 SECRET_KEY 不同的 Fernet 密钥，见 docs/DEPLOY.md）。"
                " / FIELD_ENCRYPTION_KEY is required in production."
            )
        raw = keyfile.kept(
            Path(app.config["FIELD_KEY_FILE"]), lambda: Fernet.generate_key().decode()
        )
        app.config["FIELD_ENCRYPTION_KEY"] = raw
    for key in _split(raw):
        try:
            Fernet(key)
        except (ValueError, TypeError) as exc:
            raise RuntimeError(
                "FIELD_ENCRYPTION_KEY 中有无效的密钥（须为 Fernet 密钥：32 字节的 URL 安全 Base64）。"
                " / FIELD_ENCRYPTION_KEY holds an invalid Fernet key."
            ) from exc
    if app.config.get("PRODUCTION") and app.config["SECRET_KEY"] in _split(raw):
        raise RuntimeError("FIELD_ENCRYPTION_KEY 不能与 SECRET_KEY 相同。")


def _split(raw: str) -> list[str]:
    return [k.strip() for k in raw.split(",") if k.strip()]


def _fernet() -> MultiFernet:
    keys = _split(current_app.config.get("FIELD_ENCRYPTION_KEY") or "")
    legacy = _legacy_key(current_app.config["SECRET_KEY"])
    return MultiFernet([Fernet(k) for k in keys] + [Fernet(legacy)])


def encrypt(value: str | None) -> str | None:
    """The encrypted text of a value (None stays None)."""
    if value in (None, ""):
        return None
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str | None) -> str:
    """The clear text, or a Chinese note when no key reads it."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return UNREADABLE


def rotate_all(db) -> tuple[int, int]:
    """Re-encrypt every encrypted value under the first key; (re-encrypted, unreadable)."""
    fernet = _fernet()
    done = unreadable = 0
    for collection, fields in ENCRYPTED_FIELDS.items():
        query = {"$or": [{f: {"$type": "string"}} for f in fields]}
        for doc in db[collection].find(query, {f: 1 for f in fields}):
            changes = {}
            for field in fields:
                token = doc.get(field)
                if not token:
                    continue
                try:
                    changes[field] = fernet.rotate(token.encode("ascii")).decode("ascii")
                except InvalidToken:
                    unreadable += 1
            if changes:
                db[collection].update_one({"_id": doc["_id"]}, {"$set": changes})
                done += 1
    return done, unreadable
