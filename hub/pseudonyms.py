"""Stable keyed codes that stand for people and teams wherever names are hidden: on the
hub's pages for evaluators and in the evaluation export. One key (EVALUATION_PSEUDONYM_KEY,
not SECRET_KEY, so rotating the secret does not change the evaluation's codes)."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_SETTING = "EVALUATION_PSEUDONYM_KEY"


def pseudonym_key() -> bytes:
    key = getattr(settings, KEY_SETTING, "")
    if not key:
        # Only a development or test run may make do without a key of its own.
        if settings.DEBUG or getattr(settings, "TESTING", False):
            key = "development-only-evaluation-pseudonym-key"
        else:
            raise ImproperlyConfigured(f"{KEY_SETTING} must be set to show or export pseudonyms.")
    return key.encode()


def code(kind: str, pk: int, key: bytes | None = None) -> str:
    digest = hmac.new(key or pseudonym_key(), f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()
    return f"{kind[0].upper()}-{digest[:12].upper()}"
