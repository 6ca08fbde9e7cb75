"""A bounded load test of the production server on loopback.

    .venv/bin/python scripts/loadtest.py [--clerks 16] [--seconds 60] [--children 300]

Starts gunicorn (admin_app/serving.py) on a fresh embedded database in a temporary
directory, seeds the places, the demo accounts and `--children` archives in 掌政镇, then
lets `--clerks` simulated station clerks work for `--seconds`: the children list, a
child's archive, a search by name, and recording a home visit (each visit carries a
token). Prints requests per second, p50/p95/p99/max per kind, errors, and lost writes: visits
the server acknowledged (302) that are not in the database afterwards (must be 0).
"""

import argparse
import http.cookiejar
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TOWNSHIP = "640104100000"  # 掌政镇, the demo station's township
SURNAMES = "马王李张杨刘金丁田海"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Clerk:
    def __init__(self, base: str, number: int):
        self.base, self.number = base, number
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar), _NoRedirect()
        )
        self.token = ""

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(errors="replace")

    def log_in(self, username: str, password: str) -> None:
        page = self.request("/login")[1]
        self.token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        status, _ = self.request(
            "/login", {"csrf_token": self.token, "username": username, "password": password}
        )
        if status != 302:
            raise SystemExit(f"clerk {self.number}: log-in answered {status}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clerks", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--children", type=int, default=300)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn workers (default: its own)"
    )
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="wbz-load-"))
    port, db_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "MONGODB_"))}
    env.update(
        HOST="127.0.0.1",
        PORT=str(port),
        EMBEDDED_DB_PORT=str(db_port),
        WBZ_DATA_DIR=str(tmp),
        FLASK_APP="admin_app",
        SECRET_KEY=secrets.token_hex(16),
        WBZ_WARM_FIGURES="0",
        WBZ_LOGIN_RATE_LIMIT="1000 per minute",
    )
    if args.workers:
        env["WEB_CONCURRENCY"] = str(args.workers)
    log = open(tmp / "gunicorn.log", "wb")
    master = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:admin_app.serving", "admin_app.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base)
        for command in (["seed", "places"], ["seed", "demo"]):
            subprocess.run(
                [str(ROOT / ".venv/bin/flask"), *command],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        os.environ.update({k: env[k] for k in ("WBZ_DATA_DIR", "EMBEDDED_DB_PORT", "SECRET_KEY")})
        children = _make_children(f"mongodb://127.0.0.1:{db_port}/", args.children)
        results = _run(base, children, args.clerks, args.seconds)
        lost = _lost_writes(f"mongodb://127.0.0.1:{db_port}/", results["acknowledged"])
        _report(results, lost, args)
        return 0 if lost == 0 and not results["errors"] else 1
    finally:
        master.send_signal(signal.SIGTERM)
        try:
            master.wait(timeout=30)
        except subprocess.TimeoutExpired:
            master.kill()
        log.close()


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/ready", timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not become ready")


def _app(uri: str):
    from admin_app import create_app

    return create_app({"MONGODB_URI": uri, "TESTING": True, "SECRET_KEY": os.environ["SECRET_KEY"]})


def _make_children(uri: str, count: int) -> list[str]:
    from admin_app.documents import Child, Place, User
    from admin_app.services.children import archive

    app = _app(uri)
    rnd = random.Random(7)
    with app.app_context():
        clerk = User.objects.get(username="demo_station")
        villages = [v["_id"] for v in Place.children_of(TOWNSHIP, "village")]
        today = __import__("admin_app.core.clock", fromlist=["today"]).today()
        for i in range(count):
            child = Child(
                name=f"{rnd.choice(SURNAMES)}小{i}",
                gender=rnd.choice("MF"),
                birth_date=today.replace(year=today.year - rnd.randint(3, 16), day=1),
                no_id_reason="not_issued",
                categories=["left_behind"],
            )
            archive.create(child, clerk, rnd.choice(villages))
        return [str(c.pk) for c in Child.objects(place_path=TOWNSHIP).only("id")]


def _run(base: str, children: list[str], clerks: int, seconds: float) -> dict:
    timings: dict[str, list[float]] = {"list": [], "details": [], "search": [], "visit": []}
    errors: list[str] = []
    acknowledged: list[str] = []
    lock = threading.Lock()
    from admin_app.core import clock

    today = clock.today().isoformat()
    start = threading.Barrier(clerks + 1)
    stop_at = [0.0]

    def work(number: int):
        rnd = random.Random(number)
        clerk = Clerk(base, number)
        clerk.log_in("demo_station", "Weibao@2026")
        start.wait()
        seq = 0
        while time.monotonic() < stop_at[0]:
            kind = rnd.choices(["list", "details", "search", "visit"], [35, 25, 20, 20])[0]
            child = rnd.choice(children)
            began = time.monotonic()
            if kind == "list":
                status, _ = clerk.request(f"/children/?page={rnd.randint(0, 5)}")
                ok = status == 200
            elif kind == "details":
                status, _ = clerk.request(f"/children/details/?id={child}")
                ok = status == 200
            elif kind == "search":
                status, _ = clerk.request(
                    "/children/?" + urllib.parse.urlencode({"search": rnd.choice(SURNAMES)})
                )
                ok = status == 200
            else:
                seq += 1
                token = f"压测{number}-{seq}"
                status, _ = clerk.request(
                    "/visits/record/",
                    {
                        "csrf_token": clerk.token,
                        "child": child,
                        "visit-date": today,
                        "visit-kind": "regular",
                        "visit-visitors": token,
                        "visit-guardianship": "监护到位",
                    },
                )
                ok = status in (200, 302)  # 200: refused with a message (e.g. a conflict)
                if status == 302:
                    with lock:
                        acknowledged.append(token)
            took = (time.monotonic() - began) * 1000
            with lock:
                timings[kind].append(took)
                if not ok:
                    errors.append(f"{kind} {status}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(clerks)]
    for t in threads:
        t.start()
    start.wait()
    began = time.monotonic()
    stop_at[0] = began + seconds
    for t in threads:
        t.join()
    return {
        "timings": timings,
        "errors": errors,
        "acknowledged": acknowledged,
        "elapsed": time.monotonic() - began,
    }


def _lost_writes(uri: str, tokens: list[str]) -> int:
    from admin_app.documents import VisitBook

    app = _app(uri)
    with app.app_context():
        found = {v.visitors for book in VisitBook.objects.only("visits") for v in book.visits or []}
    return sum(1 for t in tokens if t not in found)


def _report(results: dict, lost: int, args) -> None:
    timings = results["timings"]
    total = sum(len(v) for v in timings.values())
    print(f"\n{args.clerks} clerks, {results['elapsed']:.0f} s, {args.children} archives")
    print(f"{'kind':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind, values in timings.items():
        print(
            f"{kind:<8} {len(values):>8} {percentile(values, 50):>8.0f} "
            f"{percentile(values, 95):>8.0f} {percentile(values, 99):>8.0f} "
            f"{max(values, default=0):>8.0f}"
        )
    every = [x for v in timings.values() for x in v]
    print(
        f"{'all':<8} {total:>8} {percentile(every, 50):>8.0f} {percentile(every, 95):>8.0f} "
        f"{percentile(every, 99):>8.0f} {max(every, default=0):>8.0f}"
    )
    print(f"requests per second: {total / results['elapsed']:.1f}")
    print(f"errors: {len(results['errors'])} {sorted(set(results['errors']))[:5]}")
    print(f"visits acknowledged: {len(results['acknowledged'])}, lost writes: {lost}")
    if every:
        print(f"mean {statistics.mean(every):.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
