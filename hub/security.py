"""Security headers for every response: a Content-Security-Policy without
'unsafe-inline' scripts, no framing, and a closed Permissions-Policy.

The hub's own pages carry no inline scripts. The Wagtail admin renders a few small
inline scripts of its own (date pickers, inline panels); for responses under the
admin's prefix the policy allows exactly those scripts by their SHA-256 hashes, so
no other inline script can run there either.
"""

from __future__ import annotations

import base64
import hashlib
import re

_INLINE_SCRIPT = re.compile(
    rb"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>(.*?)</script>", re.S | re.I
)

BASE_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'", "ws:", "wss:"],
    "media-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}

PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
ADMIN_PREFIX = "/cms/"


def _policy(extra_scripts: list[str]) -> str:
    parts = []
    for directive, sources in BASE_POLICY.items():
        if directive == "script-src":
            sources = sources + extra_scripts
        parts.append(f"{directive} {' '.join(sources)}")
    return "; ".join(parts)


def _inline_script_hashes(body: bytes) -> list[str]:
    hashes = []
    for match in _INLINE_SCRIPT.finditer(body):
        digest = base64.b64encode(hashlib.sha256(match.group(1)).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return hashes


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        extra: list[str] = []
        if (
            request.path.startswith(ADMIN_PREFIX)
            and "text/html" in response.get("Content-Type", "")
            and not getattr(response, "streaming", False)
        ):
            extra = sorted(set(_inline_script_hashes(response.content)))
        response.setdefault("Content-Security-Policy", _policy(extra))
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
