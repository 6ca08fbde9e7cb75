"""Issue 16 (part): guardianship agreements for 农村留守儿童 (三(二)) — where each parent
works, the 受委托监护人 and the agreement date on the archive; an archive without one is a
to-do whose count equals the list it links to; the visit form asks about contact with the
parents since the last visit."""

from datetime import timedelta

from admin_app.core import clock
from admin_app.documents import Child, Guardian
from admin_app.services import visits
from admin_app.services.children import archive
from admin_app.services.figures import todos
from tests.conftest import login_as, text
from tests.factories import make_child

CHUNLIN = "640104100201"


def left_behind(name="马小花", **kw):
    return make_child(
        name=name,
        categories=["left_behind"],
        guardianship="both_away",
        guardians=[
            Guardian(
                name="马建国",
                relation="father",
                situation="migrant_work",
                work_place="浙江省宁波市",
                employer="宁波某电子厂",
            ),
            Guardian(name="马奶奶", relation="entrusted", situation="home"),
        ],
        **kw,
    )


def agree(app, child, user, day):
    child.reload()
    child.care_agreement_date = day
    child.care_agreement_note = "与祖母签订"
    with app.test_request_context():
        archive.prepare(child, user, False, child.place)
        child.save_versioned(user)
        archive.after_save(child, user, False, {})


def test_a_left_behind_child_without_an_agreement_is_a_to_do(app, users):
    clerk = login_as(app, users["station"])
    a, b = left_behind(), left_behind("马小军")
    make_child(name="张浩")  # not left behind: never concerned
    counts = todos.counts(users["station"])
    assert counts["agreement_missing"] == 2
    listing = text(clerk.get("/children/?todo=agreement_missing"))
    assert '<span id="row-count">2</span>' in listing and "张浩" not in listing
    assert 'id="todo-agreement_missing"' in text(clerk.get("/"))
    agree(app, a, users["station"], clock.today() - timedelta(days=3))
    assert todos.counts(users["station"])["agreement_missing"] == 1
    listing = text(clerk.get("/children/?todo=agreement_missing"))
    assert '<span id="row-count">1</span>' in listing and "马小军" in listing
    details = text(clerk.get(f"/children/details/?id={a.pk}"))
    assert "浙江省宁波市" in details and "宁波某电子厂" in details and "委托照护协议" in details
    assert b.pk


def test_the_agreement_is_checked(app, users):
    clerk = login_as(app, users["station"])
    child = left_behind()
    child.care_agreement_date = clock.today() + timedelta(days=1)
    try:
        child.check()
        raise AssertionError("a future date was taken")
    except Exception as exc:  # noqa: BLE001
        assert "不能晚于" in str(exc)
    child.care_agreement_date = clock.today()
    child.guardians = [g for g in child.guardians if g.relation != "entrusted"]
    try:
        child.check()
        raise AssertionError("an agreement without an entrusted carer was taken")
    except Exception as exc:  # noqa: BLE001
        assert "受委托监护人" in str(exc)
    assert clerk.get(f"/children/edit/?id={child.pk}").status_code == 200
    assert "委托照护协议签订日期" in text(clerk.get(f"/children/edit/?id={child.pk}"))


def test_the_visit_form_asks_about_the_parents(app, users):
    clerk = login_as(app, users["station"])
    child = left_behind()
    other = make_child(name="张浩")
    assert 'name="visit-parent_contact"' in text(clerk.get(f"/visits/?child={child.pk}"))
    assert 'name="visit-parent_contact"' not in text(clerk.get(f"/visits/?child={other.pk}"))
    resp = clerk.post(
        "/visits/record/",
        data={
            "child": str(child.pk),
            "visit-date": clock.today().isoformat(),
            "visit-kind": "regular",
            "visit-visitors": "王主任",
            "visit-guardianship": "祖母照料",
            "visit-parent_contact": "rarely",
        },
    )
    assert resp.status_code == 302
    page = text(clerk.get(f"/visits/?child={child.pk}"))
    assert "与外出父母：偶尔联系" in page
    with app.test_request_context():
        try:
            visits.record_visit(
                child,
                {
                    "date": clock.today(),
                    "kind": "regular",
                    "visitors": "王",
                    "guardianship": "x",
                    "parent_contact": "sometimes",
                },
                users["station"],
            )
            raise AssertionError("an unknown answer was taken")
        except Exception as exc:  # noqa: BLE001
            assert "联系情况" in str(exc)
    assert Child.objects.count() == 2
