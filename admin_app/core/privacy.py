"""Who sees personal data (身份证 numbers, phone numbers) in full, and how the others see it.

The station's staff and the village 儿童主任 contact the families and see the numbers in
full; the county, the city and the province supervise and see them masked
(640104********1234, 139****5678): in lists, exports, details, the archive's history and
the audit log alike. Anonymous reporters follow a rule of their own
(constants.ANONYMOUS_REPORTER_ROLES).
"""

import re

FULL_IDENTITY_ROLES = ("station", "social_worker", "village")  # they contact families

_ID_IN_TEXT = re.compile(r"(?<![0-9])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9Xx])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9]\d)(\d{4})(\d{4})(?![0-9])")


def sees_identity(user) -> bool:
    """True when the user may see 身份证 and phone numbers in full."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in FULL_IDENTITY_ROLES


def mask_id(number: str | None) -> str:
    """640104********1234."""
    if not number:
        return ""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "****"


def mask_phone(phone: str | None) -> str:
    """139****1234."""
    if not phone:
        return ""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"


def mask_text(text: str | None) -> str:
    """Free text (a history entry, an audit change) with every 身份证 and mobile number in it
    masked."""
    if not text:
        return text or ""
    text = _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 8 + m.group(3)[-4:], text)
    # After the masking above the digits of an ID number are no longer a run of 11.
    return _MOBILE_IN_TEXT.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def shown(text: str | None, user) -> str:
    """Free text as the user may see it."""
    return (text or "") if sees_identity(user) else mask_text(text)
