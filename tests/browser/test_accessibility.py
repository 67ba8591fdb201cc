"""Every page a person can reach, audited with axe-core in Chromium (WCAG 2.2 AA), and
checked for horizontal scrolling at 320 px. The page list comes from the access table,
so a new page is audited as soon as it is declared."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests import access_table
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, build_world

RULES, MOUNTS, BUILDERS = access_table.load()
# The Django and Wagtail admins are third-party screens for IFT staff, outside this audit.
THIRD_PARTY_PREFIXES = ("/cms/", "/django-admin/", "/documents/")
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
WIDEST_ELEMENT = """() => {
  let worst = null, right = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll('main *')) {
    const r = el.getBoundingClientRect().right;
    if (r > right) { right = r; worst = el; }
  }
  return worst ? worst.tagName.toLowerCase() + '.' + worst.className + ' ' + (worst.textContent || '').trim().slice(0, 40) : 'none';
}"""
AUDIT_ROLES = [
    "anon",
    "t_keyworker",
    "t_practitioner",
    "t_la_lead",
    "c_keyworker",
    "tutor",
    "delivery_lead",
    "hub_admin",
    "evaluator",
]


def pages_to_audit(world) -> list[tuple[str, str]]:
    """(role, path) pairs: each declared page once, seen by the first role that may open it,
    and each role's home page."""
    chosen: dict[str, tuple[str, str]] = {}
    for rule in RULES + [s for m in MOUNTS for s in m.samples]:
        for role in AUDIT_ROLES:
            if rule.expected(role) == 200:
                path = rule.sample(world)
                if not path.startswith(THIRD_PARTY_PREFIXES):
                    chosen.setdefault(rule.name, (role, path))
                break
    pairs = list(chosen.values())
    pairs += [(role, "/") for role in AUDIT_ROLES if role != "anon"]
    return pairs


@pytest.mark.browser
def test_every_reachable_page_has_no_axe_violations_and_fits_320_px(browser, live_server, transactional_db):
    world = build_world()
    for build in BUILDERS:
        build(world)
    pairs = pages_to_audit(world)
    audited = 0
    axe = Axe()
    problems: list[str] = []
    contexts = {}
    try:
        for role, path in pairs:
            if role not in contexts:
                context = browser.new_context(base_url=live_server.url, bypass_csp=True)
                page = context.new_page()
                page.set_default_timeout(15_000)
                if role != "anon":
                    _sign_in_as(page, world[role])
                contexts[role] = (context, page)
            context, page = contexts[role]
            head = context.request.get(path, max_redirects=0)
            if head.status != 200 or not head.headers.get("content-type", "").startswith("text/html"):
                continue  # downloads and feeds are not pages
            audited += 1
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(path)
            results = axe.run(page, options=AXE_OPTIONS)
            for violation in results.response["violations"]:
                targets = [", ".join(n["target"]) for n in violation["nodes"]][:3]
                problems.append(f"{role} {path}: {violation['id']} ({violation['impact']}) at {targets}")
            page.set_viewport_size({"width": 320, "height": 640})
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if overflow > 0:
                culprit = page.evaluate(WIDEST_ELEMENT)
                problems.append(f"{role} {path}: scrolls sideways by {overflow}px at 320 px wide ({culprit})")
    finally:
        for context, _page in contexts.values():
            context.close()
    print(f"axe: {audited} pages audited, {len(problems)} problems")
    assert audited >= 10
    assert problems == [], "\n".join(problems)


def _sign_in_as(page, person) -> None:
    """Sign in through the real form; staff complete the two-factor step with their secret."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).first()
    secret = decrypt(totp.data["secret"]) if totp else None
    sign_in(page, person.email, PASSWORD, totp_secret=secret)
    assert settings.LOGIN_URL not in page.url
