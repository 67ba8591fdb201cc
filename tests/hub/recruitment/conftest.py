from __future__ import annotations

import pytest

from tests.hub.recruitment.helpers import make_round


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def round(db):
    return make_round()
