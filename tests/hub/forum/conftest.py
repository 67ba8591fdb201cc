from __future__ import annotations

import os

import pytest

from hub.forum import broadcast, services
from hub.forum.models import Board, BoardKind


@pytest.fixture
def boards(world):
    services.board_ensure_all()
    return {
        "all": Board.objects.get(kind=BoardKind.ALL_TREATMENT),
        "la": Board.objects.get(kind=BoardKind.LA, organisation=world.treatment),
        "other_la": Board.objects.get(kind=BoardKind.LA, organisation=world.other_treatment),
        "practitioners": Board.objects.get(kind=BoardKind.PRACTITIONERS),
        "staff": Board.objects.get(kind=BoardKind.STAFF),
        "champions": Board.objects.get(kind=BoardKind.CHAMPIONS),
    }


@pytest.fixture
def broadcasts(monkeypatch):
    """Every message the forum sends to open pages, recorded as it goes out (still sent)."""
    sent: list[tuple[str, dict]] = []
    real = broadcast._send

    def record(group, event):
        sent.append((group, event))
        real(group, event)

    monkeypatch.setattr(broadcast, "_send", record)
    return sent


@pytest.fixture
def many_posts(settings):
    settings.FORUM_POSTS_PER_MINUTE = 10_000


def _shared_backends() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres") and bool(os.environ.get("REDIS_URL"))


# Two server processes need a database and a channel layer they can share.
collect_ignore = [] if _shared_backends() else ["test_two_processes.py"]
