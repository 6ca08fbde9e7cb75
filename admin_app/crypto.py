"""Field encryption for what must not sit in the database in clear (an anonymous reporter).

Fernet (AES-128-CBC + HMAC-SHA256) from the `cryptography` package. The key is
FIELD_ENCRYPTION_KEY (a Fernet key) or, when unset, derived from SECRET_KEY; changing
either makes earlier values unreadable, so production sets FIELD_ENCRYPTION_KEY once.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    key = current_app.config.get("FIELD_ENCRYPTION_KEY")
    if not key:
        digest = hashlib.sha256(
            ("field-encryption:" + current_app.config["SECRET_KEY"]).encode()
        ).digest()
        key = base64.urlsafe_b64encode(digest)
    return Fernet(key)


def encrypt(value: str | None) -> str | None:
    """The encrypted text of a value (None stays None)."""
    if value in (None, ""):
        return None
    return _fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt(token: str | None) -> str:
    """The clear text, or a Chinese note when it cannot be read (key changed)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        return "（无法解密：密钥已更换）"
