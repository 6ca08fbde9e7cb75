"""Photos and scans on an archive: type by content, size, scope, audit, transfer."""

import io

from admin_app.documents import AuditEntry, Child
from admin_app.documents.attachment import Attachment
from tests.conftest import login_as, text
from tests.factories import make_user
from tests.test_children import create

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100


def upload(c, child, data, name):
    return c.post(
        "/children/attach/",
        data={"id": str(child.pk), "file": (io.BytesIO(data), name), "note": "家访照片"},
        content_type="multipart/form-data",
    )


def test_upload_view_and_download(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    r = upload(c, child, PNG, "家访 <1>.png")
    assert r.status_code == 302
    att = Attachment.objects.get()
    assert (att.content_type, att.size, att.place_path) == ("image/png", len(PNG), child.place_path)
    page = c.get(f"/children/details/?id={child.pk}").get_data(as_text=True)
    assert "家访 &lt;1&gt;.png" in page and "上传附件" in page
    r = c.get(f"/children/attachment/?id={att.pk}")
    assert r.status_code == 200 and r.data == PNG and r.mimetype == "image/png"
    assert AuditEntry.objects(action="download").count() == 1


def test_type_is_checked_by_content_and_size_is_limited(app, users, monkeypatch):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    r = upload(c, child, b"MZ\x90\x00 not an image", "photo.jpg")
    assert "只能上传 JPG、PNG 图片或 PDF 扫描件" in text(c.get(r.headers["Location"]))
    # the 10 MB rule with a small limit (werkzeug's test client leaks a temp file on big bodies)
    monkeypatch.setattr("admin_app.services.children.attachments.MAX_ATTACHMENT_BYTES", 1024)
    r = upload(c, child, JPEG + b"\x00" * 2048, "big.jpg")
    assert "文件超过" in text(c.get(r.headers["Location"]))
    assert Attachment.objects.count() == 0


def test_attachment_out_of_scope_is_not_found(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    upload(c, child, JPEG, "a.jpg")
    att = Attachment.objects.get()
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert other.get(f"/children/attachment/?id={att.pk}").status_code == 404
    assert other.get("/children/attachment/?id=../../etc").status_code == 404
    r = other.post(
        "/children/attach/",
        data={"id": str(child.pk), "file": (io.BytesIO(JPEG), "x.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302 and Attachment.objects.count() == 1
    # supervisors above may look (and it is logged); a county may not upload
    county = login_as(app, users["county"])
    assert county.get(f"/children/attachment/?id={att.pk}").status_code == 200
    upload(county, child, JPEG, "y.jpg")
    assert Attachment.objects.count() == 1


def test_attachments_follow_a_transfer(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    upload(c, child, JPEG, "a.jpg")
    c.post(
        "/children/transfer/",
        data={"id": str(child.pk), "to_code": "640104200201", "reason": "搬迁"},
    )
    att = Attachment.objects.get()
    assert att.place_path[-1] == "640104200201"
    assert c.get(f"/children/attachment/?id={att.pk}").status_code == 404
    tg = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert tg.get(f"/children/attachment/?id={att.pk}").status_code == 200


def test_a_photo_list_never_reads_the_photos(app, users):
    """Issue 13: the bytes live apart (attachment_bytes), so the details page's list of
    photos reads descriptions only; a record stored before the split is moved by the
    migration and downloads the same."""
    import mongoengine

    from admin_app import migrations

    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    upload(c, child, PNG, "a.png")
    db = mongoengine.get_db()
    att = db["attachments"].find_one()
    assert "data" not in att and db["attachment_bytes"].find_one({"_id": att["_id"]})["data"] == PNG
    # a record from before the split: bytes on the description
    db["attachment_bytes"].delete_many({})
    db["attachments"].update_one({"_id": att["_id"]}, {"$set": {"data": JPEG}})
    assert c.get(f"/children/attachment/?id={att['_id']}").data == JPEG
    assert "已将 1 个附件" in migrations._attachment_bytes(db)
    assert "data" not in db["attachments"].find_one({"_id": att["_id"]})
    assert c.get(f"/children/attachment/?id={att['_id']}").data == JPEG
    assert "a.png" in text(c.get(f"/children/details/?id={child.pk}"))
