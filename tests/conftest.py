from __future__ import annotations

import pytest

from tests.factories import build_world, pilot_around_today


@pytest.fixture(autouse=True)
def _pilot_running(db):
    """Every test starts with the pilot under way (dates set around today); tests of
    other phases set their own dates."""
    return pilot_around_today()


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
