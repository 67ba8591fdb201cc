from __future__ import annotations

import pytest

from tests.resources import helpers


@pytest.fixture
def library(db):
    return helpers.library()
