"""The contexts of the three official forms: 附件5, 附件6 (the reporter as the role may see
them) and 附件7."""

from ...documents.constants import ANONYMOUS_REPORTER_ROLES, REPORT_METHODS, REPORTER_IDENTITIES
from .rendering import (
    ANONYMOUS,
    IDENTITY_LINES,
    METHOD_LINES,
    _attachments,
    _perp,
    checkboxes,
    child_context,
    clean,
    cn_day,
    cn_minute,
    cn_when,
    text,
)

# ---- the three forms ----------------------------------------------------------------


def help_request_context(form, user) -> dict:
    """附件5 未成年人疑似伤害事件求助登记表."""
    return {
        **child_context(form.child_info),
        "location": text(form.location),
        "occurred_at": cn_when(form.occurred_at, form.occurred_note),
        "account": text(form.account),
        "perp_name": text(_perp(form, "name")),
        "perp_identity": text(_perp(form, "identity")),
        "perp_address": text(_perp(form, "address")),
        "perp_phone": text(_perp(form, "phone")),
        "attachment_note": _attachments(form.attachment_note, form.attachment_ids),
        "filled_by": text(form.filled_by),
        "filled_on": cn_day(form.filled_on),
    }


def reporter_identity(report, user) -> tuple[str, str]:
    """(name, contact) of the reporter as this user may see them.

    Public reports show the plain fields. An anonymous reporter is decrypted only for
    ANONYMOUS_REPORTER_ROLES (the caller logs that showing); everyone else sees 匿名.
    """
    if report.reporter_public:
        return clean(report.reporter_name), clean(report.reporter_contact)
    if user is not None and getattr(user, "role", None) in ANONYMOUS_REPORTER_ROLES:
        from ...crypto import decrypt

        return clean(decrypt(report.reporter_name_enc)), clean(decrypt(report.reporter_contact_enc))
    return ANONYMOUS, ANONYMOUS


def mandatory_report_context(report, user) -> dict:
    """附件6 未成年人保护强制报告登记表."""
    name, contact = reporter_identity(report, user)
    public = "public" if report.reporter_public else "anonymous"
    return {
        "reporter_public_boxes": checkboxes((("public", "公开"), ("anonymous", "匿名")), public),
        "reporter_name": text(name),
        "reporter_contact": text(contact),
        "reporter_identity_boxes": checkboxes(
            REPORTER_IDENTITIES,
            report.reporter_identity,
            IDENTITY_LINES,
            report.reporter_identity_note,
        ),
        "report_method_boxes": checkboxes(
            REPORT_METHODS, report.report_method, METHOD_LINES, report.report_method_note
        ),
        "reported_at": cn_minute(report.reported_at, report.reported_note),
        **child_context(report.child_info),
        "scene": text(report.scene),
        "occurred_at": cn_when(report.occurred_at, report.occurred_note),
        "account": text(report.account),
        "perp_name": text(_perp(report, "name")),
        "perp_identity": text(_perp(report, "identity")),
        "physical_state": text(report.physical_state),
        "mental_state": text(report.mental_state),
        "behaviour": text(report.behaviour),
        "child_view": text(report.child_view),
        "attachment_note": _attachments(report.attachment_note, report.attachment_ids),
        "filled_by": text(report.filled_by),
        "filled_on": cn_day(report.filled_on),
    }


def referral_context(referral, user) -> dict:
    """附件7 未成年人保护服务转介记录表."""
    return {
        "referred_on": cn_day(referral.referred_on),
        **child_context(referral.child_info),
        "reason": text(referral.reason),
        "unit_name": text(referral.unit_name),
        "unit_address": text(referral.unit_address),
        "unit_contact_name": text(referral.unit_contact_name),
        "unit_contact_phone": text(referral.unit_contact_phone),
        "follow_up_plan": text(referral.follow_up_plan),
        "filled_by": text(referral.filled_by),
        "filled_on": cn_day(referral.filled_on),
    }
