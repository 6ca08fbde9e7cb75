"""The append-only audit log: what is written, that it cannot be changed, who reads it."""

import pytest
from mongoengine.errors import OperationError

from admin_app.documents import AuditEntry
from admin_app.services import audit
from tests.conftest import login_as, text
from tests.factories import make_station


def test_changes_are_logged_with_old_and_new_values(app, users):
    s = make_station("640104100000", phone="111")
    c = login_as(app, users["county"])
    c.post(
        f"/stations/edit/?id={s.pk}",
        data={"row_version": "0", "setup_mode": "dual", "build_status": "planned", "phone": "222"},
    )
    e = AuditEntry.objects(action="update").first()
    assert (e.actor, e.actor_role, e.target_type, e.target_id) == (
        "u_county",
        "county",
        "stations",
        str(s.pk),
    )
    assert e.changes["phone"] == ["111", "222"]
    assert e.place_path == s.place_path and e.ip == "127.0.0.1"


def test_create_delete_and_export_are_logged(app, users):
    c = login_as(app, users["county"])
    c.post(
        "/stations/new/",
        data={"township": "640104100000", "setup_mode": "dual", "build_status": "planned"},
    )
    s = __import__("admin_app.documents", fromlist=["Station"]).Station.objects.get()
    c.get("/stations/export/xlsx/")
    c.post("/stations/delete/", data={"id": str(s.pk)})
    actions = [e.action for e in AuditEntry.objects(actor="u_county").order_by("at")]
    assert actions == ["login", "create", "export", "delete"]
    deleted = AuditEntry.objects.get(action="delete")
    assert deleted.changes["name"] == ["掌政镇未成年人保护工作站", ""]


def test_entries_cannot_be_changed_or_deleted(app, users):
    e = audit.record("login", None, actor=users["county"])
    e.detail = "tampered"
    with pytest.raises(OperationError):
        e.save()
    with pytest.raises(OperationError):
        e.delete()
    assert AuditEntry.objects.get(pk=e.pk).detail is None


def test_audit_screen_is_scoped_and_read_only(app, users):
    make_station("640104100000")
    audit.record(
        "update", make_station("640402100000"), actor=users["province"], detail="三营镇的修改"
    )
    audit.record("update", None, actor=users["station"], detail="掌政镇的修改")
    c = login_as(app, users["county"])
    page = text(c.get("/audit/"))
    assert "掌政镇的修改" in page and "三营镇的修改" not in page
    e = AuditEntry.objects.get(detail="掌政镇的修改")
    assert c.post("/audit/delete/", data={"id": str(e.pk)}).status_code == 302
    assert AuditEntry.objects(pk=e.pk).count() == 1
    assert c.get(f"/audit/edit/?id={e.pk}").status_code == 302
    assert login_as(app, users["village"]).get("/audit/").status_code == 403
