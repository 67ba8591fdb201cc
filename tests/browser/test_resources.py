"""The resource library in Chromium: a treatment keyworker searches for "genogram",
opens the tool and downloads its template; a control keyworker is refused."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from hub.models import AccessRefusal, Arm, Role
from resources.models import ResourceView
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, make_la, make_user
from tests.resources import helpers


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _library():
    index = helpers.library()
    template = helpers.document(title="Genogram template", filename="genogram-template.pdf")
    tool = helpers.tool(
        index,
        title="Genograms",
        summary="A family tree that shows relationships as well as names.",
        body="<p>A genogram is a drawing of a family over three generations.</p>",
        template=template,
    )
    helpers.tool(index, title="Ecomaps", summary="The family's world around them.")
    return tool, template


def test_a_treatment_keyworker_finds_the_genogram_tool_and_downloads_its_template(page, transactional_db):
    tool, template = _library()
    la = make_la("Ashby Council", Arm.TREATMENT)
    person = make_user(Role.KEYWORKER, la, email="kw@example.org", name="Kim Keyworker")
    sign_in(page, "kw@example.org", PASSWORD)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Resource library").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Resource library"
    page.get_by_label("Search the library").fill("genogram")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/resources/?q=genogram**")
    results = page.get_by_role("region", name="Results for “genogram” (1)")
    assert "Ecomaps" not in results.inner_text()
    results.get_by_role("link", name="Genograms").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Genograms"
    assert page.get_by_role("heading", name="Templates to download").is_visible()
    link = page.get_by_role("link", name="Genogram template")
    assert "(PDF," in page.locator(".download").inner_text()
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert download.suggested_filename == "genogram-template.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert ResourceView.objects.filter(user=person, page=tool, document=None).count() == 1
    assert ResourceView.objects.filter(user=person, document=template).count() == 1

    # Saved to "My resources" without leaving the page, then listed there.
    page.get_by_role("button", name="Save to My resources").click()
    page.get_by_role("button", name="Saved to My resources").wait_for()
    page.goto("/library/saved/")
    assert page.get_by_role("link", name="Genograms").is_visible()

    # The tool page passes an automated accessibility check.
    page.goto(tool.url)
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}}
    )
    assert results.violations_count == 0, results.generate_report()


def test_a_control_keyworker_is_refused_during_the_pilot(page, transactional_db):
    tool, template = _library()
    la = make_la("Cobham Council", Arm.CONTROL)
    person = make_user(Role.KEYWORKER, la, email="ckw@example.org", name="Cal Control")
    sign_in(page, "ckw@example.org", PASSWORD)

    # The library is not offered to them ...
    assert (
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Resource library").count() == 0
    )
    # ... and opening it directly is refused in plain words, and recorded.
    response = page.goto(tool.url)
    assert response.status == 403
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "Not available to your local authority during the pilot"
    )
    assert "Cobham Council" in page.locator("main").inner_text()
    assert page.request.get(template.url).status == 403
    assert AccessRefusal.objects.filter(user=person, organisation=la).count() == 2
    assert not ResourceView.objects.exists()
