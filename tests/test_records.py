"""The station's work records: kept by the station, read upward, scoped, dates checked."""

import pytest

from admin_app.documents.records import (
    CaringFamily,
    CommunityActivity,
    HalfYearReport,
    PublicityEvent,
    SocialOrganization,
    Volunteer,
    WorkPlan,
)
from tests import when
from tests.conftest import login_as, refusal, text
from tests.factories import make_user

FORMS = {
    "publicity": (
        PublicityEvent,
        {
            "held_on": "2026-06-01",
            "kind": "family_lecture",
            "location": "掌政镇文化站",
            "audience": "家长",
            "reached": "85",
            "topics": "科学育儿 & <安全>",
        },
    ),
    "activities": (
        CommunityActivity,
        {
            "venue": "after_school",
            "held_on": "2026-05-12",
            "kind": "tutoring",
            "title": "作业辅导",
            "children": "23",
            "organisers": "李娟",
            "content": "数学",
        },
    ),
    "caring_families": (
        CaringFamily,
        {
            "head_name": "赵家",
            "phone": "13900001234",
            "members": "4",
            "care_mode": "voluntary",
            "registered_on": "2026-03-01",
        },
    ),
    "work_plans": (
        WorkPlan,
        {"year": "2026", "title": "2026年度工作计划", "goals": "全覆盖走访", "status": "adopted"},
    ),
    "volunteers": (
        Volunteer,
        {"name": "志愿者刘", "phone": "13900004321", "joined_on": "2026-02-01", "hours": "12"},
    ),
    "social_orgs": (
        SocialOrganization,
        {"name": "阳光社工服务中心", "kind": "social_work", "contract_from": "2026-01-01"},
    ),
    "half_year_reports": (
        HalfYearReport,
        {
            "year": "2026",
            "half": "H1",
            "reported_on": "2026-07-05",
            "reported_to": "掌政镇人民政府",
            "summary": "上半年工作",
        },
    ),
}


@pytest.mark.parametrize("endpoint", FORMS)
def test_station_keeps_a_record_the_county_reads_and_others_do_not(app, users, endpoint):
    model, data = FORMS[endpoint]
    c = login_as(app, users["station"])
    r = c.post(f"/{endpoint}/new/", data=data)
    assert r.status_code == 302, text(r)
    record = model.objects.get()
    assert record.place == "640104100000" and record.created_by == "u_station"
    label = next(v for v in data.values() if any("\u4e00" <= ch <= "\u9fff" for ch in v))
    assert label.split(" ")[0] in text(login_as(app, users["county"]).get(f"/{endpoint}/"))
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert label.split(" ")[0] not in text(other.get(f"/{endpoint}/"))
    assert other.get(f"/{endpoint}/edit/?id={record.pk}").status_code == 302
    # the county reads but does not write the station's records
    county = login_as(app, users["county"])
    r = county.post(f"/{endpoint}/edit/?id={record.pk}", data={**data, "row_version": "0"})
    assert "只能查看该记录，不能修改" in refusal(county, r)
    assert model.objects.get().version == 0


def test_future_dates_and_hostile_text(app, users):
    c = login_as(app, users["station"])
    r = c.post(
        "/publicity/new/", data={**FORMS["publicity"][1], "held_on": when.days_ahead(1).isoformat()}
    )
    assert "日期不能晚于今天" in text(r) and "科学育儿 &amp; &lt;安全&gt;" in r.get_data(
        as_text=True
    )
    assert PublicityEvent.objects.count() == 0
    r = c.post(
        "/social_orgs/new/",
        data={
            "name": "阳光社工",
            "kind": "social_work",
            "contract_from": "2026-05-01",
            "contract_to": "2026-01-01",
        },
    )
    assert "合作结束日期不能早于开始日期" in text(r)


def test_village_director_has_no_work_records(app, users):
    assert login_as(app, users["village"]).get("/publicity/").status_code == 403


def test_publicity_photos(app, users):
    import io

    from admin_app.documents.attachment import Attachment

    c = login_as(app, users["station"])
    c.post("/publicity/new/", data=FORMS["publicity"][1])
    event = PublicityEvent.objects.get()
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    r = c.post(
        "/publicity/attach/",
        data={"id": str(event.pk), "file": (io.BytesIO(png), "讲座.png")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 302
    att = Attachment.objects.get()
    assert att.record == f"publicity_events:{event.pk}" and att.place_path == event.place_path
    assert "讲座.png" in text(c.get(f"/publicity/details/?id={event.pk}"))
    assert c.get(f"/publicity/photo/?id={att.pk}").data == png
    r = c.post(
        "/publicity/attach/",
        data={"id": str(event.pk), "file": (io.BytesIO(b"MZ..."), "x.png")},
        content_type="multipart/form-data",
    )
    assert "只能上传" in text(c.get(r.headers["Location"]))
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert other.get(f"/publicity/photo/?id={att.pk}").status_code == 404
    assert login_as(app, users["county"]).get(f"/publicity/photo/?id={att.pk}").status_code == 200
