"""Issue 16 (part): 五(四) the people who do the work — a register (督导员, 儿童主任, 社工,
志愿者) with the social-work qualification, the trainings each attended (the training
records gain an attendance list), and who has not been trained this year as a to-do whose
count equals the list it links to."""

from datetime import timedelta

from admin_app.core import clock
from admin_app.documents.records import PublicityEvent, Worker
from admin_app.services import people
from tests.conftest import login_as, text
from tests.factories import make_user

ZHANGZHENG, CHUNLIN, TONGXI = "640104100000", "640104100201", "640104200201"


def add_worker(client, name, role="director", village=CHUNLIN, **kw):
    data = {
        "name": name,
        "role": role,
        "village": village,
        "phone": "13900000000",
        "qualification": "none",
        "active": "y",
        **kw,
    }
    return client.post("/workers/new/", data=data)


def training(client, attendees, kind="director_training", days=3, **kw):
    held = clock.today() - timedelta(days=days)
    data = {
        "held_on": held.isoformat(),
        "kind": kind,
        "location": "掌政镇未保站",
        "audience": "儿童主任",
        "reached": "20",
        "topics": "走访规范",
        "attendees": attendees,
        **kw,
    }
    return client.post("/publicity/new/", data=data)


def test_the_register_and_who_is_not_trained_this_year(app, users):
    clerk = login_as(app, users["station"])
    for name in ("王芳", "李强", "马兰"):
        assert add_worker(clerk, name).status_code == 302, name
    assert (
        add_worker(
            clerk,
            "张社工",
            role="social_worker",
            village="",
            qualification="assistant",
            qualified_year=str(clock.today().year - 2),
        ).status_code
        == 302
    )
    ids = {w.name: str(w.pk) for w in Worker.objects}
    assert len(ids) == 4 and Worker.objects.get(name="王芳").place == ZHANGZHENG
    assert training(clerk, [ids["王芳"], ids["张社工"]]).status_code == 302
    event = PublicityEvent.objects.get()
    assert sorted(event.attendees) == sorted([ids["王芳"], ids["张社工"]])
    # last year's training does not count this year
    last_year = clock.today().replace(year=clock.today().year - 1, month=6, day=1)
    clerk.post(
        "/publicity/new/",
        data={
            "held_on": last_year.isoformat(),
            "kind": "director_training",
            "location": "x",
            "reached": "5",
            "attendees": [ids["李强"]],
        },
    )
    county = login_as(app, users["county"])
    with app.test_request_context():
        n = people.untrained(users["county"]).count()
    assert n == 2
    home = text(county.get("/"))
    assert 'id="todo-untrained"' in home and "2 人" in home
    listing = text(county.get("/workers/?untrained=1"))
    assert (
        "李强" in listing
        and "马兰" in listing
        and "王芳" not in listing
        and "张社工" not in listing
    )
    full = text(county.get("/workers/"))
    assert all(name in full for name in ids)
    assert "助理社会工作师" in full and "春林村委会" in full
    details = text(county.get(f"/publicity/details/?id={event.pk}"))
    assert "王芳（儿童主任）" in details and "张社工（儿童社工）" in details
    # everyone trained: no to-do
    training(clerk, [ids["李强"], ids["马兰"]], kind="staff_training")
    assert 'id="todo-untrained"' not in text(county.get("/"))


def test_the_register_checks_what_is_typed(app, users):
    clerk = login_as(app, users["station"])
    page = text(add_worker(clerk, "王芳", village=""))
    assert "儿童主任请选择服务的村（居）" in page and 'value="王芳"' in page
    page = text(add_worker(clerk, "李强", village=TONGXI))  # a village of another township
    assert "王芳" not in page and Worker.objects.count() == 0
    page = text(
        add_worker(clerk, "马兰", role="social_worker", village="", qualification="intermediate")
    )
    assert "请填写取得社会工作者职业资格的年份" in page
    assert Worker.objects.count() == 0
    add_worker(clerk, "王芳")
    wid = str(Worker.objects.get().pk)
    page = text(training(clerk, [wid], kind="law_policy"))
    assert "只有培训类活动才登记参加培训的人员" in page
    assert PublicityEvent.objects.count() == 0


def test_people_and_attendance_stay_in_their_place(app, users):
    clerk = login_as(app, users["station"])
    add_worker(clerk, "王芳")
    wid = str(Worker.objects.get().pk)
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert "王芳" not in text(other.get("/workers/"))
    assert other.get(f"/workers/details/?id={wid}").status_code in (302, 404)
    # another township's clerk cannot tick someone who is not theirs
    training(other, [wid])
    assert PublicityEvent.objects.count() == 0
    village = login_as(app, users["village"])
    assert village.get("/workers/").status_code == 403


def test_a_training_saved_unchanged_changes_nothing(app, users):
    from werkzeug.datastructures import MultiDict

    from tests.forms import form_data

    clerk = login_as(app, users["station"])
    for name in ("王芳", "李强"):
        add_worker(clerk, name)
    ids = [str(w.pk) for w in Worker.objects.order_by("name")]
    training(clerk, ids)
    event = PublicityEvent.objects.get()
    before = PublicityEvent._get_collection().find_one({"_id": event.pk})
    page = clerk.get(f"/publicity/edit/?id={event.pk}")
    sent = MultiDict(form_data(page.get_data(as_text=True)))
    assert sorted(sent.getlist("attendees")) == sorted(ids)
    resp = clerk.post(f"/publicity/edit/?id={event.pk}", data=sent)
    assert resp.status_code == 302
    assert "内容没有改变" in text(clerk.get(resp.headers["Location"]))
    assert PublicityEvent._get_collection().find_one({"_id": event.pk}) == before
