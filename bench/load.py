"""Load test (locust, headless, bounded in time) against two uvicorn processes on
PostgreSQL and Redis, configured as in production (DEBUG off, behind a proxy).

    pip install -e '.[bench]'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_load REDIS_URL=redis://127.0.0.1:6379/9 \\
        python bench/load.py [--users 200] [--seconds 60] [--page-seconds 10]

It loads the demo data, starts
`uvicorn --workers 2`, and runs three phases:

1. sign-in: every simulated person signs in through the real sign-in form (with a
   TOTP code where the role needs one). Each person comes from their own address, as
   the reverse proxy reports it in X-Forwarded-For (`TRUSTED_PROXY_COUNT=1`), so the
   per-address sign-in limit applies per person, as it would in production;
2. a mixed phase: keyworkers of the treatment arm opening their home page, reading and
   searching resources, reading and posting in the forum, booking and cancelling
   consultations; control-arm keyworkers on their home page and their own data; systemic
   practitioners on their sessions and consultations; and the delivery lead on the
   fidelity dashboard. It prints requests per second, p50/p95 per page and errors;
3. a capacity phase: every person on a trivial Django view (the accessibility
   statement, not signed in: a template with no queries), then on the same page signed
   in (what any signed-in request costs: session, person, roles, menus), then on each
   page in turn, for the same time each, so each page's throughput is compared with the
   trivial view's on the same servers.

People keep the session they signed in with, so phases 2 and 3 measure the pages, not
password hashing. The last line reads `worst page/trivial = R; errors = E`. It prints
figures and asserts nothing about time.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import re
import subprocess
import sys
import time
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import gevent  # noqa: E402  (locust runs on gevent)
from locust import between, events, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpUser  # noqa: E402
from locust.env import Environment  # noqa: E402

from bench import servers  # noqa: E402

PASSWORD = "hub-demo-2025"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TREATMENT = ["ashdown", "brackenmoor", "castlebury", "dunmere", "elmstead", "fernleigh"]
CONTROL = ["greyhaven", "hollowford", "ivybridgevale", "junipercross", "kingsmead", "larkhill"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

#: The servers run as in production (bench/servers.py), behind one proxy that sets
#: X-Forwarded-For.
SERVER_ENV = {"TRUSTED_PROXY_COUNT": "1"}


def _django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()


def people(count: int) -> list[tuple[str, str]]:
    """(kind, email) for each simulated person: mostly treatment-arm keyworkers, some
    control-arm keyworkers, the systemic practitioners and the delivery lead."""
    treatment = [f"keyworker{n}@{la}.example" for n in range(1, 21) for la in TREATMENT]
    control = [f"keyworker{n}@{la}.example" for n in range(1, 21) for la in CONTROL]
    practitioners = [f"practitioner@{la}.example" for la in TREATMENT]
    crowd = [("delivery lead", "delivery.lead@ift.example")]
    crowd += [("practitioner", email) for email in practitioners]
    n_control = max(count // 8, 1)
    crowd += [("control keyworker", email) for email in itertools.islice(itertools.cycle(control), n_control)]
    rest = count - len(crowd)
    crowd += [("keyworker", email) for email in itertools.islice(itertools.cycle(treatment), max(rest, 0))]
    return crowd[:count]


def prepare(crowd: list[tuple[str, str]]) -> None:
    """Migrate, load the demo data, and give everyone who needs two-factor sign-in a
    known TOTP secret."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "seed_demo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    _django_setup()
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from hub import access
    from hub.models import User

    for user in User.objects.filter(email__in={email for _, email in crowd}):
        if access.needs_mfa(user):
            Authenticator.objects.filter(user=user).delete()
            TOTP.activate(user, TOTP_SECRET)


def totp() -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))


class BehindTlsProxy(DefaultCookiePolicy):
    """Production cookies are Secure (sent only over HTTPS). The simulated people talk to
    the servers directly, in plain HTTP, where a TLS-terminating proxy would be, so
    their browsers send Secure cookies as they would over HTTPS."""

    def return_ok_secure(self, cookie, request):
        return True


class Crowd:
    """Who each simulated person is, and the session cookies they signed in with."""

    members: list[tuple[str, str]] = []
    sessions: dict[int, list] = {}
    next_slot = itertools.count()
    ready = 0

    @classmethod
    def reset(cls) -> None:
        cls.next_slot = itertools.count()
        cls.ready = 0


class Person(FastHttpUser):
    """One simulated person: takes the next place in the crowd, signs in once (phase 1)
    or reuses the session signed in with (later phases), and sends every request from
    their own address through the proxy."""

    abstract = True
    wait_time = between(0.5, 2)

    def on_start(self):
        self.slot = next(Crowd.next_slot) % len(Crowd.members)
        self.kind, self.email = Crowd.members[self.slot]
        self.client.cookiejar.set_policy(BehindTlsProxy())
        self.address = f"10.{self.slot // 65536 % 256}.{self.slot // 256 % 256}.{self.slot % 256}"
        cookies = Crowd.sessions.get(self.slot)
        if cookies is None:
            if self.sign_in():
                Crowd.sessions[self.slot] = list(self.client.cookiejar)
        else:
            for cookie in cookies:
                self.client.cookiejar.set_cookie(cookie)
        self.started()
        Crowd.ready += 1

    def started(self) -> None:
        """What a person does once signed in, before the measured tasks."""

    def get(self, path: str, name: str | None = None):
        return self.client.get(path, name=name or path, headers={"X-Forwarded-For": self.address})

    def post(self, path: str, data: dict, name: str) -> str:
        """Post a form as a browser would; returns where the hub redirected to ("" if
        it answered with a page, as it does for a form with errors)."""
        with self.client.post(
            path,
            data=data,
            name=name,
            headers={"X-Forwarded-For": self.address},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code in (302, 303):
                response.success()
                return response.headers.get("Location", "") or response.headers.get("location", "")
            if response.status_code == 200:
                response.success()
            return ""

    def sign_in(self) -> bool:
        page = self.get("/accounts/login/", name="sign-in page")
        to = self.post(
            "/accounts/login/",
            {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf(page.text)},
            name="sign in",
        )
        if "/2fa/authenticate" in to:
            page = self.get(to, name="sign in: code page")
            to = self.post(
                to, {"code": totp(), "csrfmiddlewaretoken": self.csrf(page.text)}, name="sign in: code"
            )
        if to and "/accounts/" not in to:
            return True
        events.request.fire(
            request_type="POST",
            name="sign in: refused",
            response_time=0,
            response_length=0,
            response=None,
            context={},
            exception=RuntimeError(f"{self.email} was not signed in"),
        )
        return False

    @staticmethod
    def csrf(html: str) -> str:
        match = CSRF.search(html)
        return match.group(1) if match else ""


class SignInOnly(Person):
    """Phase 1: sign in, then wait."""

    wait_time = between(1, 1)

    @task
    def idle(self):
        gevent.sleep(1)


class Mixed(Person):
    """Phase 2: what each kind of person does in a working week."""

    def started(self):
        self.tool = None
        self.thread = None

    @task
    def act(self):
        tasks = {
            "keyworker": self.keyworker_tasks,
            "control keyworker": self.control_tasks,
            "practitioner": self.practitioner_tasks,
            "delivery lead": self.lead_tasks,
        }[self.kind]
        choice = random.choices(list(tasks), weights=list(tasks.values()))[0]
        choice()

    @property
    def keyworker_tasks(self):
        return {
            self.home: 4,
            self.library: 4,
            self.open_resource: 3,
            self.search: 2,
            self.forum: 3,
            self.read_thread: 3,
            self.reply: 1,
            self.book_and_cancel: 1,
        }

    @property
    def control_tasks(self):
        # During the pilot the control arm has its home page and its own data, nothing more.
        return {self.home: 3, self.my_data: 1}

    @property
    def practitioner_tasks(self):
        return {self.home: 1, self.reflective: 2, self.consultations: 2, self.forum: 1}

    @property
    def lead_tasks(self):
        return {self.dashboard: 1}

    def home(self):
        self.get("/", name="home")

    def my_data(self):
        self.get("/my-data/", name="my data")

    def reflective(self):
        self.get("/reflective/", name="reflective sessions")

    def consultations(self):
        self.get("/reflective/consultations/", name="consultations")

    def library(self):
        page = self.get("/resources/", name="resources")
        links = re.findall(r'href="(/resources/[\w-]+/[\w-]+/)"', page.text or "")
        if links:
            self.tool = random.choice(links)

    def open_resource(self):
        if self.tool:
            self.get(self.tool, name="resource page")
        else:
            self.library()

    def search(self):
        term = random.choice(["genogram", "ecomap", "circular", "family"])
        self.get("/resources/?q=" + term, name="search")

    def forum(self):
        page = self.get("/forum/", name="forum")
        boards = re.findall(r'href="(/forum/boards/\d+/)"', page.text or "")
        if boards:
            board = self.get(random.choice(boards), name="forum board")
            threads = re.findall(r'href="(/forum/threads/\d+/)"', board.text or "")
            if threads:
                self.thread = random.choice(threads)

    def read_thread(self):
        if self.thread:
            self.get(self.thread, name="forum thread")
        else:
            self.forum()

    def reply(self):
        if not self.thread:
            return self.forum()
        page = self.get(self.thread, name="forum thread")
        self.post(
            self.thread + "reply/",
            {"body": "Thanks, that helps with my families too.", "csrfmiddlewaretoken": self.csrf(page.text)},
            name="forum reply",
        )

    def book_and_cancel(self):
        page = self.get("/reflective/consultations/", name="consultations")
        slots = re.findall(r'href="(/reflective/consultations/times/\d+/book/)"', page.text or "")
        if not slots:
            return
        url = random.choice(slots)
        form = self.get(url, name="book a consultation")
        booking = self.post(
            url,
            {"purpose": "Talking through a stuck plan", "csrfmiddlewaretoken": self.csrf(form.text)},
            name="book a consultation",
        )
        if re.search(r"/reflective/consultations/bookings/\d+/$", booking):
            page = self.get(booking, name="booking")
            self.post(
                booking,
                {
                    "action": "cancel",
                    "cancel-reason": "Plans changed",
                    "csrfmiddlewaretoken": self.csrf(page.text),
                },
                name="cancel a consultation",
            )

    def dashboard(self):
        page = self.get("/fidelity/", name="fidelity dashboard")
        las = re.findall(r'href="(/fidelity/la/\d+/)"', page.text or "")
        if las:
            self.get(random.choice(las), name="fidelity drill-down")


def one_page(path: str, signed_in: bool) -> type:
    """Phase 3: everyone on one page, without pause; signed in as a treatment-arm
    keyworker (their own session), or not signed in for the trivial view."""

    class OnePage(Person):
        wait_time = between(0, 0)

        def on_start(self):
            if signed_in:
                Person.on_start(self)
            else:
                self.address = "10.255.0.1"
                Crowd.ready += 1

        @task
        def hit(self):
            self.get(path)

    OnePage.__name__ = f"Only {path}"
    return OnePage


def run(
    user_class: type, host: str, users: int, seconds: float, warm_up: float, spawn_rate: float | None = None
) -> Environment:
    """Start `users` people; counting starts once every one of them has started (or
    `warm_up` seconds have passed), and then runs for `seconds`."""
    env = Environment(user_classes=[user_class], host=host, events=events)
    runner = env.create_local_runner()
    Crowd.reset()
    runner.start(users, spawn_rate=spawn_rate or max(users / 5, 1))
    waited = 0.0
    while Crowd.ready < users and waited < warm_up:
        gevent.sleep(0.5)
        waited += 0.5
    if seconds:
        env.stats.reset_all()
        gevent.sleep(seconds)
    runner.quit()
    return env


def row(name: str, entry) -> str:
    return (
        f"{name:<28}{entry.num_requests:>9}{entry.total_rps:>8.1f}"
        f"{entry.get_response_time_percentile(0.5):>8.0f}{entry.get_response_time_percentile(0.95):>8.0f}"
        f"{entry.num_failures:>7}"
    )


HEADER = f"{'page':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>7}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--page-seconds", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--arrivals", type=float, default=2.5, help="people starting to sign in each second")
    parser.add_argument(
        "--warm-up", type=float, default=300, help="longest wait for everyone to start before counting"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the load test runs on the real parts.")
    Crowd.members = people(args.users)
    prepare(Crowd.members)
    port = servers.free_port()
    server = servers.start(port, workers=args.workers, env=SERVER_ENV)
    host = f"http://127.0.0.1:{port}"
    errors = 0
    try:
        kinds = {kind: sum(1 for k, _ in Crowd.members if k == kind) for kind, _ in Crowd.members}
        print(
            f"{args.users} people on {args.workers} server processes: "
            + ", ".join(f"{n} {k}" for k, n in kinds.items())
        )
        started = time.perf_counter()
        # People arrive over the start of a working morning: a few a second, not all at once.
        env = run(SignInOnly, host, args.users, 0, args.warm_up, spawn_rate=args.arrivals)
        signed_in = len(Crowd.sessions)
        print(
            f"\nSign-in: {signed_in} of {args.users} people signed in in {time.perf_counter() - started:.0f} s"
        )
        print(HEADER)
        for entry in sorted(env.stats.entries.values(), key=lambda e: e.name):
            print(row(entry.name, entry))
            errors += entry.num_failures

        print(f"\nMixed load for {args.seconds:.0f} s")
        env = run(Mixed, host, args.users, args.seconds, args.warm_up)
        stats = env.stats
        errors += stats.total.num_failures
        print(HEADER)
        for entry in sorted(stats.entries.values(), key=lambda e: -e.num_requests):
            print(row(entry.name, entry))
        print(row("all", stats.total))

        print(f"\nCapacity: all {args.users} people on one page for {args.page_seconds:.0f} s each")
        pages = [
            ("trivial view", "/accessibility/", False),
            ("signed-in floor", "/accessibility/", True),
            ("home", "/", True),
            ("resources", "/resources/", True),
            ("search", "/resources/?q=genogram", True),
            ("forum", "/forum/", True),
            ("consultations", "/reflective/consultations/", True),
        ]
        capacity = {}
        keyworkers = [i for i, (kind, _) in enumerate(Crowd.members) if kind == "keyworker"]
        everyone = Crowd.members
        for label, path, signed in pages:
            # Only treatment-arm keyworkers (their own sessions) take part in this phase.
            Crowd.members = [everyone[i] for i in keyworkers]
            sessions = {n: Crowd.sessions.get(i) for n, i in enumerate(keyworkers)}
            saved, Crowd.sessions = Crowd.sessions, sessions
            env = run(one_page(path, signed), host, args.users, args.page_seconds, args.warm_up)
            Crowd.sessions, Crowd.members = saved, everyone
            entry = env.stats.get(path, "GET")
            capacity[label] = entry.total_rps
            errors += env.stats.total.num_failures
            print(
                f"{label:<16}{path:<28}{entry.total_rps:>8.1f} req/s  p50 {entry.get_response_time_percentile(0.5):>5.0f} ms"
                f"  p95 {entry.get_response_time_percentile(0.95):>5.0f} ms  errors {env.stats.total.num_failures}"
            )
        trivial = capacity.pop("trivial view")
        floor = capacity.pop("signed-in floor")
        worst_label, worst = min(capacity.items(), key=lambda kv: kv[1])
        print(
            f"trivial view: {trivial:.1f} req/s; signed-in floor (the same page, signed in): {floor:.1f} req/s; "
            f"slowest page, {worst_label}: {worst:.1f} req/s ({worst / floor:.2f} of the signed-in floor)"
        )
        print(f"worst page/trivial = {worst / trivial:.2f}; errors = {errors}")
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
