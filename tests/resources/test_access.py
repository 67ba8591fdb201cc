"""Who may open what in the library: every audience, for every role, in a treatment
and a control LA, before, during and after the pilot, for pages, the listing,
search results and document downloads. The expectations are written out here,
independently of hub/access.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from hub import access
from hub.models import AccessRefusal, Role
from resources.models import Audience, ResourceView
from tests.factories import make_la, make_user, set_pilot
from tests.resources import helpers

IFT_ROLES = {"tutor", "delivery_lead", "content_editor", "hub_admin"}
PHASES = ["before", "during", "after"]
SEARCH_WORD = "kaleidoscope"


def may_open(role: str, audience: str, phase: str) -> bool:
    """The rules of issue 3, as a table."""
    if role in IFT_ROLES:
        return True
    if role in ("evaluator", "unassigned_keyworker"):
        return False
    if role.startswith("c_"):
        return audience == Audience.EVERYONE and phase == "after"
    # People of treatment LAs, in every phase.
    if audience in (Audience.TREATMENT, Audience.EVERYONE):
        return True
    if audience == Audience.CHAMPIONS:
        return role in ("t_practitioner", "t_champion")
    if audience == Audience.PRACTITIONERS:
        return role == "t_practitioner"
    return False


def opens_library(role: str, phase: str) -> bool:
    if role in IFT_ROLES or role.startswith("t_"):
        return True
    return role.startswith("c_") and phase == "after"


def set_phase(phase: str) -> None:
    today = timezone.localdate()
    if phase == "before":
        set_pilot(starts_on=today + dt.timedelta(days=10), ends_on=today + dt.timedelta(days=300))
    elif phase == "during":
        set_pilot(starts_on=today - dt.timedelta(days=10), ends_on=today + dt.timedelta(days=300))
    else:
        set_pilot(starts_on=today - dt.timedelta(days=300), ends_on=today - dt.timedelta(days=10))


@pytest.fixture
def people(world, monkeypatch):
    champion = make_user(Role.KEYWORKER, world.treatment, email="champion@example.org")
    # Champions are decided by the champions app; here one keyworker is a champion.
    real = access.is_champion
    monkeypatch.setattr(access, "is_champion", lambda user: user.pk == champion.pk or real(user))
    unassigned = make_la("Unassigned Council", arm="unassigned")
    result = {("t_other_keyworker" if key == "o_keyworker" else key): p for key, p in world.people.items()}
    result["t_champion"] = champion
    result["unassigned_keyworker"] = make_user(Role.KEYWORKER, unassigned)
    return result


@pytest.fixture
def pages(library):
    documents = {
        audience: helpers.document(title=f"{audience} handout", filename=f"{audience}-handout.pdf")
        for audience in Audience.values
    }
    built = helpers.one_of_each_audience(library, documents=documents, body=SEARCH_WORD)
    return built, documents


@pytest.mark.parametrize("phase", PHASES)
def test_pages_follow_the_audience_rules_for_every_role_and_phase(phase, people, pages, client):
    set_phase(phase)
    built, _ = pages
    wrong = []
    for role, person in people.items():
        client.force_login(person)
        for audience, page in built.items():
            status = client.get(page.url).status_code
            expected = 200 if may_open(role, audience, phase) else 403
            if status != expected:
                wrong.append(f"{role} {audience}: expected {expected}, got {status}")
    assert wrong == []


@pytest.mark.parametrize("phase", PHASES)
def test_the_listing_holds_only_pages_the_person_may_open(phase, people, pages, client):
    set_phase(phase)
    built, _ = pages
    wrong = []
    for role, person in people.items():
        client.force_login(person)
        response = client.get("/resources/")
        if not opens_library(role, phase):
            if response.status_code != 403:
                wrong.append(f"{role}: expected 403, got {response.status_code}")
            continue
        listed = {p.pk for p in response.context["results"]}
        expected = {page.pk for audience, page in built.items() if may_open(role, audience, phase)}
        if listed != expected:
            wrong.append(f"{role}: listed {sorted(listed)}, expected {sorted(expected)}")
    assert wrong == []


@pytest.mark.parametrize("phase", PHASES)
def test_search_results_hold_only_pages_the_person_may_open(phase, people, pages, client):
    set_phase(phase)
    built, _ = pages
    wrong = []
    for role, person in people.items():
        if not opens_library(role, phase):
            continue
        client.force_login(person)
        response = client.get("/resources/", {"q": SEARCH_WORD})
        found = {p.pk for p in response.context["results"]}
        expected = {page.pk for audience, page in built.items() if may_open(role, audience, phase)}
        if found != expected:
            wrong.append(f"{role}: found {sorted(found)}, expected {sorted(expected)}")
    assert wrong == []


@pytest.mark.parametrize("phase", PHASES)
def test_document_downloads_follow_the_pages_that_use_them(phase, people, pages, client):
    set_phase(phase)
    _, documents = pages
    wrong = []
    for role, person in people.items():
        client.force_login(person)
        for audience, document in documents.items():
            response = client.get(document.url)
            expected = 200 if may_open(role, audience, phase) else 403
            if response.status_code != expected:
                wrong.append(f"{role} {audience} download: expected {expected}, got {response.status_code}")
            elif expected == 200:
                assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert wrong == []


def test_a_document_used_on_no_live_page_is_for_ift_staff_only(world, library, client):
    unused = helpers.document(title="Draft handout", filename="draft-handout.pdf")
    client.force_login(world["t_keyworker"])
    assert client.get(unused.url).status_code == 403
    client.force_login(world["content_editor"])
    assert client.get(unused.url).status_code == 200


def test_a_document_on_a_treatment_page_and_an_everyone_page_is_open_to_control_las_after_the_pilot(
    world, library, client
):
    shared = helpers.document(title="Shared handout", filename="shared.pdf")
    helpers.tool(library, title="Genograms", template=shared)
    helpers.training(library, course="postpilot", day=2, audience=Audience.EVERYONE, template=shared)
    set_phase("after")
    client.force_login(world["c_keyworker"])
    assert client.get(shared.url).status_code == 200


def test_unpublishing_a_page_closes_its_downloads(world, library, client):
    template = helpers.document()
    page = helpers.tool(library, template=template)
    client.force_login(world["t_keyworker"])
    assert client.get(template.url).status_code == 200
    page.unpublish()
    assert client.get(template.url).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(library, client):
    template = helpers.document()
    page = helpers.tool(library, template=template)
    for path in ("/resources/", page.url, template.url, "/library/saved/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/accounts/login/" in response["Location"]


def test_a_control_keyworker_during_the_pilot_gets_the_plain_refusal_and_it_is_recorded(
    world, library, client
):
    template = helpers.document()
    page = helpers.tool(library, template=template)
    person = world["c_keyworker"]
    client.force_login(person)
    for path in ("/resources/", page.url, template.url):
        before = AccessRefusal.objects.filter(user=person).count()
        response = client.get(path)
        assert response.status_code == 403
        assert "not available to your local authority during the pilot" in response.content.decode().lower()
        refusal = AccessRefusal.objects.filter(user=person).order_by("-pk").first()
        assert AccessRefusal.objects.filter(user=person).count() == before + 1
        assert refusal.organisation == world.control
        assert refusal.path == path
    assert not ResourceView.objects.filter(user=person).exists()


def test_someone_with_a_role_in_a_control_la_is_refused_even_with_a_role_in_a_treatment_la_too(
    world, library, client
):
    """Whichever of their LAs' names comes first: a person in both arms would carry
    treatment material into the control arm."""
    from hub import services as hub_services

    template = helpers.document()
    page = helpers.tool(library, template=template)
    for name in ("Aardvark Council", "Zedshire Council"):
        control = make_la(name, arm="control")
        lead = make_user(Role.LA_LEAD, world.treatment)
        hub_services.membership_create(actor=None, user=lead, organisation=control, role=Role.LA_LEAD)
        client.force_login(lead)
        for path in ("/resources/", page.url, template.url):
            response = client.get(path)
            assert response.status_code == 403, (name, path)
            assert f"not available to {name} during the pilot" in response.content.decode()
        assert AccessRefusal.objects.filter(user=lead, organisation=control).count() == 3


def test_a_control_keyworker_after_the_pilot_is_refused_treatment_pages_without_a_record(
    world, library, client
):
    page = helpers.tool(library)
    set_phase("after")
    client.force_login(world["c_keyworker"])
    response = client.get(page.url)
    assert response.status_code == 403
    assert "during the pilot" not in response.content.decode()
    assert not AccessRefusal.objects.exists()


def test_the_library_is_offered_in_menus_only_to_those_who_may_open_it(world, library, client):
    client.force_login(world["t_keyworker"])
    assert 'href="/resources/"' in client.get("/").content.decode()
    client.force_login(world["c_keyworker"])
    home = client.get("/").content.decode()
    assert 'href="/resources/"' not in home
    # Showing (or not showing) a menu is not a refusal.
    assert not AccessRefusal.objects.exists()
    set_phase("after")
    assert 'href="/resources/"' in client.get("/").content.decode()


def test_removing_a_page_one_may_not_open_from_my_resources_tells_nothing_of_it(world, library, client):
    secret = helpers.article(library, title="Tutor notes", audience=Audience.IFT)
    client.force_login(world["t_keyworker"])
    response = client.post(
        f"/library/saved/{secret.pk}/", {"action": "remove"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 404
    assert "Tutor notes" not in response.content.decode()


def test_wagtails_password_only_sign_in_sends_people_to_the_hubs_two_factor_sign_in(world, library, client):
    from tests.factories import PASSWORD, has_totp

    tutor = world["tutor"]
    assert has_totp(tutor)
    secret = helpers.article(library, title="Tutor notes", audience=Audience.IFT)
    response = client.post("/_util/login/?next=/resources/", {"username": tutor.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/resources/"
    assert client.get(secret.url).status_code == 302  # still signed out
    # Signing in through the hub asks for the second factor before anything opens.
    response = client.post("/accounts/login/", {"login": tutor.email, "password": PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    assert client.get(secret.url).status_code != 200


def test_the_wagtail_admins_password_only_sign_in_sends_editors_to_the_hubs_two_factor_sign_in(
    world, library, client
):
    from tests.factories import PASSWORD, has_totp

    editor = world["content_editor"]
    assert has_totp(editor)
    secret = helpers.article(library, title="Tutor notes", audience=Audience.IFT)
    response = client.post("/cms/login/?next=/cms/", {"username": editor.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/cms/"
    assert client.get(secret.url).status_code == 302  # still signed out
    assert client.get("/cms/pages/")["Location"].startswith("/accounts/login/")


def test_the_wagtail_admin_sends_no_password_reset_emails_of_its_own(world, client, mailoutbox):
    """Password resets go through the hub's own form, which limits how many are sent."""
    editor = world["content_editor"]
    for _ in range(6):
        response = client.post("/cms/password_reset/", {"email": editor.email})
        assert response.status_code == 404
    assert mailoutbox == []


def test_a_document_linked_from_the_librarys_introduction_downloads_for_library_readers(
    world, library, client
):
    doc = helpers.document(title="Library guide", filename="library-guide.pdf")
    library.intro = f'<p>Read the <a linktype="document" id="{doc.pk}">guide</a>.</p>'
    library.save_revision().publish()
    client.force_login(world["t_keyworker"])
    assert doc.url in client.get("/resources/").content.decode()
    assert client.get(doc.url).status_code == 200
    client.force_login(world["c_keyworker"])
    assert client.get(doc.url).status_code == 403
