from __future__ import annotations

import pytest

from tests.resources import helpers


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    """Uploaded test files go to a folder of their own, not the hub's media folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def library(db):
    return helpers.library()
