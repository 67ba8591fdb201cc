"""With REDIS_URL set, a reply posted through one ASGI server process reaches a reader
connected to another. Collected only on PostgreSQL with Redis (see conftest.py): two
processes cannot share SQLite's in-memory test database or the in-memory layer."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from websockets.sync.client import connect

from hub.forum import services

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def _session(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def two_servers(world):
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST']}:{db['PORT'] or 5432}/{connection.settings_dict['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DB_CONN_MAX_AGE": "0"}
    env.pop("PYTEST_CURRENT_TEST", None)
    ports = [_port(), _port()]
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "hub.asgi:application",
                "--port",
                str(p),
                "--ws",
                "websockets-sansio",
                "--log-level",
                "warning",
                "--lifespan",
                "off",
            ],
            cwd=ROOT,
            env=env,
        )
        for p in ports
    ]
    try:
        for p in ports:
            deadline = time.monotonic() + 60
            while True:
                try:
                    c = http.client.HTTPConnection("127.0.0.1", p, timeout=2)
                    c.request("GET", "/healthz")
                    c.getresponse().read()
                    break
                except OSError:
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.2)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        # Let PostgreSQL notice the servers' connections are gone before the test
        # database is dropped.
        with connection.cursor() as cursor:
            for _ in range(100):
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if cursor.fetchone()[0] == 0:
                    break
                time.sleep(0.1)


def test_a_reply_posted_through_one_process_reaches_a_reader_on_the_other(world, boards, two_servers):
    port_a, port_b = two_servers
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="Across", body="hi")
    reader_session = _session(world["o_keyworker"])
    writer_session = _session(world["t_keyworker"])
    with connect(
        f"ws://127.0.0.1:{port_a}/ws/forum/threads/{thread.pk}/",
        additional_headers={"Cookie": f"sessionid={reader_session}"},
        origin=f"http://127.0.0.1:{port_a}",
    ) as ws:
        assert json.loads(ws.recv(timeout=10))["type"] == "presence"
        csrf = "a" * 32
        c = http.client.HTTPConnection("127.0.0.1", port_b, timeout=30)
        c.request(
            "POST",
            f"/forum/threads/{thread.pk}/reply/",
            body=urllib.parse.urlencode({"body": "Sent through B", "csrfmiddlewaretoken": csrf}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "Cookie": f"sessionid={writer_session}; csrftoken={csrf}",
                "Origin": f"http://127.0.0.1:{port_b}",
            },
        )
        response = c.getresponse()
        assert response.status == 201, response.read()
        post_id = json.loads(response.read())["post"]["id"]
        while True:
            frame = json.loads(ws.recv(timeout=10))
            if frame["type"] == "post.created":
                break
        assert frame["post"]["id"] == post_id and "Sent through B" in frame["post"]["html"]
