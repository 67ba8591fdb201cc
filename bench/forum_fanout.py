"""Forum fan-out benchmark: two ASGI server processes, many websocket readers, replies
posted through the real HTTP path. Prints figures; asserts nothing about time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hub_bench REDIS_URL=redis://127.0.0.1:6379/6 \
        .venv/bin/python bench/forum_fanout.py --readers 500 --posts 100 --rate 10

The last line reads `forum p95/echo p95 = R; lost = L; post median ms = T`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import servers  # noqa: E402


def _setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()


def _seed(readers: int, posters: int):
    """A treatment LA with `readers` keyworkers and `posters` posters, signed-in sessions
    for each, and a thread on the all-treatment board."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from hub import services as hub_services
    from hub.forum import services
    from hub.forum.models import Board, BoardKind
    from hub.models import Arm, Organisation, OrganisationKind, Role, User

    la = Organisation.objects.filter(name="Bench Council").first() or hub_services.organisation_create(
        actor=None, name="Bench Council", kind=OrganisationKind.LOCAL_AUTHORITY, arm=Arm.TREATMENT
    )
    services.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.ALL_TREATMENT)

    def person(email: str, role: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = hub_services.user_create(email=email, full_name=email.split("@")[0].title())
            hub_services.membership_create(actor=None, user=user, organisation=la, role=role)
        return user

    def session(user: User) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    reader_sessions = [session(person(f"reader{n}@bench.example", Role.KEYWORKER)) for n in range(readers)]
    poster_users = [
        person(f"poster{n}@bench.example", Role.PRACTITIONER if n == 0 else Role.KEYWORKER)
        for n in range(posters)
    ]
    poster_sessions = [session(u) for u in poster_users]
    thread = services.thread_create(
        user=poster_users[0], board=board, title=f"Bench {time.time():.0f}", body="start"
    )
    return thread, reader_sessions, poster_sessions


def _start_servers(n: int, logs: list[Path]) -> tuple[list[subprocess.Popen], list[int]]:
    ports = [servers.free_port() for _ in range(n)]
    procs = [servers.start(port, stderr=log.open("w")) for port, log in zip(ports, logs, strict=True)]
    return procs, ports


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class Reader:
    def __init__(self, port: int, session_key: str, thread_id: int):
        self.port, self.session_key, self.thread_id = port, session_key, thread_id
        self.forum: dict[int, list[float]] = {}
        self.echo: dict[int, list[float]] = {}
        self.ready = asyncio.Event()
        self.ws = None

    async def run(self):
        """Read frames until the bench closes the socket."""
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        uri = f"ws://127.0.0.1:{self.port}/ws/forum/threads/{self.thread_id}/"
        async with connect(
            uri,
            additional_headers={"Cookie": f"sessionid={self.session_key}"},
            origin=f"http://127.0.0.1:{self.port}",
            max_queue=None,
        ) as ws:
            self.ws = ws
            self.ready.set()
            marker = re.compile(r"bench-(\d+)-")
            try:
                async for raw in ws:
                    now = time.perf_counter()
                    frame = json.loads(raw)
                    kind = frame.get("type")
                    if kind == "post.created":
                        m = marker.search(frame["post"]["html"])
                        if m:
                            self.forum.setdefault(int(m.group(1)), []).append(now)
                    elif kind == "echo":
                        self.echo.setdefault(frame["seq"], []).append(now)
            except ConnectionClosed:
                pass


async def _drain(readers: list[Reader], attr: str, expected: int, limit: float) -> float:
    """Wait until every reader has every message or `limit` seconds have passed; return
    the seconds waited. Whatever has not arrived by then counts as lost."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if all(len(getattr(r, attr)) >= expected for r in readers):
            break
        await asyncio.sleep(0.1)
    return time.perf_counter() - t0


def _report(name: str, sent: dict[int, float], readers: list[Reader], attr: str) -> tuple[float, int]:
    latencies, lost, dupes = [], 0, 0
    for r in readers:
        got = getattr(r, attr)
        for seq, t0 in sent.items():
            arrivals = got.get(seq, [])
            if not arrivals:
                lost += 1
                continue
            dupes += len(arrivals) - 1
            latencies.append((arrivals[0] - t0) * 1000)
    p50, p95 = _pct(latencies, 0.5), _pct(latencies, 0.95)
    print(
        f"{name:>6}: deliveries {len(latencies)}, p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {max(latencies, default=float('nan')):.1f} ms, lost {lost}, duplicates {dupes}"
    )
    return p95, lost


def _post(port: int, session_key: str, csrf: str, thread_id: int, body: str) -> float:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    data = urllib.parse.urlencode({"body": body, "csrfmiddlewaretoken": csrf})
    t0 = time.perf_counter()
    conn.request(
        "POST",
        f"/forum/threads/{thread_id}/reply/",
        body=data,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "application/json",
            "Cookie": f"sessionid={session_key}; csrftoken={csrf}",
            "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}/forum/",
        },
    )
    response = conn.getresponse()
    answer = response.read()
    elapsed = (time.perf_counter() - t0) * 1000
    if response.status != 201:
        raise SystemExit(f"posting failed with HTTP {response.status}: {answer[:300]!r}")
    return elapsed


def _get(port: int, session_key: str, path: str) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session_key}"})
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{path} answered HTTP {response.status}")


def _server_errors(logs: list[Path]) -> list[str]:
    """The first line of each traceback or error the servers wrote."""
    errors = []
    for log in logs:
        lines = log.read_text(errors="replace").splitlines()
        for n, line in enumerate(lines):
            if line.startswith("Traceback"):
                tail = next((x for x in lines[n + 1 :] if x and not x.startswith(" ")), "?")
                errors.append(tail)
    return errors


async def _main(args) -> None:
    from asgiref.sync import sync_to_async
    from channels.layers import get_channel_layer
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    from hub.forum.broadcast import layer_message
    from hub.forum.models import Presence

    thread, reader_sessions, poster_sessions = await sync_to_async(_seed)(args.readers, args.posters)
    logs = [Path(tempfile.mkstemp(prefix="forum-fanout-", suffix=".log")[1]) for _ in range(args.servers)]
    procs, ports = await sync_to_async(_start_servers)(args.servers, logs)
    print(
        f"{args.servers} servers on ports {ports}; {args.readers} readers; {args.posts} posts at {args.rate}/s"
    )
    layer_conf = settings.CHANNEL_LAYERS["default"]
    options = {k: v for k, v in layer_conf.get("CONFIG", {}).items() if k not in ("hosts", "prefix")}
    print(f"channel layer: {layer_conf['BACKEND']} {options} on {os.environ.get('REDIS_URL')}")
    # Servers in use have served pages before: each opens the thread page a few times
    # first, so the measured posts do not pay for a process's first request.
    for port in ports:
        for _ in range(3):
            await sync_to_async(_get)(port, poster_sessions[0], f"/forum/threads/{thread.pk}/")
    # The bench's own objects (Django, 500 sockets) stay out of its garbage collector's
    # full passes, which would delay the readers' clocks in either phase.
    gc.freeze()
    readers = [Reader(ports[n % len(ports)], key, thread.pk) for n, key in enumerate(reader_sessions)]
    tasks = []
    try:
        for n in range(0, len(readers), 50):
            batch = readers[n : n + 50]
            tasks += [asyncio.create_task(r.run()) for r in batch]
            await asyncio.gather(*(r.ready.wait() for r in batch))
        await asyncio.sleep(args.settle)  # let presence updates of the joins drain

        layer = get_channel_layer()
        echo_sent: dict[int, float] = {}
        for seq in range(args.posts):
            echo_sent[seq] = time.perf_counter()
            await layer.group_send(
                thread.group_name, layer_message({"type": "echo", "seq": seq, "pad": "x" * 300})
            )
            await asyncio.sleep(1 / args.rate)
        echo_wait = await _drain(readers, "echo", args.posts, args.drain)

        forum_sent: dict[int, float] = {}
        server_ms: list[float] = []
        csrf = _get_new_csrf_string()
        loop = asyncio.get_running_loop()
        pending = []
        for seq in range(args.posts):
            port = ports[seq % len(ports)]
            session_key = poster_sessions[seq % len(poster_sessions)]
            body = f"bench-{seq}- a reply about genograms and circular questions"
            forum_sent[seq] = time.perf_counter()
            pending.append(loop.run_in_executor(None, _post, port, session_key, csrf, thread.pk, body))
            await asyncio.sleep(1 / args.rate)
        server_ms = await asyncio.gather(*pending)
        forum_wait = await _drain(readers, "forum", args.posts, args.drain)
    finally:
        # Every reader leaves at once: the servers' mass disconnect is part of the run.
        await asyncio.gather(*(r.ws.close() for r in readers if r.ws), return_exceptions=True)
        await asyncio.gather(*tasks, return_exceptions=True)
        group = thread.group_name
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and await Presence.objects.filter(group=group).aexists():
            await asyncio.sleep(0.2)
        left = await Presence.objects.filter(group=group).acount()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=10)

    print(
        f"waited after the last message: echo {echo_wait:.1f} s, forum {forum_wait:.1f} s (at most {args.drain:.0f} s)"
    )
    errors = _server_errors(logs)
    print(
        f"server errors: {len(errors)}{'; first: ' + errors[0] if errors else ''}; readers still present 30 s after leaving: {left}"
    )
    echo_p95, _ = _report("echo", echo_sent, readers, "echo")
    forum_p95, lost = _report("forum", forum_sent, readers, "forum")
    median = statistics.median(server_ms)
    print(
        f"server time of one post (request to response): median {median:.1f} ms, p95 {_pct(server_ms, 0.95):.1f} ms"
    )
    print(f"forum p95/echo p95 = {forum_p95 / echo_p95:.2f}; lost = {lost}; post median ms = {median:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=500)
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10.0, help="posts a second")
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument(
        "--posters",
        type=int,
        default=None,
        help="people posting in turn (posting is limited per person per minute); "
        "default: enough that nobody passes the limit even when two runs post within one minute, at least 40",
    )
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument(
        "--drain", type=float, default=60.0, help="longest wait for deliveries after the last message"
    )
    args = parser.parse_args()
    if not (os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL")):
        raise SystemExit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the servers must share both.")
    os.environ.update(servers.PRODUCTION_ENV)  # the same secret key signs the sessions the bench seeds
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    if args.posters is None:
        args.posters = max(40, 2 * -(-args.posts // settings.FORUM_POSTS_PER_MINUTE))

    call_command("migrate", verbosity=0)
    asyncio.run(_main(args))


if __name__ == "__main__":
    main()
