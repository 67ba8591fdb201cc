"""Starting the hub's ASGI servers for the benchmarks, run as in production."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: DEBUG off (no query log, no debug cursor), with keys used only by the benchmarks, and
#: the pool of database connections per process that docs/deploy.md and `make serve`
#: use (DB_POOL_SIZE in the environment overrides it; 0 connects per request).
#: Other settings (CHANNEL_LAYER, ...) come from the environment.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "DB_POOL_SIZE": os.environ.get("DB_POOL_SIZE", "8"),
    "SECRET_KEY": "bench-only-" + "k" * 50,
    "EVALUATION_PSEUDONYM_KEY": "bench-only-pseudonym-key",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "false",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(port: int, *, workers: int = 1, env: dict | None = None, stderr=None) -> subprocess.Popen:
    """uvicorn serving the hub on `port`, as `docs/deploy.md` runs it (no per-message
    deflate), and returned once it answers /healthz."""
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
            "--ws",
            "websockets-sansio",
            "--ws-per-message-deflate",
            "false",
            "--log-level",
            "warning",
            "--no-access-log",
            "--lifespan",
            "off",
        ],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION_ENV, **(env or {})},
        stderr=stderr,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"The server on port {port} did not start.")
