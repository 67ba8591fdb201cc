"""The content editor's journey in the Wagtail admin, with the hub's
Content-Security-Policy in force: sign in with two-factor, open the resource library in
the page explorer, write an article with rich text, save it as a draft, and find it in
the admin. The browser must report no policy violation and no script error on the way."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from hub.models import OrganisationKind, Role
from resources.models import ArticlePage
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_org, make_user
from tests.resources import helpers as library

pytestmark = [pytest.mark.browser]


def _secret(person) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    totp = Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP)
    return decrypt(totp.data["secret"])


class Console:
    """Everything the browser says about the page: console messages and uncaught errors."""

    def __init__(self, page):
        self.messages: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda msg: self.messages.append(f"{msg.type}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def violations(self) -> list[str]:
        words = ("Content Security Policy", "Content-Security-Policy", "Refused to")
        return [m for m in self.messages if any(w in m for w in words)]


def test_a_content_editor_writes_a_draft_article_in_the_library_under_the_csp(page, transactional_db):
    index = library.library()
    library.tool(index, title="Genograms", summary="A family tree that shows relationships as well as names.")
    editor = make_user(
        Role.CONTENT_EDITOR,
        make_org(OrganisationKind.IFT, "IFT"),
        email="editor@example.org",
        name="Eddie Editor",
    )
    console = Console(page)
    response = page.goto("/accounts/login/")
    assert "'unsafe-inline'" not in response.headers["content-security-policy"].split("style-src")[0]
    sign_in(page, editor.email, PASSWORD, totp_secret=_secret(editor))
    assert settings.LOGIN_URL not in page.url

    response = page.goto("/cms/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The page explorer shows the library and its pages.
    page.goto(f"/cms/pages/{index.pk}/")
    expect(page.get_by_role("link", name="Genograms").first).to_be_visible()

    # A new article under the library.
    page.goto(f"/cms/pages/{index.pk}/add_subpage/")
    page.get_by_role("link", name="Article or guidance", exact=True).click()
    page.locator("#id_title").fill("Working with fathers")
    page.locator("#id_summary").fill("How to keep fathers in the conversation, with questions to try.")
    body = page.locator("[data-contentpath='body']").first
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Text").first.click()
    editor_box = body.get_by_role("textbox").first
    editor_box.click()
    page.keyboard.type("Ask each parent what the other would say.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" Bold advice.")
    expect(editor_box).to_contain_text("Ask each parent what the other would say.")
    # Draftail writes the text to its hidden input once typing pauses.
    expect(page.locator("input[name='body-0-value']")).to_have_value(re.compile("Bold advice"))
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("created")

    article = ArticlePage.objects.get(title="Working with fathers")
    assert not article.live and article.has_unpublished_changes
    saved = str(article.get_latest_revision_as_object().body)
    assert "Ask each parent what the other would say." in saved and "Bold advice.</b>" in saved
    assert article.get_parent().pk == index.pk

    page.goto(f"/cms/pages/{index.pk}/")
    expect(page.get_by_role("link", name="Working with fathers").first).to_be_visible()
    page.goto(f"/cms/pages/{article.pk}/edit/")
    expect(page.locator("#id_title")).to_have_value("Working with fathers")
    expect(page.get_by_text("Ask each parent what the other would say.", exact=True)).to_be_visible()

    assert console.violations() == [], "\n".join(console.violations())
    assert console.errors == [], "\n".join(console.errors)
