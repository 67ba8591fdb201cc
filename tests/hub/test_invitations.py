from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from hub import access, services
from hub.models import Invitation, Membership, Role
from tests.factories import PASSWORD, has_totp, make_user

NEW_PASSWORD = "a-long-new-password-42"


def _invite(world, *, actor_key="t_la_lead", role=Role.KEYWORKER, la=None, email="new.person@example.org"):
    la = la or world.treatment
    return services.invitation_create(
        actor=world[actor_key],
        email=email,
        full_name="New Person",
        organisation=la,
        role=role,
        team=la.teams.first(),
    )


def test_an_la_lead_invites_a_keyworker_of_their_own_la_and_the_email_carries_a_single_use_link(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = _invite(world)
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=14)
    assert invitation.token_hash != token  # only the hash is stored
    assert len(mail.outbox) == 1
    assert f"/invite/{token}/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["new.person@example.org"]


def test_accepting_creates_the_account_with_a_verified_email_and_the_invited_role(world):
    _invitation, token = _invite(world)
    user = services.invitation_accept(token=token, password=NEW_PASSWORD, full_name="Nia Person")
    assert user.full_name == "Nia Person"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.get(user=user)
    assert (membership.organisation, membership.role, membership.team) == (
        world.treatment,
        Role.KEYWORKER,
        world.treatment.teams.first(),
    )
    assert access.home_la(user) == world.treatment


def test_an_invitation_cannot_be_used_twice(world):
    _invitation, token = _invite(world)
    services.invitation_accept(token=token, password=NEW_PASSWORD)
    with pytest.raises(services.InvitationError, match="already been used"):
        services.invitation_accept(token=token, password=NEW_PASSWORD)


def test_an_invitation_works_until_fourteen_days_and_then_says_it_expired(world):
    invitation, token = _invite(world)
    services.invitation_for_token(token, now=invitation.created_at + dt.timedelta(days=13, hours=23))
    with pytest.raises(services.InvitationError, match="expired on"):
        services.invitation_for_token(token, now=invitation.created_at + dt.timedelta(days=14))


def test_an_unknown_link_says_it_is_not_valid(db):
    with pytest.raises(services.InvitationError, match="not valid"):
        services.invitation_for_token("nonsense")


def test_an_la_lead_cannot_invite_into_another_la_nor_give_the_la_lead_role(world):
    with pytest.raises(PermissionDenied):
        _invite(world, la=world.other_treatment)
    with pytest.raises(PermissionDenied):
        _invite(world, role=Role.LA_LEAD)
    assert not Invitation.objects.exists()


def test_a_hub_admin_invites_ift_staff_and_la_leads(world):
    _invite(world, actor_key="hub_admin", role=Role.LA_LEAD, email="lead2@example.org")
    services.invitation_create(
        actor=world["hub_admin"],
        email="tutor9@example.org",
        full_name="T",
        organisation=world.ift,
        role=Role.TUTOR,
    )
    assert Invitation.objects.count() == 2


def test_the_accept_page_refuses_an_expired_link_plainly(world, client):
    invitation, token = _invite(world)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 410
    assert "This invitation expired on" in response.content.decode()


def test_the_accept_page_keeps_the_name_when_the_passwords_differ_then_signs_in(world, client):
    _invitation, token = _invite(world)
    response = client.post(
        f"/invite/{token}/",
        {"full_name": "Nia Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The two passwords are different" in page
    assert 'value="Nia Person"' in page
    response = client.post(
        f"/invite/{token}/",
        {"full_name": "Nia Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Welcome, Nia" in response.content.decode()
    # The link is now spent.
    client.logout()
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 410 and "already been used" in response.content.decode()


def test_a_weak_password_is_refused_next_to_the_field(world, client):
    _invitation, token = _invite(world)
    response = client.post(
        f"/invite/{token}/", {"full_name": "Nia", "password1": "12345678", "password2": "12345678"}
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode() or "too common" in response.content.decode()
    assert not Invitation.objects.get().accepted_at


def test_inviting_through_the_people_page_reports_errors_next_to_fields(world, client):
    client.force_login(world["t_la_lead"])
    response = client.post(
        f"/manage/people/{world.treatment.pk}/",
        {
            "full_name": "Kim",
            "email": "not-an-email",
            "role": Role.KEYWORKER,
            "team": world.treatment.teams.first().pk,
        },
    )
    assert response.status_code == 200
    assert "Enter an email address like name@council.gov.uk." in response.content.decode()
    assert 'value="Kim"' in response.content.decode()
    assert not Invitation.objects.exists()
    response = client.post(
        f"/manage/people/{world.treatment.pk}/",
        {
            "full_name": "Kim",
            "email": "kim@example.org",
            "role": Role.KEYWORKER,
            "team": world.treatment.teams.first().pk,
        },
    )
    assert response.status_code == 200
    assert Invitation.objects.get().email == "kim@example.org"


def _invite_the_tutor_as_content_editor(world):
    return services.invitation_create(
        actor=world["hub_admin"],
        email=world["tutor"].email.upper(),
        full_name="Tutor",
        organisation=world.ift,
        role=Role.CONTENT_EDITOR,
    )


def test_an_existing_account_confirms_without_a_password_and_then_signs_in_with_its_second_factor(
    world, client
):
    tutor = world["tutor"]
    assert has_totp(tutor)
    invitation, token = _invite_the_tutor_as_content_editor(world)
    page = client.get(f"/invite/{token}/").content.decode()
    assert "You already have an account" in page and "Accept the invitation" in page
    assert 'type="password"' not in page
    # Password fields sent anyway are ignored: the link is no way to set a password.
    response = client.post(
        f"/invite/{token}/", {"full_name": "Someone", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    login_page = client.get(response["Location"]).content.decode()
    assert "You already have an account: sign in to use your new role." in login_page
    assert client.get("/").status_code == 302  # nobody is signed in
    tutor.refresh_from_db()
    assert tutor.check_password(PASSWORD) and tutor.full_name != "Someone"
    assert Membership.objects.filter(user=tutor, organisation=world.ift, role=Role.CONTENT_EDITOR).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == tutor and invitation.accepted_at
    assert client.get(f"/invite/{token}/").status_code == 410
    # Signing in goes through the second factor as ever.
    response = client.post(reverse("account_login"), {"login": tutor.email, "password": PASSWORD})
    assert response.status_code == 302 and "2fa" in response["Location"]
    assert client.get("/").status_code == 302


def test_the_new_account_service_never_touches_an_existing_account(world):
    invitation, token = _invite_the_tutor_as_content_editor(world)
    with pytest.raises(services.InvitationForExistingAccount):
        services.invitation_accept(token=token, password=NEW_PASSWORD)
    world["tutor"].refresh_from_db()
    assert world["tutor"].check_password(PASSWORD)
    assert not Membership.objects.filter(user=world["tutor"], role=Role.CONTENT_EDITOR).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_joining_needs_an_existing_account(world):
    _invitation, token = _invite(world)
    with pytest.raises(services.InvitationError, match="no account"):
        services.invitation_join(token=token)


def test_a_password_form_sent_after_the_account_was_made_elsewhere_only_adds_the_role(world, client):
    _invitation, token = _invite(world)
    assert 'type="password"' in client.get(f"/invite/{token}/").content.decode()
    person = make_user(email="new.person@example.org")
    response = client.post(
        f"/invite/{token}/", {"full_name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and access.home_la(person) == world.treatment
    assert client.get("/").status_code == 302


def test_a_role_an_existing_account_cannot_take_is_explained_on_the_confirm_page(world, client):
    # A keyworker belongs to one LA: an invitation to be a keyworker elsewhere cannot be used.
    invitation, token = _invite(world, actor_key="hub_admin", email=world["o_keyworker"].email)
    response = client.post(f"/invite/{token}/")
    assert response.status_code == 400
    assert "a keyworker belongs to one local authority" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
