"""Accounts: one role, one place."""

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from mongoengine import BooleanField, DateTimeField, IntField, StringField

from ..core import clock
from .base import DomainError, ScopedDocument
from .constants import MIN_PASSWORD_LEN, ROLE_LEVEL, ROLES

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so timing does not tell.
_DUMMY_HASH = _hasher.hash("no-such-user-password")


class User(UserMixin, ScopedDocument):
    """A person who logs in. `place` is the place they work for; they see only inside it."""

    username = StringField(
        required=True, unique=True, max_length=40, regex=r"^[A-Za-z0-9_.-]{3,40}$"
    )
    display_name = StringField(required=True, max_length=50)
    role = StringField(required=True, choices=[r for r, _ in ROLES])
    phone = StringField(max_length=20)
    password_hash = StringField()
    must_change_password = BooleanField(default=True)
    active = BooleanField(default=True)
    failed_logins = IntField(default=0)
    locked_until = DateTimeField()
    last_login_at = DateTimeField()
    # Changing it logs every session of the user out (password change, deactivation).
    session_nonce = StringField(default=lambda: secrets.token_hex(8))

    meta = {
        "collection": "users",
        "indexes": ["place_path", {"fields": ["username"], "unique": True}],
        "ordering": ["username"],
    }

    def __str__(self) -> str:
        return f"{self.display_name}（{self.username}）"

    # flask-login
    def get_id(self) -> str:
        return f"{self.pk}:{self.session_nonce}"

    def end_sessions(self) -> None:
        """Every session of this user ends: the cookies carry the old nonce (get_id)."""
        self.session_nonce = secrets.token_hex(8)
        type(self).objects(pk=self.pk).update_one(set__session_nonce=self.session_nonce)

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return dict(ROLES).get(self.role, self.role)

    def set_password(self, password: str) -> None:
        """Hash and store a new password after checking its strength."""
        check_password_strength(password, self.username)
        self.password_hash = _hasher.hash(password)
        self.session_nonce = secrets.token_hex(8)

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return False

    @staticmethod
    def burn_time(password: str) -> None:
        """Spend the time of one verification (for unknown user names)."""
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass

    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > clock.now())

    def register_failure(self, max_failures: int, lock_minutes: int) -> bool:
        """Count a failed log-in; lock the account when there were too many. True if locked now."""
        self.failed_logins = (self.failed_logins or 0) + 1
        locked = self.failed_logins >= max_failures
        if locked:
            self.locked_until = clock.now() + timedelta(minutes=lock_minutes)
            self.failed_logins = 0
        self.save()
        return locked

    def check_role_place(self) -> None:
        """The role must match the level of the place."""
        from .place import Place

        row = Place.info(self.place)
        if row is None:
            raise DomainError("所选地区不存在。", "place")
        if row["level"] != ROLE_LEVEL[self.role]:
            raise DomainError(
                "角色与所属地区的层级不符（例如：未保站人员应属于乡镇（街道））。", "place"
            )


def check_password_strength(password: str, username: str = "") -> None:
    """Refuse passwords that are short, all one kind of character, or contain the user name."""
    if len(password or "") < MIN_PASSWORD_LEN:
        raise DomainError(f"密码至少 {MIN_PASSWORD_LEN} 位。", "password")
    kinds = sum(
        [
            any(c.isdigit() for c in password),
            any(c.isalpha() and c.isascii() and c.islower() for c in password),
            any(c.isalpha() and c.isascii() and c.isupper() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if kinds < 2:
        raise DomainError("密码须包含字母、数字、符号中至少两类。", "password")
    if username and username.lower() in password.lower():
        raise DomainError("密码不能包含用户名。", "password")
