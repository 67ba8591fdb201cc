from __future__ import annotations

import pytest

from tests.hub.recruitment.helpers import make_round


@pytest.fixture
def round(db):
    return make_round()
