"""Load test (locust, headless, bounded in time) against two uvicorn processes on
PostgreSQL and Redis.

    pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_load REDIS_URL=redis://127.0.0.1:6379/9 \\
        python bench/load.py [--users 200] [--seconds 60] [--page-seconds 8]

It loads the demo data (or uses what bench/england.py generated), starts
`uvicorn --workers 2`, and runs:

1. a mixed phase: simulated keyworkers signing in, opening their home page, reading
   and searching resources, reading and posting in the forum, booking and cancelling
   consultations, and a delivery lead on the fidelity dashboard; it prints requests per
   second, p50/p95 per page and errors;
2. a capacity phase: every user on one page at a time, then on a trivial Django view
   (the accessibility statement, a template with no queries), for the same time each,
   so each page's throughput is compared with the trivial view's on the same servers.

The last line reads `worst page/trivial = R; errors = E`. It prints figures and
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gevent  # noqa: E402  (locust runs on gevent)
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

PASSWORD = "hub-demo-2025"
TREATMENT = ["ashdown", "brackenmoor", "castlebury", "dunmere", "elmstead", "fernleigh"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()


def prepare() -> str:
    """Migrate, load the demo data, and give the delivery lead a known TOTP secret."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    _django_setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from hub.models import User

    lead = User.objects.get(email="delivery.lead@ift.example")
    Authenticator.objects.filter(user=lead).delete()
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    TOTP.activate(lead, secret)
    return secret


def totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_servers(port: int, workers: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "hub.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("The servers did not start.")


class SignedIn(HttpUser):
    abstract = True
    wait_time = between(0.5, 2)
    email = ""
    secret: str | None = None

    def sign_in(self) -> None:
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF.search(page.text).group(1)
        response = self.client.post(
            "/accounts/login/",
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
        )
        if self.secret and "/2fa/authenticate" in response.url:
            token = CSRF.search(response.text).group(1)
            self.client.post(
                response.url, {"code": totp(self.secret), "csrfmiddlewaretoken": token}, name="sign in: code"
            )

    def csrf(self, html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""


class Keyworker(SignedIn):
    weight = 20

    def on_start(self):
        la = random.choice(TREATMENT)
        self.email = f"keyworker{random.randint(1, 20)}@{la}.example"
        self.sign_in()
        self.tool = None
        self.thread = None

    @task(4)
    def home(self):
        self.client.get("/", name="home")

    @task(4)
    def library(self):
        page = self.client.get("/resources/", name="resources")
        links = re.findall(r'href="(/resources/[\w-]+/[\w-]+/)"', page.text)
        if links:
            self.tool = random.choice(links)

    @task(3)
    def open_resource(self):
        if self.tool:
            self.client.get(self.tool, name="resource page")

    @task(2)
    def search(self):
        self.client.get(
            "/resources/?q=" + random.choice(["genogram", "ecomap", "circular", "family"]), name="search"
        )

    @task(3)
    def forum(self):
        page = self.client.get("/forum/", name="forum")
        boards = re.findall(r'href="(/forum/boards/\d+/)"', page.text)
        if boards:
            board = self.client.get(random.choice(boards), name="forum board")
            threads = re.findall(r'href="(/forum/threads/\d+/)"', board.text)
            if threads:
                self.thread = random.choice(threads)

    @task(3)
    def read_thread(self):
        if self.thread:
            self.client.get(self.thread, name="forum thread")

    @task(1)
    def reply(self):
        if not self.thread:
            return
        page = self.client.get(self.thread, name="forum thread")
        self.client.post(
            self.thread + "reply/",
            {"body": "Thanks, that helps with my families too.", "csrfmiddlewaretoken": self.csrf(page.text)},
            name="forum reply",
        )

    @task(1)
    def book_and_cancel(self):
        page = self.client.get("/reflective/consultations/", name="consultations")
        slots = re.findall(r'href="(/reflective/consultations/times/\d+/book/)"', page.text)
        if not slots:
            return
        url = random.choice(slots)
        form = self.client.get(url, name="book a consultation")
        booked = self.client.post(
            url,
            {"purpose": "Talking through a stuck plan", "csrfmiddlewaretoken": self.csrf(form.text)},
            name="book a consultation",
        )
        match = re.search(r"/reflective/consultations/bookings/(\d+)/", booked.url)
        if match:
            self.client.post(
                booked.url,
                {
                    "action": "cancel",
                    "cancel-reason": "Plans changed",
                    "csrfmiddlewaretoken": self.csrf(booked.text),
                },
                name="cancel a consultation",
            )


class DeliveryLead(SignedIn):
    weight = 1

    def on_start(self):
        self.email = "delivery.lead@ift.example"
        self.secret = os.environ["BENCH_TOTP_SECRET"]
        self.sign_in()

    @task
    def dashboard(self):
        page = self.client.get("/fidelity/", name="fidelity dashboard")
        las = re.findall(r'href="(/fidelity/la/\d+/)"', page.text)
        if las:
            self.client.get(random.choice(las), name="fidelity drill-down")


READY = {"count": 0}


def run(env_users: list, host: str, users: int, seconds: float, warm_up: float = 0) -> Environment:
    """Run the users; with `warm_up` (the longest wait), counting starts only once every
    user has spawned and signed in, so password hashing at sign-in is not measured."""
    env = Environment(user_classes=env_users, host=host, events=events)
    runner = env.create_local_runner()
    READY["count"] = 0
    runner.start(users, spawn_rate=max(users / 5, 1))
    if warm_up:
        waited = 0.0
        while READY["count"] < users and waited < warm_up:
            gevent.sleep(0.5)
            waited += 0.5
        env.stats.reset_all()
    gevent.sleep(seconds)
    runner.quit()
    return env


def one_page_user(path: str, signed_in: bool) -> type:
    class OnePage(Keyworker if signed_in else HttpUser):
        weight = 1
        wait_time = between(0, 0)

        def on_start(self):
            if signed_in:
                Keyworker.on_start(self)
            READY["count"] += 1

        @task
        def hit(self):
            self.client.get(path, name=path)

    OnePage.__name__ = f"Only {path}"
    return OnePage


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--page-seconds", type=float, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--warm-up", type=float, default=120, help="longest wait for everyone to sign in before counting"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the load test runs on the real parts.")
    os.environ["BENCH_TOTP_SECRET"] = prepare()
    os.environ.setdefault("DEBUG", "true")
    port = free_port()
    server = start_servers(port, args.workers)
    host = f"http://127.0.0.1:{port}"
    try:
        print(f"Mixed load: {args.users} people for {args.seconds:.0f} s on {args.workers} server processes")
        env = run([Keyworker, DeliveryLead], host, args.users, args.seconds)
        stats = env.stats
        errors = stats.total.num_failures
        print(f"{'page':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}")
        for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests):
            print(
                f"{entry.name:<28}{entry.num_requests:>9}{entry.total_rps:>8.1f}"
                f"{entry.get_response_time_percentile(0.5):>8.0f}{entry.get_response_time_percentile(0.95):>8.0f}"
                f"{entry.num_failures:>7}"
            )
        print(
            f"{'all':<28}{stats.total.num_requests:>9}{stats.total.total_rps:>8.1f}"
            f"{stats.total.get_response_time_percentile(0.5):>8.0f}"
            f"{stats.total.get_response_time_percentile(0.95):>8.0f}{errors:>7}"
        )

        print(f"\nCapacity: all {args.users} people on one page for {args.page_seconds:.0f} s each")
        pages = [
            ("/accessibility/", False),
            ("/", True),
            ("/resources/", True),
            ("/resources/?q=genogram", True),
            ("/forum/", True),
            ("/reflective/consultations/", True),
        ]
        capacity = {}
        for path, signed_in in pages:
            env = run(
                [one_page_user(path, signed_in)], host, args.users, args.page_seconds, warm_up=args.warm_up
            )
            entry = env.stats.get(path, "GET")
            capacity[path] = entry.total_rps
            errors += entry.num_failures
            print(
                f"{path:<32}{entry.total_rps:>8.1f} req/s  p50 {entry.get_response_time_percentile(0.5):>5.0f} ms"
                f"  p95 {entry.get_response_time_percentile(0.95):>5.0f} ms  errors {entry.num_failures}"
            )
        trivial = capacity.pop("/accessibility/")
        worst_path, worst = min(capacity.items(), key=lambda kv: kv[1])
        print(f"trivial view: {trivial:.1f} req/s; slowest page {worst_path}: {worst:.1f} req/s")
        print(f"worst page/trivial = {worst / trivial:.2f}; errors = {errors}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
