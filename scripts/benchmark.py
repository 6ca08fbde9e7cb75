#!/usr/bin/env python
"""Load benchmark of the 一人一档 pages on realistic synthetic data.

    .venv/bin/python scripts/benchmark.py [--children 200000] [--visits 1000000]
                                          [--uri MONGODB_URI] [--reps 20] [--no-profile]

Starts a fresh embedded FerretDB in a temporary directory (or, with --uri / MONGODB_URI,
uses a fresh database on that server and drops it at the end), loads the real Ningxia
places, generates children, their histories, 身份证 index entries, visit books and the
township rosters over the 2,912 real villages (deterministic seed), inserts them with raw
pymongo insert_many, then times the pages through Flask's test client for a logged-in
station, county and province user, next to the raw pymongo queries that fetch the same
documents (the floor) and the naive scans a design without rosters would need. A floor
reads what the page must read whether the app keeps it in memory or not: a children's
list, its township rosters; a list of records, the signed-in user, the count and the
page's rows (and the cases its forms link to); a landing page, the very read commands it
sends (replayed raw) plus the stored township figures read whole.
Nothing of the app is changed; everything is printed to stdout.
"""

import argparse
import cProfile
import gc
import io
import os
import pstats
import random
import re
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import bench_records  # noqa: E402
from bson import ObjectId  # noqa: E402
from pymongo import MongoClient, monitoring  # noqa: E402
from stdnum.cn import ric  # noqa: E402

from admin_app.core import clock  # noqa: E402

PASSWORD = "Bench@pass2026"  # noqa: S105 - a throw-away benchmark account
SEED = 20240831
BATCH = 2000

SURNAMES = (
    ("马", 90),
    ("王", 80),
    ("李", 70),
    ("张", 60),
    ("刘", 45),
    ("杨", 35),
    ("田", 20),
    ("陈", 20),
    ("赵", 18),
    ("周", 12),
    ("海", 10),
    ("何", 10),
    ("黄", 10),
    ("吴", 10),
    ("丁", 10),
    ("苏", 10),
    ("韩", 9),
    ("金", 9),
    ("郭", 9),
    ("冯", 8),
    ("高", 8),
    ("罗", 7),
    ("孙", 7),
    ("朱", 7),
    ("胡", 7),
    ("徐", 6),
    ("白", 6),
    ("锁", 5),
    ("拜", 5),
    ("穆", 5),
    ("冶", 4),
    ("纳", 4),
    ("哈", 4),
    ("沙", 4),
    ("虎", 3),
    ("杜", 5),
    ("魏", 5),
    ("宋", 5),
    ("任", 4),
    ("姚", 4),
    ("蒋", 3),
    ("贺", 4),
    ("康", 3),
    ("谢", 3),
    ("曹", 3),
    ("余", 3),
    ("牛", 3),
    ("尚", 2),
    ("常", 3),
)
GIVEN_M = "军伟强磊涛斌浩杰鹏宇晨阳志明建国华飞亮刚俊龙辉文博轩睿泽子豪浩然宇航海福忠学成玉虎"
GIVEN_F = "芳娟敏静丽艳霞燕婷雪梅玲琴萍红慧颖欣怡梓涵雨萱诗琪佳悦嘉欣晓彤兰花秀英翠凤春"
REASONS_HIGH = (
    "父母双方长期外出务工，祖父年迈多病，监护能力明显不足",
    "母亲离家失联，父亲服刑，由年迈祖母照料",
    "家庭经济极度困难，儿童有辍学倾向",
    "儿童患重病，家庭无力承担医疗费用",
    "疑似遭受家庭暴力，需持续跟踪",
)
VISIT_TEXT = {
    "guardianship": (
        "监护人在家，照料正常",
        "祖父母照料，监护基本到位",
        "父母外出务工，由祖母照看，监护能力一般",
        "委托亲属照料，需加强监督",
    ),
    "living": (
        "住房安全，生活用品齐全",
        "家庭收入较低，已申请临时救助",
        "居住条件简陋，冬季取暖不足",
        "衣食住行基本有保障",
    ),
    "study": (
        "按时上学，成绩中等",
        "学习积极，老师反映良好",
        "偶有旷课，已与学校沟通",
        "学龄前，未入园",
        "已辍学，正在劝返",
    ),
    "health": ("身体健康", "有慢性病，按时服药", "视力下降，建议就医", "精神状态良好"),
    "services": (
        "宣讲政策，留下联系方式",
        "协助申请低保",
        "联系学校开展心理辅导",
        "送去学习用品",
        "对接医疗救助",
    ),
}
VILLAGE_COUNT = 2912


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


# --------------------------------------------------------------------------- generation


class Generator:
    """Deterministic synthetic archives over the real villages."""

    def __init__(self, villages: list[dict], places: dict, seed: int):
        self.rng = random.Random(seed)
        self.villages = villages
        self.places = places
        self.today = clock.today()
        self.used_ids: set[str] = set()
        self._area: dict[tuple[str, int], str] = {}
        self.surnames = [s for s, _ in SURNAMES]
        self.surname_w = [w for _, w in SURNAMES]
        # Villages are not all the same size: a lognormal weight each.
        self.village_w = [self.rng.lognormvariate(0, 0.6) for _ in villages]
        self.base_ts = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())

    # ---- small helpers
    def oid(self, i: int, kind: int = 0) -> ObjectId:
        return ObjectId(f"{self.base_ts + i // 100000:08x}{kind:02x}{i:014x}")

    def name(self, gender: str) -> str:
        r = self.rng
        given = GIVEN_M if gender == "M" else GIVEN_F
        n = 1 if r.random() < 0.3 else 2
        return r.choices(self.surnames, self.surname_w)[0] + "".join(
            r.choice(given) for _ in range(n)
        )

    def area_code(self, county_code: str, year: int) -> str:
        """The county's address code, or, for people born before the county existed
        (金凤区 dates from 2002), a code of the same city valid in their birth year."""
        key = (county_code[:6], year)
        if key not in self._area:
            from stdnum import numdb

            db = numdb.get("cn/loc")
            found = county_code[:6]
            cands = [county_code[:6]] + [
                f"{prefix}{k:02d}"
                for prefix in (county_code[:4], "6421", "6422", "6401", "6402")
                for k in range(0, 100)
            ]
            for cand in cands:
                body = f"{cand}{year}0101001"
                try:
                    ric.get_birth_place(body + ric.calc_check_digit(body + "0"))
                except Exception:  # noqa: BLE001, S112 - unknown in that year
                    continue
                found = cand
                break
            del db
            self._area[key] = found
        return self._area[key]

    def id_number(self, county_code: str, birth: date, gender: str) -> str:
        r = self.rng
        area = self.area_code(county_code, birth.year)
        while True:
            seq = r.randrange(0, 100)
            sex_digit = r.choice("13579" if gender == "M" else "02468")
            body = f"{area}{birth:%Y%m%d}{seq:02d}{sex_digit}"
            number = body + ric.calc_check_digit(body + "0")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def phone(self) -> str:
        r = self.rng
        return (
            r.choice(
                ("139", "138", "135", "150", "151", "152", "158", "180", "187", "189", "199", "177")
            )
            + f"{r.randrange(0, 10**8):08d}"
        )

    def birth(self, min_age: int, max_age: int) -> date:
        start = self.today.replace(year=self.today.year - max_age - 1) + timedelta(days=1)
        try:
            end = self.today.replace(year=self.today.year - min_age)
        except ValueError:
            end = self.today - timedelta(days=365 * min_age)
        return start + timedelta(days=self.rng.randrange(0, (end - start).days + 1))

    # ---- one archive
    def child(self, i: int, village: dict):
        from admin_app.documents import Benefit, Child, Guardian

        r = self.rng
        today = self.today
        gender = r.choice("MF")
        birth = self.birth(0, 17)
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        county = village["place_path"][2]
        has_id = r.random() < 0.97
        cats = [
            r.choices(
                (
                    "left_behind",
                    "family_difficulty",
                    "self_difficulty",
                    "migrant",
                    "de_facto_unsupported",
                    "temporary_difficulty",
                    "scattered_orphan",
                    "orphan",
                ),
                (40, 20, 10, 10, 6, 7, 4, 3),
            )[0]
        ]
        if r.random() < 0.15:
            extra = r.choice(("family_difficulty", "self_difficulty", "temporary_difficulty"))
            if extra not in cats:
                cats.append(extra)
        risk = r.choices(("low", "medium", "high"), (82, 14, 4))[0]
        freq = {
            "high": r.choice(("weekly", "biweekly")),
            "medium": "monthly",
            "low": r.choices(("quarterly", "halfyear", "monthly"), (75, 15, 10))[0],
        }[risk]
        if age <= 2:
            school = "preschool"
        elif age <= 5:
            school = r.choices(("kindergarten", "preschool"), (80, 20))[0]
        elif age <= 15:
            school = r.choices(
                ("in_school", "dropped_out", "out_of_school", "suspended"), (95, 2, 2, 1)
            )[0]
        else:
            school = r.choices(("in_school", "graduated", "dropped_out", "other"), (70, 18, 9, 3))[
                0
            ]
        guardianship = (
            "both_away"
            if "left_behind" in cats and r.random() < 0.6
            else r.choices(
                (
                    "normal",
                    "one_away_other_unable",
                    "entrusted_insufficient",
                    "inadequate",
                    "none",
                    "improper",
                ),
                (75, 8, 7, 6, 2, 2),
            )[0]
        )
        surname = None
        guardians = []
        for g in range(r.choices((1, 2, 3), (30, 50, 20))[0]):
            relation = (
                "father",
                "mother",
                r.choice(("grandfather", "grandmother", "relative", "entrusted")),
            )[g]
            if g == 2 and relation in ("grandfather", "grandmother"):
                ggender = "M" if relation == "grandfather" else "F"
                gbirth = self.birth(50, 75)
            else:
                ggender = "M" if relation in ("father", "grandfather") else r.choice("MF")
                if relation == "mother":
                    ggender = "F"
                gbirth = self.birth(24, 50)
            gname = self.name(ggender)
            if relation == "father":
                surname = gname[0]
            situation = (
                "migrant_work"
                if guardianship == "both_away" and g < 2
                else r.choices(
                    ("home", "migrant_work", "incapacitated", "missing", "imprisoned", "deceased"),
                    (75, 15, 4, 2, 2, 2),
                )[0]
            )
            guardians.append(
                Guardian(
                    name=gname,
                    relation=relation,
                    id_number=self.id_number(county, gbirth, ggender) if r.random() < 0.8 else None,
                    phone=self.phone() if r.random() < 0.9 else None,
                    situation=situation,
                    is_guardian=g == 0 or r.random() < 0.5,
                )
            )
        name = self.name(gender)
        if surname:
            name = surname + name[1:]
        benefits = []
        if r.random() < 0.35:
            benefits.append(
                Benefit(
                    kind=r.choice(
                        ("dibao", "dibao", "temporary_aid", "education_aid", "medical_aid")
                    ),
                    status=r.choice(("receiving", "receiving", "applying")),
                    since=self.birth(0, 4),
                )
            )
        if "orphan" in cats or "scattered_orphan" in cats:
            benefits.append(Benefit(kind="orphan_allowance", status="receiving"))
        disability = "none"
        grade = None
        if r.random() < 0.03:
            disability = r.choice(("visual", "hearing", "speech", "physical", "intellectual"))
            grade = r.choice("1234")
        status = r.choices(("active", "moved", "closed", "deceased"), (970, 15, 13, 2))[0]
        pending = r.random() < 0.02
        review_due = today + timedelta(days=r.randrange(-6, 8)) if pending else None
        created = datetime.combine(
            today - timedelta(days=r.randrange(30, 900)), datetime.min.time(), UTC
        )
        child = Child(
            id=self.oid(i),
            name=name,
            gender=gender,
            id_number=self.id_number(county, birth, gender) if has_id else None,
            no_id_reason=None if has_id else r.choice(("no_hukou", "not_issued")),
            birth_date=birth,
            ethnicity=r.choices(
                ("汉族", "回族", "东乡族", "满族", "蒙古族"), (63, 35, 1, 0.5, 0.5)
            )[0],
            hukou_status=r.choices(("local", "resident", "floating", "none"), (88, 6, 5, 1))[0],
            address=f"{village['name']}{r.randrange(1, 12)}组{r.randrange(1, 80)}号",
            school_status=school,
            school_name=(
                f"{village['name'][:2]}小学"
                if 6 <= age <= 12
                else f"{village['name'][:2]}中学"
                if school == "in_school"
                else None
            ),
            disability_kind=disability,
            disability_grade=grade,
            serious_illness=r.random() < 0.02,
            categories=cats,
            guardianship=guardianship,
            guardians=guardians,
            benefits=benefits,
            risk_level=risk,
            risk_reason=r.choice(REASONS_HIGH) if risk == "high" else None,
            visit_frequency=freq,
            director=f"dir_{village['_id']}",
            status=status,
            status_date=today - timedelta(days=r.randrange(1, 300)) if status != "active" else None,
            status_reason={
                "moved": "随父母迁往外省",
                "closed": "情况好转，困境消除",
                "deceased": "因病去世",
            }.get(status),
            review_status="pending" if pending else "reviewed",
            review_due=review_due,
            reviewed_by=None if pending else "station_clerk",
            reviewed_at=None if pending else created,
            place=village["_id"],
            place_path=list(village["place_path"]),
            version=r.randrange(0, 4),
            created_at=created,
            updated_at=created,
            created_by=f"dir_{village['_id']}",
            updated_by=f"dir_{village['_id']}",
        )
        return child, created

    def visit_book(self, i: int, child, n_visits: int):
        """The child's visit book with n visits and a plan; returns (book, next, last)."""
        from admin_app.documents.visit import PlannedVisit, VisitBook, VisitRecord

        r = self.rng
        today = self.today
        step = FREQUENCY_DAYS[child.visit_frequency]  # synthetic spacing only
        # The last visit: within one period before today for most, long ago for ~12%.
        if r.random() < 0.12:
            last = today - timedelta(days=step + r.randrange(1, 120))
        else:
            last = today - timedelta(days=r.randrange(0, step))
        visits, plan = [], []
        day = last
        for k in range(n_visits):
            vid = str(self.oid(i * 64 + k, 2))
            kind = (
                "first"
                if k == n_visits - 1
                else r.choices(("regular", "follow_up", "key_check", "ad_hoc"), (80, 10, 6, 4))[0]
            )
            visits.append(
                VisitRecord(
                    id=vid,
                    date=day,
                    kind=kind,
                    visitors=f"{child.director}、{r.choice(('马', '王', '李', '张'))}社工",
                    guardianship=r.choice(VISIT_TEXT["guardianship"]),
                    living=r.choice(VISIT_TEXT["living"]),
                    study=r.choice(VISIT_TEXT["study"]),
                    health=r.choice(VISIT_TEXT["health"]),
                    services=r.choice(VISIT_TEXT["services"]),
                    risk_level=child.risk_level,
                    next_visit=day + timedelta(days=step),
                    recorded_by=child.director,
                    recorded_at=datetime.combine(day, datetime.min.time(), UTC),
                )
            )
            plan.append(
                PlannedVisit(
                    due=day,
                    kind="regular" if kind != "first" else "first",
                    done_by=vid,
                    added_by=child.director,
                )
            )
            day = day - timedelta(days=max(1, step + r.randrange(-step // 5, step // 5 + 1)))
        visits.reverse()
        plan.reverse()
        if child.status == "active":
            base = last if n_visits else today - timedelta(days=r.randrange(0, step))
            for k in range(r.choice((1, 2))):
                plan.append(
                    PlannedVisit(
                        due=base + timedelta(days=step * (k + 1)),
                        kind="regular",
                        added_by=child.director,
                    )
                )
        open_dates = [p.due for p in plan if not p.done_by]
        book = VisitBook(
            id=str(child.pk), place_path=list(child.place_path), plan=plan, visits=visits
        )
        return (
            book,
            min(open_dates).isoformat() if open_dates else None,
            last.isoformat() if n_visits else None,
        )


# Typical days between visits, for generating a plausible history (the product's own
# rule is calendar periods, core/periods.py).
FREQUENCY_DAYS = {"weekly": 7, "biweekly": 15, "monthly": 30, "quarterly": 91, "halfyear": 182}


def visit_counts(rng, freqs: list[str], total: int) -> list[int]:
    """Split `total` visits over the children, more for the often-visited ones."""
    weight = {"weekly": 6.0, "biweekly": 3.5, "monthly": 1.8, "quarterly": 0.8, "halfyear": 0.5}
    w = [weight[f] * rng.uniform(0.3, 1.7) for f in freqs]
    s = sum(w) or 1.0
    counts = [min(60, int(total * x / s)) for x in w]
    left = total - sum(counts)
    idx = list(range(len(freqs)))
    while left > 0:
        j = rng.choice(idx)
        if counts[j] < 60:
            counts[j] += 1
            left -= 1
    return counts


def load_data(db, n_children: int, n_visits: int, seed: int):
    """Generate and insert everything; returns facts used by the measurements."""
    from admin_app.documents import Place
    from admin_app.services.children import roster

    places = Place._all()
    villages = sorted(
        (p for p in places.values() if p["level"] == "village"), key=lambda p: p["_id"]
    )
    print(
        f"villages: {len(villages)}, townships with villages: "
        f"{len({v['place_path'][3] for v in villages})}"
    )
    gen = Generator(villages, places, seed)
    rng = random.Random(seed + 1)
    assign = rng.choices(range(len(villages)), gen.village_w, k=n_children)
    # Visits per child need the frequency, which is drawn with the child; draw counts in
    # a first pass over frequencies chosen by the same risk mix, then hand them out.
    coll = {
        "children": db["children"],
        "child_history": db["child_history"],
        "child_id_numbers": db["child_id_numbers"],
        "visit_books": db["visit_books"],
        "rosters": db["rosters"],
    }
    t_insert = defaultdict(float)
    n_docs = Counter()
    bytes_docs = Counter()
    rosters: dict[str, dict] = defaultdict(dict)
    t_gen = 0.0
    # The visit split is proportional to a per-child weight; weights use the frequency,
    # so it is computed per batch from a running budget (keeps the total exact).
    visits_left = n_visits
    t0 = time.perf_counter()
    sample_checked = 0
    for start in range(0, n_children, BATCH):
        g0 = time.perf_counter()
        end = min(n_children, start + BATCH)
        kids = []
        for i in range(start, end):
            child, created = gen.child(i, villages[assign[i]])
            kids.append((i, child, created))
        budget = round(n_visits * end / n_children) - (n_visits - visits_left)
        counts = visit_counts(gen.rng, [c.visit_frequency for _, c, _ in kids], budget)
        visits_left -= sum(counts)
        docs = defaultdict(list)
        for (i, child, created), nv in zip(kids, counts, strict=True):
            if sample_checked < 200:
                child.validate()
                child.check()
                sample_checked += 1
            book, next_visit, last_visit = gen.visit_book(i, child, nv)
            if sample_checked <= 200 and i < 200:
                book.validate()
            cdoc = child.synced().to_mongo().to_dict()
            docs["children"].append(cdoc)
            docs["visit_books"].append(book.to_mongo().to_dict())
            hist = [
                {
                    "at": created,
                    "by": child.created_by,
                    "by_name": "村儿童主任",
                    "role": "村（居）儿童主任",
                    "action": "建档",
                    "changes": {},
                    "note": "",
                }
            ]
            if child.review_status == "reviewed":
                hist.append(
                    {
                        "at": created + timedelta(days=2),
                        "by": "station_clerk",
                        "by_name": "未保站督导员",
                        "role": "未保站专门人员/儿童督导员",
                        "action": "审核通过",
                        "changes": {"审核状态": ["待督导员审核", "已审核"]},
                        "note": "",
                    }
                )
            docs["child_history"].append({"_id": str(child.pk), "entries": hist})
            if child.id_number:
                docs["child_id_numbers"].append(
                    {
                        "_id": child.id_number,
                        "child": str(child.pk),
                        "place_path": list(child.place_path),
                    }
                )
            rosters[child.township][str(child.pk)] = {
                **roster.row_of(child),
                "next_visit": next_visit,
                "last_visit": last_visit,
            }
        t_gen += time.perf_counter() - g0
        for name, batch in docs.items():
            n_docs[name] += len(batch)
            if start == 0:
                from bson import encode

                bytes_docs[name] = sum(len(encode(d)) for d in batch) / len(batch)
            s = time.perf_counter()
            coll[name].insert_many(batch, ordered=False)
            t_insert[name] += time.perf_counter() - s
        del docs, kids
        if (start // BATCH) % 10 == 9 or end == n_children:
            el = time.perf_counter() - t0
            print(
                f"  {end:>7} children  {el:7.1f} s  (generate {t_gen:6.1f} s, insert "
                f"{sum(t_insert.values()):6.1f} s)  ~{el / end * n_children:6.0f} s projected",
                flush=True,
            )
    s = time.perf_counter()
    for township, rows in rosters.items():  # the layout of admin_app/services/children/roster.py
        packed, visits = {}, {}
        for cid, r in rows.items():
            packed[cid] = roster._pack(
                {k: v for k, v in r.items() if k not in ("next_visit", "last_visit")}
            )
            visits[cid] = roster._visit_text(r.get("next_visit"), r.get("last_visit"))
        coll["rosters"].insert_one(
            {"_id": township, "rows": packed, "visits": visits, "rebuilt_at": clock.now()}
        )
    t_insert["rosters"] = time.perf_counter() - s
    n_docs["rosters"] = len(rosters)
    total = time.perf_counter() - t0
    print()
    print(f"{'collection':<18}{'docs':>10}{'avg BSON B':>12}{'insert s':>10}{'docs/s':>10}")
    for name in ("children", "child_history", "child_id_numbers", "visit_books", "rosters"):
        b = bytes_docs.get(name)
        if name == "rosters":
            from bson import encode

            sizes = [len(encode({"rows": r})) for r in rosters.values()]
            b = sum(sizes) / len(sizes)
        print(
            f"{name:<18}{n_docs[name]:>10}{b or 0:>12.0f}{t_insert[name]:>10.1f}"
            f"{n_docs[name] / max(t_insert[name], 1e-9):>10.0f}"
        )
    print(f"generation (Python, mongoengine to_mongo): {t_gen:.1f} s")
    print(f"insert total: {sum(t_insert.values()):.1f} s; load total: {total:.1f} s")
    print(f"visits stored: {n_visits - visits_left}")
    sizes = sorted(len(r) for r in rosters.values())
    print(
        f"roster rows per township: min {sizes[0]}, median {sizes[len(sizes) // 2]}, "
        f"max {sizes[-1]} ({len(sizes)} townships)"
    )
    return rosters, gen


# --------------------------------------------------------------------------- measuring


def make_user(username, role, place):
    from admin_app.documents import User

    user = User(username=username, display_name=username, role=role)
    user.set_place(place)
    user.check_role_place()
    user.set_password(PASSWORD)
    user.must_change_password = False
    user.save()
    return user


def measure_import(app, db, client, township: str, n: int) -> dict:
    """Upload an n-row 台账 of new children for the township's largest village through the
    import screen (preview), then import it as the page's script does, chunk by chunk."""
    import io

    from openpyxl import Workbook

    from admin_app.services.children.child_import import TEMPLATE_HEADERS

    villages = Counter(
        d["place_path"][4]
        for d in db["children"].find({"place_path": township}, {"place_path": 1}).limit(2000)
    )
    village = villages.most_common(1)[0][0]
    region = township[:6]
    rng = random.Random(7)
    numbers: list[str] = []
    while len(numbers) < n:
        born = date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 7))
        body = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
        numbers.append(body + ric.calc_check_digit(body + "0"))
        numbers = list(dict.fromkeys(numbers))
    taken = {d["_id"] for d in db["child_id_numbers"].find({"_id": {"$in": numbers}})}
    numbers = [x for x in numbers if x not in taken]
    wb = Workbook()
    ws = wb.active
    ws.append(list(TEMPLATE_HEADERS))
    for i, number in enumerate(numbers):
        row = {"姓名": f"导入{i}", "身份证号码": number, "村（居）代码": village}
        ws.append([row.get(h, "") for h in TEMPLATE_HEADERS])
    buf = io.BytesIO()
    wb.save(buf)
    started = time.perf_counter()
    page = client.post(
        "/child_import/",
        data={"file": (io.BytesIO(buf.getvalue()), "台账.xlsx")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    previewed = time.perf_counter()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    requests, body = 0, {}
    while not body.get("done"):
        requests += 1
        body = client.post(
            "/child_import/confirm/", data={"token": token, "mode": "all", "chunk": "1"}
        ).get_json()
        if "error" in body:
            raise RuntimeError(body["error"])
    done = time.perf_counter()
    return {
        "preview": previewed - started,
        "import": done - previewed,
        "requests": requests,
        "saved": body.get("saved", 0),
    }


class _Commands(monitoring.CommandListener):
    """The database commands sent while `on` (registered before any client is made)."""

    def __init__(self):
        self.on, self.started_at, self.out, self.bodies, self.cursors = False, {}, [], [], {}
        self.thread = None  # only this thread's commands (not the figures keeper's)

    def started(self, event):
        if self.on and threading.get_ident() == self.thread:
            self.bodies.append((event.database_name, dict(event.command), event.request_id))
            body = event.command
            what = {k: body[k] for k in ("filter", "pipeline") if k in body}
            target = f"{body.get(event.command_name)} {str(what)[:110]}"
            self.started_at[event.request_id] = (event.command_name, target)

    def succeeded(self, event):
        cursor = (event.reply or {}).get("cursor") if self.on else None
        if isinstance(cursor, dict) and cursor.get("id"):
            self.cursors[event.request_id] = cursor["id"]
        if event.request_id in self.started_at:
            name, target = self.started_at.pop(event.request_id)
            self.out.append((name, target, event.duration_micros / 1000))

    def failed(self, event):
        self.started_at.pop(event.request_id, None)


COMMANDS = _Commands()
monitoring.register(COMMANDS)


def commands_of(fn) -> list[tuple[str, str, float]]:
    """The database commands `fn` sends, after a warm-up call: (command, target, ms)."""
    fn()
    COMMANDS.out, COMMANDS.bodies, COMMANDS.cursors = [], [], {}
    COMMANDS.thread = threading.get_ident()
    COMMANDS.on = True
    try:
        fn()
    finally:
        COMMANDS.on = False
    return COMMANDS.out


SESSION_KEYS = ("lsid", "$db", "$clusterTime", "$readPreference", "txnNumber")
READS = ("find", "aggregate", "count", "distinct", "getMore", "killCursors")


def replayed(client, fn):
    """A floor for a page that sends many small reads (a landing page's indexed counts):
    the very read commands `fn` sends on a warm request, recorded once and sent again raw
    by pymongo, cursor by cursor as the app read them (the same first batches, the same
    getMores, on the replay's own cursors)."""
    commands_of(fn)
    sent = []
    for database, body, request_id in COMMANDS.bodies:
        name = next(iter(body))
        if name not in READS:
            continue  # writes, sessions
        body = {k: v for k, v in body.items() if k not in SESSION_KEYS}
        sent.append((database, body, COMMANDS.cursors.get(request_id)))

    def run():
        ids, out = {}, []  # the app's cursor id -> the replay's
        for database, body, opened in sent:
            body = dict(body)
            name = next(iter(body))
            if name == "getMore":
                if body["getMore"] not in ids:
                    continue
                body["getMore"] = ids[body["getMore"]]
            elif name == "killCursors":
                body["cursors"] = [ids[c] for c in body["cursors"] if c in ids]
                if not body["cursors"]:
                    continue
            reply = client[database].command(body)
            cursor = reply.get("cursor") or {}
            if opened and cursor.get("id"):
                ids[opened] = cursor["id"]
            out.append(reply)
        return out

    run.commands = len(sent)
    return run


def timed(fn, reps: int, budget_s: float = 40.0, minimum: int = 3):
    """Run fn reps times after one warm-up run, or fewer (never under `minimum`) when
    reps runs would take over budget_s; returns (times ms, note)."""
    times = []
    first = time.perf_counter()
    fn()
    first = time.perf_counter() - first
    n = reps if first * reps <= budget_s else max(minimum, min(reps, int(budget_s / first)))
    if first > budget_s / 2:  # one run of a very slow request is all we can afford
        return [first * 1000], "1 run"
    note = "" if n == reps else f"{n} reps"
    for _ in range(n):
        s = time.perf_counter()
        fn()
        times.append((time.perf_counter() - s) * 1000)
    return times, note


def record_cases(app, db, users, page, base) -> list:
    """(label, role, app, floor, sqlite) of the pages over the audit log, cases, forms and
    work records (scripts/bench_records.py): page 1, a deep page, a filter, and the
    landing page's case figures, for the station, county and province user."""
    from admin_app.services.figures import dashboard_data

    out = []
    depth = {"station": 3, "county": 2, "province": 0}
    level = {"station": "township", "county": "county", "province": "province"}
    for role, user in users.items():
        key = user.place
        scope = {f"scope{depth[role]}": key}
        deep = 10 if role == "station" else 200
        skip = deep * 50
        for label, url, coll, sort, filt, sk, table in (
            ("audit /audit/ page 1", "/audit/", "audit_log", [("at", -1)], {}, 0, "audit"),
            (
                f"audit page {deep + 1}",
                f"/audit/?page={deep}",
                "audit_log",
                [("at", -1)],
                {},
                skip,
                "audit",
            ),
            (
                "audit filter 操作=修改",
                "/audit/?flt0_0=update",
                "audit_log",
                [("at", -1)],
                {"action": "update"},
                0,
                None,
            ),
            ("cases /cases/ page 1", "/cases/", "cases", [("reported_at", -1)], {}, 0, "cases"),
            (
                f"cases page {deep // 10 + 1}",
                f"/cases/?page={deep // 10}",
                "cases",
                [("reported_at", -1)],
                {},
                deep // 10 * 50,
                "cases",
            ),
            (
                "附件7 /referrals/ page 1",
                "/referrals/",
                "referrals",
                [("created_at", -1)],
                {},
                0,
                None,
            ),
            ("宣传培训 page 1", "/publicity/", "publicity_events", [("held_on", -1)], {}, 0, None),
        ):
            counted = not (coll == "audit_log" and role == "province")  # views/audit_log.py
            floor = bench_records.floor_page(
                db, coll, {**scope, **filt}, sort, sk, user_id=user.pk, count=counted
            )
            sqlite_fn = base.page(table, level[role], key, sk) if table else None
            out.append((label, role, page(role, url), floor, *([sqlite_fn] if sqlite_fn else [])))

        def figures(user=user):
            with app.test_request_context():  # the figures carry their list's URL
                return dashboard_data._cases(user, clock.today())

        out.append(
            (
                "landing page case figures",
                role,
                figures,
                replayed(db.client, figures),  # its counts: by step, class and month
                base.case_figures(level[role], key),
            )
        )
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--children", type=int, default=200000)
    ap.add_argument("--visits", type=int, default=1000000)
    ap.add_argument("--uri", default=os.environ.get("MONGODB_URI"))
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--naive-reps", type=int, default=3)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--audit", type=int, default=3000000, help="audit log entries")
    ap.add_argument("--cases", type=int, default=50000, help="cases, each with 附件5/6/7")
    ap.add_argument("--records", type=int, default=30000, help="work records (宣传培训)")
    ap.add_argument("--import-rows", type=int, default=5000, help="rows of the timed 台账 import")
    ap.add_argument(
        "--scale", type=float, default=1.0, help="multiply every size (0.05 for a quick run)"
    )
    args = ap.parse_args()
    for size in ("children", "visits", "audit", "cases", "records"):
        setattr(args, size, max(1, int(getattr(args, size) * args.scale)))
    t_start = time.perf_counter()

    import mongoengine
    from argon2 import PasswordHasher

    from admin_app import create_app, indexes
    from admin_app.db import EmbeddedServer
    from admin_app.documents import Place
    from admin_app.documents import user as user_module
    from admin_app.services.figures import todos
    from seed.loaders import load_places

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    user_module._hasher, user_module._DUMMY_HASH = fast, fast.hash("no-such-user-password")

    server, tmp = None, None
    if args.uri:
        uri = args.uri
        backend = f"MongoDB-compatible server at {uri.split('@')[-1]}"
    else:
        tmp = tempfile.mkdtemp(prefix="wbz-bench-")
        server = EmbeddedServer(str(ROOT / "var" / "bin" / "ferretdb-embedded"), tmp, free_port())
        uri = server.start()
        backend = f"embedded FerretDB (SQLite) in {tmp}"
    name = f"bench_{uuid.uuid4().hex[:10]}"
    print(f"backend: {backend}; database {name}")
    print(
        f"children {args.children}, visits {args.visits}, audit entries {args.audit}, "
        f"cases {args.cases} (each with 附件5, 附件6, 附件7), work records {args.records}, "
        f"seed {args.seed}, python {sys.version.split()[0]}, {os.cpu_count()} cpus"
    )
    client = MongoClient(uri)
    db = client[name]
    try:
        app = create_app(
            {
                "MONGODB_URI": uri,
                "MONGODB_DB": name,
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
                "TESTING": True,
            }
        )
        with app.app_context():
            s = time.perf_counter()
            created, _ = load_places()
            print(f"places loaded: {created} in {time.perf_counter() - s:.1f} s")
            print()
            print("== load ==")
            rosters, gen = load_data(db, args.children, args.visits, args.seed)
            gc.collect()
            places = Place._all()
            s = time.perf_counter()
            audit_rows, case_rows = bench_records.load(
                db, places, args.audit, args.cases, args.records, args.seed
            )
            print(
                f"audit {args.audit}, cases {args.cases} (+forms, referrals), work records "
                f"{args.records} inserted in {time.perf_counter() - s:.1f} s"
            )
            s = time.perf_counter()
            indexes.create_all(db)
            print(f"indexes (flask create-indexes) built in {time.perf_counter() - s:.1f} s")
            s = time.perf_counter()
            sqlite_base = bench_records.SqliteBaseline(audit_rows, case_rows)
            audit_rows = case_rows = None
            print(f"SQLite baseline table built in {time.perf_counter() - s:.1f} s")
            # The county with the most children, its largest township, the province.
            per_county = Counter()
            for t, rows in rosters.items():
                per_county[places[t]["place_path"][2]] += len(rows)
            county = per_county.most_common(1)[0][0]
            township = max(
                (t for t in rosters if places[t]["place_path"][2] == county),
                key=lambda t: len(rosters[t]),
            )
            province = places[county]["place_path"][0]
            users = {
                "station": make_user("bench_station", "station", township),
                "county": make_user("bench_county", "county", county),
                "province": make_user("bench_province", "province", province),
            }
            size = {
                "station": len(rosters[township]),
                "county": per_county[county],
                "province": sum(len(r) for r in rosters.values()),
            }
            scope_townships = {
                "station": [township],
                "county": [t for t in rosters if places[t]["place_path"][2] == county],
                "province": list(rosters),
            }
            print()
            print(
                f"station user: {Place.full_name_of(township)} ({township}), "
                f"{size['station']} children"
            )
            print(
                f"county user:  {Place.full_name_of(county)} ({county}), "
                f"{size['county']} children in {len(scope_townships['county'])} townships"
            )
            print(
                f"province user: {size['province']} children in "
                f"{len(scope_townships['province'])} townships"
            )
            detail_ids = list(rosters[township])[: max(args.reps + 1, 25)]
            # The township's largest village: what a phone downloads for visits (走访（手机）).
            village_of = Counter(r["village"] for r in rosters[township].values())
            big_village, village_size = village_of.most_common(1)[0]
            village_ids = [c for c, r in rosters[township].items() if r["village"] == big_village]
            id_number = next(r["id_number"] for r in rosters[township].values() if r["id_number"])
            surname = Counter(r["name"][0] for r in rosters[township].values()).most_common(3)[2][0]
            rosters = None
            gc.collect()

        clients = {}
        for role, user in users.items():
            c = app.test_client()
            r = c.post("/login", data={"username": user.username, "password": PASSWORD})
            if r.status_code != 302:
                raise RuntimeError(f"log-in as {role} failed: HTTP {r.status_code}")
            clients[role] = c

        def page(role, url):
            c = clients[role]

            def run():
                r = c.get(url)
                if r.status_code != 200:
                    raise RuntimeError(f"{url} as {role}: HTTP {r.status_code}")
                return r

            return run

        coll_roster, coll_children = db["rosters"], db["children"]

        def roster_floor(role):
            ts = scope_townships[role]
            return lambda: [coll_roster.find_one({"_id": t}) for t in ts]

        detail_cycle = iter(range(10**9))

        def detail_url():
            return f"/children/details/?id={detail_ids[next(detail_cycle) % len(detail_ids)]}"

        def detail_page():
            url = detail_url()
            r = clients["station"].get(url)
            if r.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {r.status_code}")

        floor_cycle = iter(range(10**9))

        def detail_floor():
            cid = detail_ids[next(floor_cycle) % len(detail_ids)]
            coll_children.find_one({"_id": ObjectId(cid)})
            db["child_history"].find_one({"_id": cid})
            db["visit_books"].find_one({"_id": cid})

        def todo(role):
            user = users[role]

            def run():
                with app.app_context():
                    return todos.counts(user)

            return run

        def todo_cold(role):
            """The first to-do count of a new day: the clock moved a day on (figures
            stored on an earlier day serve it, services/figures/summaries.py)."""
            import time_machine

            user = users[role]
            days = iter(range(1, 10**6))

            def run():
                later = clock.now() + timedelta(days=next(days) % 90 + 1)
                with time_machine.travel(later, tick=False), app.app_context():
                    return todos.counts(user)

            return run

        def todo_changed(role):
            """The to-do count just after a save in the county's largest township (the
            station user's), before the keeper thread computed its figures (the reader
            computes that township)."""
            from admin_app.services.children import roster

            user = users[role]
            largest = scope_townships["station"][0]

            def run():
                with app.app_context():
                    roster._touch([largest])
                    return todos.counts(user)

            return run

        def both(*floors):
            return lambda: [f() for f in floors]

        def summary_floor(role):
            ts = scope_townships[role]
            if len(ts) > 30:
                return lambda: list(db["roster_summaries"].find({}))
            return lambda: [db["roster_summaries"].find_one({"_id": t}) for t in ts]

        def appraisal_floor(role, first=False):
            """What 工作考核 must read per township: the roster and its 工作考核 ledger
            (services/appraisal/ledger.py); the first read ever, the visit books and the
            histories of its archives instead (the ledger is built from them)."""
            ts = scope_townships[role]

            def run():
                for t in ts:
                    doc = coll_roster.find_one({"_id": t}, {"rows": 1}) or {}
                    if not first:
                        db["work_ledgers"].find_one({"_id": t}, {"form": 1})
                        db["work_ledgers"].find_one({"_id": t})
                        list(db["work_ledger_entries"].find({"township": t}, {"entry": 1}))
                        continue
                    ids = list(doc.get("rows", {}))
                    list(db["visit_books"].find({"_id": {"$in": ids}}, {"plan": 1, "visits": 1}))
                    list(db["child_history"].find({"_id": {"$in": ids}}, {"entries": 1}))

            return run

        def appraisal_cold(role, first=False):
            """The 工作考核 page with nothing kept (the first reader after a change), or
            the first read ever (its ledger built too)."""
            shown = page(role, "/appraisal/")
            ts = scope_townships[role]

            def run():
                db["appraisal_figures"].delete_many({"_id": {"$regex": f"^({'|'.join(ts)})"}})
                if first:
                    db["work_ledgers"].delete_many({"_id": {"$in": list(ts)}})
                    db["work_ledger_entries"].delete_many({"township": {"$in": list(ts)}})
                return shown()

            return run

        def appraisal_kept_floor(role):
            """What the page must read when its figures are kept: per township the roster's
            token and the kept figures."""
            ts = scope_townships[role]

            def run():
                for t in ts:
                    db["roster_summaries"].find_one({"_id": t}, {"token": 1})
                    db["appraisal_figures"].find_one({"_id": {"$regex": f"^{t}"}})

            return run

        save_cycle = iter(range(10**9))

        def save_archive():
            """What an edit writes: the version-checked archive, then its roster row."""
            from admin_app.documents import Child
            from admin_app.services.children import roster

            cid = detail_ids[next(save_cycle) % len(detail_ids)]
            with app.app_context():
                child = Child.objects.get(pk=cid)
                expected = child.version or 0
                child.address = f"基准测试 {clock.now():%H%M%S%f}"
                child.version = expected + 1
                child.save(save_condition={"version": expected})
                roster.put(child)

        packed = coll_roster.find_one({"_id": township})["rows"]
        packed = {cid: packed[cid] for cid in detail_ids}

        def save_floor():
            cid = detail_ids[next(save_cycle) % len(detail_ids)]
            coll_children.update_one({"_id": ObjectId(cid)}, {"$inc": {"version": 1}})
            coll_roster.update_one({"_id": township}, {"$set": {f"rows.{cid}": packed[cid]}})

        def id_floor():
            entry = db["child_id_numbers"].find_one({"_id": id_number})
            coll_roster.find_one({"_id": entry["place_path"][3]})

        # Sanity: what the filtered pages really show.
        from admin_app.views.children import ChildView

        risk_idx = next(i for i, f in enumerate(ChildView.column_filters) if f.key == "risk")

        def field_floor():
            """What the phone's list must read: the township roster and the versions."""
            coll_roster.find_one({"_id": township})
            list(
                coll_children.find(
                    {"_id": {"$in": [ObjectId(c) for c in village_ids[:500]]}}, {"version": 1}
                )
            )

        print(f"phone list: {Place.full_name_of(big_village)}, {village_size} children")
        cases = [
            (
                "phone list /field/api/register (largest village)",
                "station",
                page("station", f"/field/api/register?village={big_village}"),
                field_floor,
            ),
            ("list /children/", "station", page("station", "/children/"), roster_floor("station")),
            ("list /children/", "county", page("county", "/children/"), roster_floor("county")),
            (
                "list ?area=<largest township>",
                "county",
                page("county", f"/children/?area={township}"),
                roster_floor("station"),
            ),
            (
                "list /children/ (county chooser)",
                "province",
                page("province", "/children/"),
                summary_floor("province"),
            ),
            (
                "list ?area=<largest county>",
                "province",
                page("province", f"/children/?area={county}"),
                roster_floor("county"),
            ),
            (
                "search full 身份证, no area",
                "province",
                page("province", f"/children/?search={id_number}"),
                id_floor,
            ),
            (
                f"filter risk=high (?flt0_{risk_idx}=high)",
                "station",
                page("station", f"/children/?flt0_{risk_idx}=high"),
                roster_floor("station"),
            ),
            (
                f"filter risk=high (?flt0_{risk_idx}=high)",
                "county",
                page("county", f"/children/?flt0_{risk_idx}=high"),
                roster_floor("county"),
            ),
            (
                "todo=visit_overdue",
                "station",
                page("station", "/children/?todo=visit_overdue"),
                roster_floor("station"),
            ),
            (
                f"search ?search={surname}",
                "station",
                page("station", f"/children/?search={surname}"),
                roster_floor("station"),
            ),
            (
                f"search ?search={surname}",
                "county",
                page("county", f"/children/?search={surname}"),
                roster_floor("county"),
            ),
            (
                "page 50 (?page=49)",
                "county",
                page("county", "/children/?page=49"),
                roster_floor("county"),
            ),
            (
                "sort next_visit, page 50",
                "county",
                page("county", "/children/?sort=11&page=49"),
                roster_floor("county"),
            ),
            ("details /children/details/", "station", detail_page, detail_floor),
            ("save an archive (version-checked + roster row)", "station", save_archive, save_floor),
            ("todos.counts()", "station", todo("station"), roster_floor("station")),
            (
                "todos.counts() first of the day",
                "county",
                todo_cold("county"),
                summary_floor("county"),
            ),
            ("todos.counts() cached", "county", todo("county"), summary_floor("county")),
            (
                "todos.counts() after a save, keeper not yet",
                "county",
                todo_changed("county"),
                summary_floor("county"),
            ),
            (
                "todos.counts() first of the day",
                "province",
                todo_cold("province"),
                summary_floor("province"),
            ),
            ("todos.counts() cached", "province", todo("province"), summary_floor("province")),
            (
                "landing page / (figures)",
                "station",
                page("station", "/"),
                both(replayed(client, page("station", "/")), roster_floor("station")),
            ),
            (
                "landing page / (figures)",
                "county",
                page("county", "/"),
                both(replayed(client, page("county", "/")), summary_floor("county")),
            ),
            (
                "landing page / (figures)",
                "province",
                page("province", "/"),
                both(replayed(client, page("province", "/")), summary_floor("province")),
            ),
        ]
        page("county", "/appraisal/")()  # the county's kept figures (a first read: below)
        cases += [
            (
                "工作考核 /appraisal/ first read ever",
                "station",
                appraisal_cold("station", first=True),
                appraisal_floor("station", first=True),
            ),
            (
                "工作考核 /appraisal/ after a change",
                "station",
                appraisal_cold("station"),
                appraisal_floor("station"),
            ),
            (
                "工作考核 /appraisal/ kept",
                "county",
                page("county", "/appraisal/"),
                appraisal_kept_floor("county"),
            ),
            (
                "工作考核 /appraisal/ after a change",
                "county",
                appraisal_cold("county"),
                appraisal_floor("county"),
            ),
        ]
        cases += record_cases(app, db, users, page, sqlite_base)
        # Check the pages show what they should before timing them. Outside any app
        # context: requests inside one share `g`, and flask-login caches the user there
        # (the county's page 50 once showed the station's rows that way).
        print()
        print("== sanity ==")
        for url, role in (
            ("/children/", "station"),
            (f"/children/?flt0_{risk_idx}=high", "station"),
            ("/children/?page=49", "county"),
            (f"/children/?search={surname}", "station"),
            (f"/children/?search={id_number}", "province"),
            (f"/children/?area={county}&page=3", "province"),
        ):
            resp = clients[role].get(url)
            body = resp.get_data(as_text=True)
            rows = body.count('class="list-buttons-column"')
            found = re.search(r'<span id="row-count">(\d+)</span>', body)
            rows = f"{rows} of {found.group(1) if found else '?'}"
            highs = body.count("高风险")
            print(
                f"  {role:<8} {url:<40} HTTP {resp.status_code}, rows on page {rows:>9}, "
                f"'高风险' cells {highs}"
            )
        with app.app_context():
            print(f"  to-dos station: {todos.counts(users['station'])}")
            print(f"  to-dos county:  {todos.counts(users['county'])}")

        print()
        print("== what the server does with the queries (explain; FerretDB reports pushdown) ==")
        some_id = ObjectId(detail_ids[0])
        for label, cmd in (
            (
                "children find {_id} limit 1 (raw floor)",
                {"find": "children", "filter": {"_id": some_id}, "limit": 1, "singleBatch": True},
            ),
            (
                "children find {place_path, _id} sort name limit 1 (ScopedModelView.get_one)",
                {
                    "find": "children",
                    "filter": {"place_path": township, "_id": some_id},
                    "sort": {"name": 1},
                    "limit": 1,
                },
            ),
            (
                "rosters find {_id} limit 1 (roster.rows_for)",
                {"find": "rosters", "filter": {"_id": township}, "limit": 1, "singleBatch": True},
            ),
            (
                "visit_books find {_id} limit 1 (mongoengine .first(), visits_book.visit_dates)",
                {"find": "visit_books", "filter": {"_id": detail_ids[0]}, "limit": 1},
            ),
        ):
            try:
                ex = db.command("explain", cmd)
                keys = {
                    k: ex[k] for k in ("filterPushdown", "sortPushdown", "limitPushdown") if k in ex
                }
                plan = ex.get("queryPlanner", {}).get("Plan") or ex.get("queryPlanner", {}).get(
                    "winningPlan", {}
                ).get("stage")
                print(f"  {label}: {keys or ''} plan {plan}")
            except Exception as exc:  # noqa: BLE001
                print(f"  {label}: explain failed: {exc}")
        print(f"  load average now: {os.getloadavg()}")
        print()
        print(
            f"== timings (ms; {args.reps} repetitions unless noted; server time = around "
            f"test_client().get) =="
        )
        results = []
        failures = []
        for label, role, fn, floor, *base in cases:
            try:
                app_t, note = timed(fn, args.reps)
            except Exception as exc:  # noqa: BLE001 - report and go on with the others
                msg = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
                failures.append((label, role, f"{type(exc).__name__}: {msg}"))
                print(f"  {label:<36} {role:<9} FAILED: {type(exc).__name__}: {msg}", flush=True)
                continue
            floor_t, fnote = timed(floor, args.reps)
            sqlite_t = timed(base[0], args.reps)[0] if base else None
            results.append((label, role, app_t, note, floor_t, fnote, sqlite_t))
            print(
                f"  {label:<36} {role:<9} app {statistics.median(app_t):9.1f}  "
                f"floor {statistics.median(floor_t):9.1f}"
                + (f"  sqlite {statistics.median(sqlite_t):7.2f}" if sqlite_t else ""),
                flush=True,
            )

        naive = []
        for role, key in (("station", township), ("county", county), ("province", province)):
            for label, fn in (
                (
                    "naive find(place_path).sort(name).limit(50)",
                    lambda key=key: list(
                        coll_children.find({"place_path": key}).sort("name").limit(50)
                    ),
                ),
                (
                    "naive count_documents(place_path)",
                    lambda key=key: coll_children.count_documents({"place_path": key}),
                ),
            ):
                if role == "province" and "find" in label:
                    continue
                times, _ = timed(fn, args.naive_reps, budget_s=45.0, minimum=1)
                naive.append((label, role, times))
                print(f"  {label:<46} {role:<9} {statistics.median(times):9.1f}", flush=True)

        imported = measure_import(app, db, clients["station"], township, args.import_rows)

        print()
        print("== results ==")
        print(
            f"{'page':<38}|{'user':<9}|{'app median ms':>14}|{'app p95 ms':>11}|"
            f"{'floor median ms':>16}|{'app/floor':>10}|{'sqlite ms':>10}|{'app/sqlite':>11}| note"
        )
        for label, role, app_t, note, floor_t, fnote, sqlite_t in results:
            am, fm = statistics.median(app_t), statistics.median(floor_t)
            sm = statistics.median(sqlite_t) if sqlite_t else None
            notes = ", ".join(
                x for x in (f"app {note}" if note else "", f"floor {fnote}" if fnote else "") if x
            )
            print(
                f"{label:<38}|{role:<9}|{am:>14.1f}|{pct(app_t, 0.95):>11.1f}|"
                f"{fm:>16.1f}|{am / fm if fm else float('nan'):>10.1f}|"
                + (
                    f"{sm:>10.2f}|{am / sm if sm else float('nan'):>11.0f}|"
                    if sm
                    else f"{'':>10}|{'':>11}|"
                )
                + f" {notes}"
            )
        for label, role, msg in failures:
            print(f"{label:<38}|{role:<9}| FAILED: {msg}")
        print()
        print(
            f"import of a {args.import_rows}-row 台账 into the station's township (station user): "
            f"preview {imported['preview']:.1f} s, import {imported['import']:.1f} s in "
            f"{imported['requests']} requests, {imported['saved']} saved"
        )
        print()
        print(f"naive scans on the children collection ({args.naive_reps} repetitions each):")
        print(f"{'query':<46}|{'scope':<9}|{'median ms':>10}|{'max ms':>9}")
        for label, role, times in naive:
            print(f"{label:<46}|{role:<9}|{statistics.median(times):>10.1f}|{max(times):>9.1f}")

        if not args.no_profile:
            print()
            print("== the database commands of one province landing page (server time) ==")
            for name, target, took in commands_of(page("province", "/")):
                print(f"  {took:8.1f} ms  {name} {target}")
            print()
            print("== profiles (one request each, own time, top 22) ==")
            for label, fn in (
                ("province landing page /", page("province", "/")),
                ("station audit page 11", page("station", "/audit/?page=10")),
                ("station audit filter 操作=修改", page("station", "/audit/?flt0_0=update")),
                ("county 附件7 list", page("county", "/referrals/")),
                ("county landing page /", page("county", "/")),
                ("county list /children/", page("county", "/children/")),
                ("province todos.counts() first of the day", todo_cold("province")),
                ("station details", detail_page),
            ):
                prof = cProfile.Profile()
                prof.enable()
                try:
                    fn()
                except Exception as exc:  # noqa: BLE001
                    print(f"-- {label}: FAILED: {type(exc).__name__}")
                    continue
                finally:
                    prof.disable()
                out = io.StringIO()
                pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(22)
                text = out.getvalue()
                lines = [ln for ln in text.splitlines() if ln.strip()]
                print(f"-- {label}")
                print("\n".join(lines[:30]))
        print()
        print(f"load average at the end: {os.getloadavg()} (other processes share the 2 cores)")
        print(f"total run time: {time.perf_counter() - t_start:.0f} s")
        return 0
    finally:
        mongoengine.disconnect()
        if args.uri:
            client.drop_database(name)
        client.close()
        if server:
            server.stop()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
