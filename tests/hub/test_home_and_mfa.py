from __future__ import annotations

import re

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hub.models import Role
from hub.notifications.services import notification_mark_read, notify
from tests.factories import PASSWORD, add_totp, make_la, make_org, make_user


def test_a_keyworker_lands_on_a_home_page_that_says_who_they_are(world, client):
    client.force_login(world["t_keyworker"])
    page = client.get("/").content.decode()
    assert "Keyworker in Treatville Council" in page
    assert "Organisations" not in page and "Audit log" not in page


def test_a_hub_admin_lands_on_a_home_page_with_the_admin_tasks(world, client):
    client.force_login(world["hub_admin"])
    page = client.get("/").content.decode()
    assert "Local authorities and organisations" in page and "Audit log" in page


def test_a_control_keyworker_is_told_their_la_is_in_the_comparison_group(world, client):
    client.force_login(world["c_keyworker"])
    assert "comparison group" in client.get("/").content.decode()


def test_staff_without_two_factor_sign_in_are_sent_to_set_it_up_first(db, client):
    for role in (Role.HUB_ADMIN, Role.DELIVERY_LEAD, Role.TUTOR):
        person = make_user(role, make_org("ift"), mfa=False)
        client.force_login(person)
        for path in ("/", "/notifications/", "/manage/audit/"):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"].startswith(
                "/accounts/2fa/totp/activate/"
            )
        add_totp(person)
        assert client.get("/notifications/").status_code == 200


def test_an_la_lead_and_an_evaluator_also_need_two_factor_sign_in(db, client):
    for person in (
        make_user(Role.LA_LEAD, make_la(), mfa=False),
        make_user(Role.EVALUATOR, make_org("evaluator"), mfa=False),
    ):
        client.force_login(person)
        assert client.get("/").status_code == 302


def test_keyworkers_are_not_forced_to_set_up_two_factor_sign_in(db, client):
    client.force_login(make_user(Role.KEYWORKER, make_la()))
    assert client.get("/").status_code == 200


def test_the_sign_in_page_refuses_a_wrong_password_and_an_unknown_email_alike(db, client):
    make_user(Role.KEYWORKER, make_la(), email="kw@example.org")
    for email in ("kw@example.org", "nobody@example.org"):
        response = client.post("/accounts/login/", {"login": email, "password": "wrong-password"})
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in response.content.decode()


def test_repeated_failed_sign_ins_are_rate_limited(db, client):
    make_user(Role.KEYWORKER, make_la(), email="kw@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "kw@example.org", "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": "kw@example.org", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_behind_a_proxy_failed_sign_ins_are_counted_per_forwarded_address(db, client, settings):
    make_user(Role.KEYWORKER, make_la(), email="kw@example.org")

    def fail(address: str) -> str:
        response = client.post(
            "/accounts/login/",
            {"login": f"someone-{address}@example.org", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=address,
        )
        return response.content.decode()

    # Without a trusted proxy the header is ignored: every attempt is the connection's address.
    for n in range(5):
        fail(f"10.0.0.{n}")
    assert "Too many failed login attempts" in fail("10.0.0.9")

    client.cookies.clear()
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        fail("10.0.1.1")
    assert "Too many failed login attempts" in fail("10.0.1.1")
    response = client.post(
        "/accounts/login/", {"login": "kw@example.org", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="10.0.1.2"
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_there_is_no_open_sign_up(db, client):
    response = client.post(
        "/accounts/signup/", {"email": "me@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert "Sign Up Closed" in response.content.decode()
    from hub.models import User

    assert not User.objects.filter(email="me@example.org").exists()


def test_a_notification_shows_in_the_header_and_goes_out_by_email(
    world, client, django_capture_on_commit_callbacks
):
    person = world["t_keyworker"]
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, title="Your session moved", body="Now at 11:00.", url="/notifications/")
    assert mail.outbox[-1].subject.endswith("Your session moved")
    client.force_login(person)
    page = client.get("/notifications/").content.decode()
    assert "Your session moved" in page and 'aria-label="1 unread"' in page
    client.post("/notifications/read/")
    assert 'aria-label="1 unread"' not in client.get("/notifications/").content.decode()


def test_a_title_typed_with_line_breaks_still_goes_out_by_email_on_one_subject_line(
    world, django_capture_on_commit_callbacks
):
    """Titles carry what people typed (a session's title, a person's name): a line
    break in one must neither add a mail header nor stop the email going."""
    person = world["t_keyworker"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, title="Group reflective practice\r\nBcc: everyone@example.org\nis cancelled")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject.endswith("Group reflective practice Bcc: everyone@example.org is cancelled")
    assert message.bcc == [] and message.to == [person.email]
    assert message.message()["Bcc"] is None


def test_a_switched_off_account_gets_no_email(world, django_capture_on_commit_callbacks):
    """The mailbox of someone who has left may now be read by someone else: what the
    hub tells them (a consultation the practitioner cancelled, say) stays in the hub."""
    person = world["t_keyworker"]
    person.is_active = False
    person.save(update_fields=["is_active"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(person, title="Consultation on Monday 3 March 2025 at 10:00 cancelled", url="/")
    assert mail.outbox == []
    assert person.notifications.get() == note


def test_the_notification_list_makes_the_same_queries_for_one_and_fifty(
    world, client, django_assert_num_queries
):
    person = world["t_keyworker"]
    client.force_login(person)
    notify(person, title="one", email=False)
    client.get("/notifications/")
    # Each measured page follows a new notification, so each counts the unread afresh.
    notify(person, title="two", email=False)
    with CaptureQueriesContext(connection) as two:
        client.get("/notifications/")
    baseline = len(two.captured_queries)
    for n in range(48):
        notify(person, title=f"n{n}", email=False)
    with django_assert_num_queries(baseline):
        client.get("/notifications/")


def _badge_and_counts(client) -> tuple[str | None, int]:
    """The header's unread badge on a page, and how many queries read notifications."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/accessibility/").content.decode()
    counted = sum('"notifications_notification"' in q["sql"] for q in queries.captured_queries)
    badge = re.search(r'aria-label="(\d+) unread"', page)
    return (badge.group(1) if badge else None), counted


def test_the_unread_count_is_kept_until_a_notification_is_added_or_read(world, client):
    person = world["t_keyworker"]
    client.force_login(person)
    first = notify(person, title="Your session moved", email=False)
    assert _badge_and_counts(client) == ("1", 1)
    assert _badge_and_counts(client) == ("1", 0)  # kept: every page shows it
    notify(person, title="A reply in your thread", email=False)
    assert _badge_and_counts(client) == ("2", 1)
    notification_mark_read(user=person, notification_id=first.pk)
    assert _badge_and_counts(client) == ("1", 1)
    notify(world["o_keyworker"], title="Someone else's", email=False)
    assert _badge_and_counts(client) == ("1", 0)  # another person's change keeps this one
    client.post("/notifications/read/")
    assert _badge_and_counts(client) == (None, 1)
    assert _badge_and_counts(client) == (None, 0)


def test_a_request_records_the_day_a_person_was_last_active(world, client):
    from hub.models import User

    person = world["t_keyworker"]
    User.objects.filter(pk=person.pk).update(last_active_at=None)
    client.force_login(person)
    client.get("/")
    person.refresh_from_db()
    assert person.last_active_at is not None
