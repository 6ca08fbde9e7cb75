"""Idempotent loaders: get-or-create by natural key, deterministic, safe to run again."""

import csv
from datetime import date, timedelta
from pathlib import Path

from admin_app.core import clock
from admin_app.documents import Allocation, Place, StaffMember, Station, User, station_name
from admin_app.documents.constants import (
    CITY,
    COUNTY,
    PROVINCE,
    PROVINCE_CODE,
    PROVINCE_NAME,
    TOWNSHIP,
    VILLAGE,
)

HERE = Path(__file__).resolve().parent
PLACES = HERE / "places"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _county_kind(name: str) -> str:
    return "县级市" if name.endswith("市") else name[-1]


def place_rows() -> list[dict]:
    """Every place from the seed files, parents before children."""
    townships = _read(PLACES / "ningxia_townships.csv")
    units = _read(PLACES / "ningxia_nbs2023_township_like_units.csv")
    villages = _read(PLACES / "ningxia_villages.csv")
    out = [
        dict(
            code=PROVINCE_CODE,
            name=PROVINCE_NAME,
            level=PROVINCE,
            kind="自治区",
            parent=None,
            formal=True,
        )
    ]
    cities, counties = {}, {}
    for t in townships:
        cities[t["city_code"]] = t["city"]
        counties[t["county_code"]] = (t["county"], t["city_code"])
    for code, name in sorted(cities.items()):
        out.append(
            dict(code=code, name=name, level=CITY, kind="市", parent=PROVINCE_CODE, formal=True)
        )
    for code, (name, city) in sorted(counties.items()):
        out.append(
            dict(
                code=code,
                name=name,
                level=COUNTY,
                kind=_county_kind(name),
                parent=city,
                formal=True,
            )
        )
    for t in townships:
        out.append(
            dict(
                code=t["code"],
                name=t["name"],
                level=TOWNSHIP,
                kind=t["type"],
                parent=t["county_code"],
                formal=True,
            )
        )
    for u in units:
        out.append(
            dict(
                code=u["code"],
                name=u["name"],
                level=TOWNSHIP,
                kind="类似乡级单位",
                parent=u["county_code"],
                formal=False,
            )
        )
    for v in villages:
        out.append(
            dict(
                code=v["code"],
                name=v["name"],
                level=VILLAGE,
                kind=v["type"],
                parent=v["township_code"],
                formal=v["township_is_formal"] == "Y",
            )
        )
    return out


def load_places() -> tuple[int, int]:
    """Create missing places (key = code at first load). Returns (created, already there).

    A place already present is left as it is: a later rename or re-code made in the
    app is never undone by loading the seed again.
    """
    collection = Place._get_collection()
    existing = {d["_id"]: d for d in collection.find({}, {"place_path": 1})}
    paths: dict[str, list[str]] = {k: d["place_path"] for k, d in existing.items()}
    new_docs = []
    for row in place_rows():
        key = row["code"]
        path = (paths[row["parent"]] if row["parent"] else []) + [key]
        paths[key] = path
        if key in existing:
            continue
        doc = Place(
            key=key,
            code=row["code"],
            name=row["name"],
            level=row["level"],
            kind=row["kind"],
            parent=row["parent"],
            is_formal=row["formal"],
            place=key,
            place_path=path,
            created_by="seed",
            updated_by="seed",
        )
        doc.sync_scope()
        doc.validate()
        new_docs.append(doc.to_mongo().to_dict())
    for i in range(0, len(new_docs), 500):
        collection.insert_many(new_docs[i : i + 500], ordered=False)
    Place.ensure_indexes()
    Place.forget_cache()
    return len(new_docs), len(existing)


def load_allocation() -> tuple[int, int]:
    """附件1: one row per county. What the plan states is loaded; the split where it is known."""
    created = kept = 0
    for row in _read(HERE / "allocation.csv"):
        key = row["county_code"]
        if Allocation.objects(place=key).first():
            kept += 1
            continue
        a = Allocation(
            plan_total=int(row["plan_total"]),
            target_2023=int(row["target_2023"]) if row["target_2023"] else None,
            target_2024=int(row["target_2024"]) if row["target_2024"] else None,
            note=f"方案附件1原文：{row['source_text']}"
            + ("" if row["target_2023"] else "（原文未区分年份，待县（区）确认分年）"),
            created_by="seed",
            updated_by="seed",
        )
        a.set_place(key)
        a.save()
        created += 1
    return created, kept


DEMO_PASSWORD = "Weibao@2026"
DEMO_USERS = (
    # username, name, role, place code
    ("demo_province", "演示·自治区民政厅", "province", PROVINCE_CODE),
    ("demo_city", "演示·银川市民政局", "city", "640100000000"),
    ("demo_county", "演示·兴庆区民政局", "county", "640104000000"),
    ("demo_station", "演示·掌政镇儿童督导员", "station", "640104100000"),
    ("demo_worker", "演示·掌政镇儿童社工", "social_worker", "640104100000"),
    ("demo_village", "演示·春林村儿童主任", "village", "640104100201"),
    ("demo_county2", "演示·原州区民政局", "county", "640402000000"),
)


DEMO_CHILDREN = (
    # name, gender, age (years, days) today, village code, categories, guardianship, risk,
    # risk reason, frequency. Ages, not birth dates: the demo looks the same on any day
    # (马晓军 always turns 18 within 90 days).
    (
        "马小花",
        "F",
        (11, 90),
        "640104100201",
        ["left_behind"],
        "both_away",
        "medium",
        "",
        "monthly",
    ),
    (
        "王强",
        "M",
        (17, 100),
        "640104100201",
        ["family_difficulty"],
        "inadequate",
        "high",
        "父亲服刑，祖母年迈",
        "biweekly",
    ),
    (
        "李梅",
        "F",
        (14, 135),
        "640104100200",
        ["scattered_orphan", "orphan"],
        "entrusted_insufficient",
        "medium",
        "",
        "monthly",
    ),
    (
        "张浩",
        "M",
        (9, 30),
        "640104100200",
        ["self_difficulty"],
        "normal",
        "low",
        "",
        "quarterly",
    ),
    (
        "马晓军",
        "M",
        (17, 300),
        "640104100201",
        ["de_facto_unsupported"],
        "one_away_other_unable",
        "high",
        "母亲重病无监护能力",
        "weekly",
    ),
)


def _born(years: int, days: int) -> date:
    """The birth date of someone `years` years and `days` days old today."""
    return clock.birthday(clock.today(), -years) - timedelta(days=days)


def _demo_id(birth: date, seq: int, gender: str, area: str = "640104") -> str:
    from stdnum.cn import ric

    digit = seq * 2 + (1 if gender == "M" else 0)
    body = f"{area}{birth:%Y%m%d}{digit:03d}"
    return body + ric.calc_check_digit(body + "0")


def load_demo_children(station_user) -> int:
    """A few archives in 掌政镇 so the demo has something to show (idempotent by name)."""
    from admin_app.documents import Child, Guardian
    from admin_app.services import visits
    from admin_app.services.children import archive

    made = 0
    for seq, (name, gender, age, village, cats, guard, risk, reason, freq) in enumerate(
        DEMO_CHILDREN, 1
    ):
        if Child.objects(name=name, place=village).first():
            continue
        birth = _born(*age)
        child = Child(
            name=name,
            gender=gender,
            birth_date=birth,
            id_number=_demo_id(birth, seq, gender),
            ethnicity="回族" if seq % 2 else "汉族",
            school_status="in_school",
            categories=cats,
            guardianship=guard,
            risk_level=risk,
            risk_reason=reason or None,
            visit_frequency=freq,
            director="demo_village",
            guardians=[
                Guardian(
                    name=name[0] + "大山",
                    relation="father",
                    phone=f"1390000{seq:04d}",
                    situation="migrant_work",
                )
            ],
            created_by="seed",
            updated_by="seed",
        )
        archive.prepare(child, station_user, True, village)
        child.save(force_insert=True)
        archive.after_save(child, station_user, True, {}, note="演示数据")
        visits.make_year_plan(child, clock.today().year, station_user)
        _demo_assessment(child, station_user)
        made += 1
    return made


# Demo assessments (services/assessments): answers of the default indicator list and how
# many days ago; 李梅's is overdue for reassessment, 马晓军 never assessed.
DEMO_ASSESSMENTS = {
    "马小花": ({"g_entrusted_weak": 2, "l_after_school": 2}, 10),
    "王强": ({"g_incapable": 2, "g_entrusted_weak": 2, "l_poverty": 2}, 5),
    "李梅": ({"g_entrusted_weak": 2, "s_struggle": 2}, 100),
    "张浩": ({}, 30),
}


def _demo_assessment(child, user) -> None:
    from admin_app.services import assessments
    from admin_app.services.assessments import scale as scales

    chosen, days = DEMO_ASSESSMENTS.get(child.name, (None, 0))
    if chosen is None:
        return
    items = scales.current().items
    assessments.assess(
        child,
        {
            "assessed_on": clock.today() - timedelta(days=days),
            "assessors": "李娟、马晓燕",
            "answers": {i["code"]: str(chosen.get(i["code"], 0)) for i in items},
            "note": "演示数据",
        },
        user,
    )


def load_demo() -> list[tuple[str, str, str]]:
    """Demo accounts (one per role) and a few stations; returns (user, password, role label)."""
    out = []
    for username, name, role, key in DEMO_USERS:
        user = User.objects(username=username).first()
        if user is None:
            user = User(username=username, display_name=name, role=role, created_by="seed")
            user.set_place(key)
            user.check_role_place()
            user.set_password(DEMO_PASSWORD)
            user.must_change_password = False
            user.save()
        out.append((username, DEMO_PASSWORD, user.role_label, Place.full_name_of(user.place)))
    demo_stations = (
        # township code, status, year, filed, accepted, mode
        ("640104100000", "built", 2023, date(2023, 8, 20), date(2023, 11, 10), "dual"),
        ("640104200000", "built", 2023, date(2023, 8, 25), None, "service_center"),
        ("640104001000", "building", None, None, None, "standalone"),
        ("640402100000", "built", 2024, date(2024, 8, 15), None, "activity_center"),
    )
    for code, status, year, filed, accepted, mode in demo_stations:
        if Place.info(code) is None or Station.objects(place=code).first():
            continue
        s = Station(
            name=station_name(Place.name_of(code)),
            setup_mode=mode,
            sign_hung=status == "built",
            office_rooms=["office", "archive", "conference"] if status == "built" else ["office"],
            service_rooms=["counselling", "recreation", "reading"] if status == "built" else [],
            equipment=["desks", "computer", "printer", "cabinet"]
            if status == "built"
            else ["desks"],
            rules_posted=["rules", "workflow", "duties"] if status == "built" else [],
            staff=[
                StaffMember(
                    name="马晓燕", staff_role="designated", phone="13900000001", full_time=True
                ),
                StaffMember(
                    name="李娟",
                    staff_role="supervisor",
                    phone="13900000002",
                    qualification="assistant",
                ),
            ],
            build_status=status,
            build_year=year,
            filed_date=filed,
            acceptance_date=accepted,
            acceptance_result="passed" if accepted else None,
            phone="0951-0000000",
            created_by="seed",
            updated_by="seed",
            created_at=clock.now(),
        )
        s.set_place(code)
        s.save()
    load_demo_children(User.objects.get(username="demo_station"))
    load_demo_funds(User.objects.get(username="demo_county"))
    load_demo_people(User.objects.get(username="demo_station"))
    load_demo_work(
        User.objects.get(username="demo_station"), User.objects.get(username="demo_village")
    )
    return out


# 工作考核 (issue 16): the half-year's planned visits of four archives on the 10th of each
# month, made the day before except the ones listed (by their place from the last: days
# late, None: not made).
DEMO_LATE = {("王强", 1): 5, ("李梅", 0): None}
DEMO_PENDING = (  # archives a 儿童主任 made: one reviewed, one returned for changes
    ("马丽", "F", (8, 40), "审核通过", ""),
    ("杨明", "M", (12, 200), "退回修改", "请补充监护人联系电话和身份证号码。"),
)


def load_demo_work(station_user, village_user) -> None:
    """Half a year of 掌政镇's work for the 工作考核 page, once: planned visits since the
    half-year began and the visits made, two archives a 儿童主任 made and their review."""
    from admin_app.documents import Child, Guardian, PlannedVisit, VisitBook
    from admin_app.services import visits
    from admin_app.services.children import archive, review
    from admin_app.services.visits.book import _push_plans

    today = clock.today()
    start = date(today.year, 1 if today.month <= 6 else 7, 10)
    dues = [date(start.year, m, 10) for m in range(start.month, start.month + 6)]
    dues = [d for d in dues if d < today - timedelta(days=7)]
    for name in ("马小花", "王强", "李梅", "张浩"):
        child = Child.objects(name=name).first()
        if child is None or any(
            p.note == "演示：本半年计划"
            for p in (VisitBook.objects(pk=str(child.pk)).first() or VisitBook()).plan
        ):
            continue
        _push_plans(
            child, [PlannedVisit(due=d, note="演示：本半年计划", added_by="seed") for d in dues]
        )
        recorder = village_user if child.place == village_user.place else station_user
        for i, due in enumerate(dues):  # in order: a visit fulfils the earliest open plan
            late = DEMO_LATE.get((name, len(dues) - 1 - i), 0)
            if late is None:
                continue
            visits.record_visit(
                child.reload(),
                {
                    "date": due + timedelta(days=late) if late else due - timedelta(days=1),
                    "kind": "regular",
                    "visitors": recorder.display_name,
                    "guardianship": "监护人在家，照料正常（演示数据）",
                },
                recorder,
            )
    for seq, (name, gender, age, decision, comment) in enumerate(DEMO_PENDING, 20):
        if Child.objects(name=name).first():
            continue
        birth = _born(*age)
        child = Child(
            name=name,
            gender=gender,
            birth_date=birth,
            id_number=_demo_id(birth, seq, gender),
            school_status="in_school",
            categories=["left_behind"],
            guardianship="entrusted_insufficient",
            visit_frequency="monthly",
            director=village_user.username,
            guardians=[Guardian(name=name[0] + "奶奶", relation="grandmother", situation="home")],
        )
        archive.prepare(child, village_user, True, village_user.place)
        child.save_new(village_user)
        archive.after_save(child, village_user, True, {}, note="演示数据")
        if decision == "审核通过":
            review.review(child, station_user, "演示数据")
        else:
            review.return_for_changes(child, station_user, comment)


def load_demo_people(station_user) -> None:
    """掌政镇's people register and one training this year with some of them (五(四))."""
    from admin_app.documents.records import PublicityEvent, Worker

    township = "640104100000"
    if Place.info(township) is None or Worker.objects(place=township).first():
        return
    people = []
    for name, role, village, qual, year in (
        ("李娟", "supervisor", None, "assistant", 2021),
        ("马晓燕", "social_worker", None, "intermediate", 2019),
        ("王秀兰", "director", "640104100201", "none", None),
        ("杨建军", "director", "640104100200", "none", None),
        ("海小燕", "volunteer", None, "none", None),
    ):
        w = Worker(name=name, role=role, village=village, qualification=qual, qualified_year=year)
        w.phone = "13900000010"
        w.set_place(township)
        w.save_new(station_user)
        people.append(w)
    event = PublicityEvent(
        held_on=max(date(clock.today().year, 1, 1), clock.today() - timedelta(days=30)),
        kind="director_training",
        location="掌政镇未保站",
        audience="督导员、儿童主任",
        reached=3,
        topics="走访规范与监护状况评估（演示数据）",
        attendees=[str(w.pk) for w in people[:3]],
    )
    event.set_place(township)
    event.save_new(station_user)


def load_demo_funds(county_user) -> None:
    """掌政镇's funds and one purchased service this year (五(三)), once."""
    from admin_app.documents.funds import FundEntry
    from admin_app.services.stations import funds

    township = "640104100000"
    if Place.info(township) is None or FundEntry.objects(place=township).first():
        return
    today = clock.today()
    first = date(today.year, 1, 1)
    for kind, amount, extra, days in (
        ("received", "50000", {"source": "region"}, 20),
        ("received", "20000.50", {"source": "county"}, 10),
        ("spent", "12345.67", {"purpose": "equipment"}, 5),
        ("spent", "3000", {"purpose": "operation"}, 1),
    ):
        on = max(first, today - timedelta(days=days))
        funds.add_entry(
            county_user,
            township,
            {
                "year": today.year,
                "kind": kind,
                "on": on,
                "amount": amount,
                "note": "演示数据",
                **extra,
            },
        )
    funds.add_project(
        county_user,
        township,
        {
            "year": today.year,
            "name": "掌政镇困境儿童关爱服务项目",
            "provider": "宁夏某社会工作服务中心",
            "amount": "80000",
            "start": first,
            "end": date(today.year, 12, 31),
            "content": "个案服务、四点半课堂、监护指导",
        },
    )
