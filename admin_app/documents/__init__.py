"""mongoengine Documents, one module per aggregate."""

from .audit import AUDIT_ACTIONS, AuditEntry
from .base import DomainError, ScopedDocument, utcnow
from .place import FormerName, Place
from .station import Allocation, StaffMember, Station, station_name
from .user import User, check_password_strength

__all__ = [
    "AUDIT_ACTIONS",
    "Allocation",
    "AuditEntry",
    "DomainError",
    "FormerName",
    "Place",
    "ScopedDocument",
    "StaffMember",
    "Station",
    "User",
    "check_password_strength",
    "station_name",
    "utcnow",
]
