"""Issue 15: reports reach the station from anyone — a station's public page (its QR
code) and the hotline's work orders, the 待受理 inbox, accepting into a 附件6 and a case
with the 24 hours from the sending time, rejecting with a reason, the receipt that shows
only the state, rate limits, hostile text kept literal, and the province's switch."""

import html
import io
import re
from datetime import timedelta

import pytest
from docx import Document as Docx

from admin_app.core import clock
from admin_app.documents import AuditEntry
from admin_app.documents.case import Case, MandatoryReport
from admin_app.documents.public_report import PublicReceipt, PublicReport
from admin_app.hardening import limiter
from admin_app.services.cases import public
from tests.conftest import login_as, text
from tests.factories import make_station, make_user

ZHANGZHENG, TONGGUI = "640104100000", "640104200000"
HOSTILE = "打骂 & <script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %}"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@pytest.fixture
def station(users):
    return make_station(ZHANGZHENG, phone="0951-1234567")


def run(app, fn, *args, **kw):
    """A service called as a request would (its keys, audit's request); a fresh context each
    time, so no logged-in user is cached between calls."""
    with app.test_request_context():
        return fn(*args, **kw)


def page_of(app, station):
    return f"/report/{public.token_of(station)}"


def send(client, url, environ_base=None, **form):
    data = {"what": "邻居家孩子天天挨打，晚上哭喊", "where": "春林村三组", **form}
    return client.post(
        url, data=data, content_type="multipart/form-data", environ_base=environ_base or {}
    )


def receipt_of(response) -> str:
    m = re.search(r'id="receipt">([A-Z0-9]+)<', text(response))
    assert m, text(response)
    return m.group(1)


def test_a_report_sent_on_the_public_page_reaches_that_station_and_nowhere_else(
    app, users, station
):
    make_station(TONGGUI)
    anyone = app.test_client()  # no log-in
    form = anyone.get(page_of(app, station))
    assert form.status_code == 200 and "发送报告" in text(form) and "默认匿名" in text(form)
    assert form.headers["Cache-Control"] == "no-store"
    sent = send(anyone, page_of(app, station), child_name="小红", danger_now="1")
    assert sent.status_code == 200 and "报告已送达" in text(sent)
    code = receipt_of(sent)
    report = PublicReport.objects.get()
    assert report.place == ZHANGZHENG and report.status == "new" and report.danger_now
    assert report.anonymous and report.reporter_name_enc is None
    # The inbox of that station, and of those above it; not another township's station.
    clerk = login_as(app, users["station"])
    assert "小红" in text(clerk.get("/public_reports/"))
    home = text(clerk.get("/"))
    assert "【仍有危险】群众报告待受理（扫码" in home
    other = login_as(app, make_user("tg_station", "station", TONGGUI))
    assert "小红" not in text(other.get("/public_reports/"))
    assert other.get(f"/public_reports/details/?id={report.pk}").status_code in (302, 404)
    assert "群众报告待受理" not in text(other.get("/"))
    # The receipt tells the sender only the state.
    status = anyone.post("/report/status", data={"code": code.lower()})
    assert "受理中" in text(status) and "小红" not in text(status) and "春林村" not in text(status)
    assert anyone.post("/report/status", data={"code": "AAAA2222BBBB"}).status_code == 404
    # Nothing about the station is reachable by a guessed address.
    assert anyone.get("/report/not-a-token").status_code == 404
    assert anyone.get(f"/report/{station.pk}").status_code == 404


def test_accepting_opens_the_form_and_the_case_with_24_hours_from_the_sending_time(
    app, users, station, time_travel
):
    anyone = app.test_client()
    send(
        anyone,
        page_of(app, station),
        not_anonymous="1",
        reporter_name="王大姐",
        reporter_contact="13800001111",
        relation="neighbour",
        child_age="约9岁",
    )
    report = PublicReport.objects.get()
    sent_at = report.sent_at
    time_travel.shift(timedelta(hours=5))  # the clerk opens the inbox later
    clerk = login_as(app, users["station"])
    details = text(clerk.get(f"/public_reports/details/?id={report.pk}"))
    assert "王大姐" in details and "13800001111" in details  # the station may see the sender
    r = clerk.post("/public_reports/accept/", data={"id": str(report.pk), "serious": "1"})
    assert r.status_code == 302 and "/cases/details/" in r.headers["Location"]
    case = Case.objects.get()
    assert case.reported_at == sent_at and case.serious_harm
    assert case.first_visit_due == sent_at + timedelta(hours=24)  # not from the acceptance
    assert case.channel == "platform" and case.place == ZHANGZHENG
    form = MandatoryReport.objects.get()
    assert form.case == str(case.pk) and form.reported_at == sent_at
    assert form.reporter_public and form.reporter_name == "王大姐"
    assert form.reporter_identity == "community" and form.child_info.age == 9
    report.reload()
    assert report.status == "accepted" and report.case == str(case.pk)
    # Once accepted it cannot be accepted again (no second case).
    again = clerk.post("/public_reports/accept/", data={"id": str(report.pk)})
    assert again.status_code == 302 and Case.objects.count() == 1
    # The social worker sees the report, but never who sent it.
    worker = text(
        login_as(app, users["social_worker"]).get(f"/public_reports/details/?id={report.pk}")
    )
    assert "13800001111" not in worker and "王大姐" not in worker
    assert AuditEntry.objects(target_type="public_reports", action="update").count() == 1


def test_an_anonymous_report_stays_anonymous_in_its_form(app, users, station):
    send(app.test_client(), page_of(app, station), reporter_name="李四", reporter_contact="139")
    report = PublicReport.objects.get()
    run(app, public.accept, report.pk, users["station"], serious=False)
    form = MandatoryReport.objects.get()
    assert not form.reporter_public and form.reporter_name is None
    assert form.reporter_name_enc and "李四" not in str(form.to_mongo())
    assert Case.objects.get().first_visit_due is None  # not serious: no 24-hour clock


def test_rejecting_needs_a_reason_and_is_audited(app, users, station):
    send(app.test_client(), page_of(app, station))
    report = PublicReport.objects.get()
    clerk = login_as(app, users["station"])
    r = clerk.post("/public_reports/reject/", data={"id": str(report.pk), "reason": ""})
    assert r.status_code == 302
    assert "请选择不予受理的原因" in text(clerk.get(r.headers["Location"]))
    r = clerk.post("/public_reports/reject/", data={"id": str(report.pk), "reason": "other"})
    assert "请注明不予受理的原因" in text(clerk.get(r.headers["Location"]))
    assert PublicReport.objects.get().status == "new"
    clerk.post("/public_reports/reject/", data={"id": str(report.pk), "reason": "spam"})
    report.reload()
    assert report.status == "rejected" and report.reject_reason == "spam"
    entry = AuditEntry.objects(target_type="public_reports", action="update").get()
    assert "不予受理：无效信息或骚扰" in entry.detail and entry.actor == "u_station"
    assert Case.objects.count() == 0


def test_hostile_text_stays_literal_in_the_inbox_the_form_and_its_word_file(app, users, station):
    send(app.test_client(), page_of(app, station), what=HOSTILE, where="<b>村</b>")
    report = PublicReport.objects.get()
    clerk = login_as(app, users["station"])
    page = clerk.get(f"/public_reports/details/?id={report.pk}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert html.escape(HOSTILE, quote=False) in page  # shown as typed, run as nothing
    run(app, public.accept, report.pk, users["station"], serious=False)
    form = MandatoryReport.objects.get()
    assert form.account == HOSTILE
    word = clerk.get(f"/mandatory_reports/word/?id={form.pk}")
    assert word.status_code == 200
    doc = Docx(io.BytesIO(word.data))
    body = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert HOSTILE in body  # not run as a template, not escaped twice


def test_bad_input_keeps_what_was_typed(app, station):
    anyone = app.test_client()
    r = send(anyone, page_of(app, station), what="", child_name="小明")
    assert r.status_code == 400 and "请写一写发生了什么" in text(r) and 'value="小明"' in text(r)
    r = anyone.post(
        page_of(app, station),
        data={"what": "孩子被关在屋里", "photos": (io.BytesIO(b"MZ\x90\x00exe"), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "只能上传 JPG 或 PNG" in text(r) and "孩子被关在屋里" in text(r)
    r = anyone.post(
        page_of(app, station),
        data={
            "what": "孩子被关在屋里",
            "photos": [(io.BytesIO(PNG), f"{i}.png") for i in range(4)],
        },
        content_type="multipart/form-data",
    )
    assert r.status_code == 400 and "最多上传 3 张照片" in text(r)
    assert PublicReport.objects.count() == 0
    ok = anyone.post(
        page_of(app, station),
        data={"what": "孩子被关在屋里", "photos": (io.BytesIO(PNG), "门口.png")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200
    assert len(PublicReport.objects.get().photo_ids) == 1


@pytest.fixture
def public_limits(app):
    limiter.reset()
    before = {k: app.config[k] for k in ("PUBLIC_REPORT_LIMIT", "PUBLIC_STATION_LIMIT")}
    app.config["PUBLIC_REPORT_LIMIT"] = "3 per hour"
    app.config["PUBLIC_STATION_LIMIT"] = "5 per day"
    yield
    app.config.update(before)
    limiter.reset()


def test_rate_limits_hold_per_address_and_per_station(app, station, public_limits):
    url = page_of(app, station)
    one = app.test_client()
    for _ in range(3):
        assert send(one, url).status_code == 200
    refused = send(one, url)
    assert refused.status_code == 429 and "报告过于频繁" in text(refused) and "110" in text(refused)
    assert one.get(url).status_code == 200  # the page still opens (and shows the hotlines)
    other = app.test_client()
    for _ in range(2):  # another address may send, until the station's own limit
        assert send(other, url, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    third = app.test_client()
    r = third.post(url, data={"what": "x"}, environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert r.status_code == 429
    assert PublicReport.objects.count() == 5


def test_the_province_closes_and_opens_the_public_pages(app, users, station):
    province = login_as(app, users["province"])
    assert "关闭全区网上报告页面" in text(province.get("/public_reports/"))
    r = province.post("/public_reports/switch/", data={"open": "0"})
    assert r.status_code == 302
    anyone = app.test_client()
    closed = anyone.get(page_of(app, station))
    assert (
        closed.status_code == 503 and "暂停受理" in text(closed) and "0951-1234567" in text(closed)
    )
    assert send(anyone, page_of(app, station)).status_code == 503
    assert PublicReport.objects.count() == 0
    # Nobody else may switch it.
    for role in ("county", "station"):
        c = login_as(app, users[role])
        assert c.post("/public_reports/switch/", data={"open": "1"}).status_code == 403
    province.post("/public_reports/switch/", data={"open": "1"})
    assert send(anyone, page_of(app, station)).status_code == 200
    assert AuditEntry.objects(detail="网上报告渠道：关闭").count() == 1


def test_a_hotline_call_is_a_work_order_with_its_own_deadline(app, users, station):
    clerk = login_as(app, users["station"])
    came = clock.now() - timedelta(hours=2)
    due = clock.now() + timedelta(hours=6)
    r = clerk.post(
        "/public_reports/call/",
        data={
            "what": "来电称孩子独自在家三天",
            "sent_at": clock.to_local(came).strftime("%Y-%m-%d %H:%M"),
            "due": clock.to_local(due).strftime("%Y-%m-%d %H:%M"),
            "reporter_contact": "13900002222",
        },
    )
    assert r.status_code == 302, text(r)
    report = PublicReport.objects.get()
    assert report.channel == "hotline" and report.created_by == "u_station"
    assert abs((report.sent_at - came).total_seconds()) < 60
    assert abs((report.due - due).total_seconds()) < 60
    case = run(app, public.accept, report.pk, users["station"], serious=True)
    assert case.channel == "hotline" and case.reported_at == report.sent_at
    future = clerk.post(
        "/public_reports/call/",
        data={
            "what": "x",
            "sent_at": clock.to_local(clock.now() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert future.status_code == 400 and 'name="what"' in text(future)
    assert login_as(app, users["county"]).get("/public_reports/call/").status_code == 403


def test_a_township_without_a_station_account_passes_its_reports_to_the_county(app, users):
    with app.test_request_context():
        _passes_to_the_county(app, users)


def _passes_to_the_county(app, users):
    bare = make_station(TONGGUI)  # a station, but no station account in 通贵乡
    send(app.test_client(), f"/report/{public.token_of(bare)}", child_name="小刚")
    county = users["county"]
    shown, total = public.waiting(county)
    assert total == 1 and shown[0].child_name == "小刚"
    assert "群众报告待受理" in text(login_as(app, county).get("/"))
    case = public.accept(shown[0].pk, county, serious=False)
    assert case.place == TONGGUI
    # A township with an account: its reports are its station's, not the county's to-do.
    mine = make_station(ZHANGZHENG)
    send(app.test_client(), f"/report/{public.token_of(mine)}")
    assert public.waiting(county)[1] == 0 and public.waiting(users["station"])[1] == 1


def test_the_qr_code_opens_the_stations_page(app, users, station):
    clerk = login_as(app, users["station"])
    r = clerk.get(f"/public_reports/qr/?station={station.pk}")
    assert r.status_code == 200 and r.mimetype == "image/png" and r.data.startswith(b"\x89PNG")
    assert (
        "网上报告二维码" in r.headers["Content-Disposition"]
        or "%E4" in r.headers["Content-Disposition"]
    )
    station.reload()
    other = login_as(app, make_user("tg_station", "station", TONGGUI))
    assert other.get(f"/public_reports/qr/?station={station.pk}").status_code == 404
    assert station.public_token and len(station.public_token) >= 20


def test_a_receipt_shows_handled_once_rejected_and_nothing_more(app, users, station):
    code = receipt_of(send(app.test_client(), page_of(app, station)))
    report = PublicReport.objects.get()
    run(app, public.reject, report.pk, users["station"], "duplicate")
    assert public.state_of(code) == "已处理"
    assert PublicReceipt.objects.count() == 1 and code not in str(
        PublicReceipt.objects.first().to_mongo()
    )


def test_the_poster_and_the_sign_carry_the_qr_code_of_the_stations_page(app, users, station):
    import zipfile

    clerk = login_as(app, users["station"])
    r = clerk.get(f"/bulletins/report_poster.docx?station={station.pk}")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.data)) as docx:
        images = [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")]
    station.reload()
    expected = public.qr_png(f"http://localhost/report/{station.public_token}")
    assert images == [expected]  # the very code of this station's page
    body = "\n".join(
        p.text for t in Docx(io.BytesIO(r.data)).tables for c in t._cells for p in c.paragraphs
    )
    assert "0951-1234567" in body and "12349" in body
    assert "qr-download" in text(clerk.get("/bulletins/"))
    sign = clerk.get(f"/bulletins/sign.docx?station={station.pk}")  # the station's sign too
    with zipfile.ZipFile(io.BytesIO(sign.data)) as docx:
        assert [docx.read(n) for n in docx.namelist() if n.startswith("word/media/")] == [expected]


def test_every_station_has_its_page_address_from_its_first_save_or_the_migration(app, users):
    """A download of the QR code writes nothing; a station older than issue 15 gets its
    address from `flask migrate` (and keeps it)."""
    from admin_app import migrations
    from admin_app.documents import Station

    new = make_station(TONGGUI)
    assert new.public_token and Station.objects.get(pk=new.pk).public_token == new.public_token
    old = make_station(ZHANGZHENG)
    Station._get_collection().update_one({"_id": old.pk}, {"$unset": {"public_token": ""}})
    db = Station._get_collection().database
    assert "生成网上报告页面地址" in migrations._station_tokens(db)
    token = Station._get_collection().find_one({"_id": old.pk})["public_token"]
    assert token and len(token) >= 20
    migrations._station_tokens(db)  # again: nothing changes
    assert Station._get_collection().find_one({"_id": old.pk})["public_token"] == token
    assert Station._get_collection().find_one({"_id": new.pk})["public_token"] == new.public_token
