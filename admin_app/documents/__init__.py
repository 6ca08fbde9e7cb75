"""mongoengine Documents, one module per aggregate."""

from .attachment import Attachment
from .audit import AUDIT_ACTIONS, AuditEntry
from .base import Conflict, DomainError, ScopedDocument
from .child import (
    Benefit,
    Child,
    ChildHistory,
    Guardian,
    IdNumberIndex,
    Roster,
    RosterSummary,
    TransferTrace,
    check_id_number,
    mask_id,
    mask_phone,
)
from .place import FormerName, Place
from .station import Allocation, StaffMember, Station, station_name
from .user import User, check_password_strength
from .visit import VISIT_KINDS, PlannedVisit, VisitBook, VisitRecord

__all__ = [
    "Attachment",
    "VISIT_KINDS",
    "Benefit",
    "Child",
    "ChildHistory",
    "Guardian",
    "IdNumberIndex",
    "PlannedVisit",
    "Roster",
    "RosterSummary",
    "TransferTrace",
    "VisitBook",
    "VisitRecord",
    "check_id_number",
    "mask_id",
    "mask_phone",
    "AUDIT_ACTIONS",
    "Allocation",
    "AuditEntry",
    "Conflict",
    "DomainError",
    "FormerName",
    "Place",
    "ScopedDocument",
    "StaffMember",
    "Station",
    "User",
    "check_password_strength",
    "station_name",
]
