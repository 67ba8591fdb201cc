from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hub.forum import selectors, services
from hub.forum.models import ModerationAction, Post, Preference
from hub.models import AuditEvent, Role
from hub.notifications.models import Notification
from tests.factories import make_user


def test_a_reply_is_stored_cleaned_and_reaches_open_pages_only_on_commit(
    world, boards, broadcasts, django_capture_on_commit_callbacks
):
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="Hello", body="Hi all"
    )
    broadcasts.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = services.post_create(
            user=world["o_keyworker"], thread=thread, body="<script>alert(1)</script> **welcome**"
        )
        assert broadcasts == []
    for callback in callbacks:
        callback()
    assert "<script" not in post.html
    assert "<strong>welcome</strong>" in post.html
    kinds = [(group, event["type"]) for group, event in broadcasts]
    assert kinds == [(thread.group_name, "post.created"), (boards["all"].group_name, "thread.updated")]
    thread.refresh_from_db()
    assert thread.post_count == 2 and thread.last_post_id == post.pk


def test_a_post_over_ten_thousand_characters_is_refused_with_the_limit_named(world, boards):
    with pytest.raises(ValidationError) as exc:
        services.thread_create(
            user=world["t_keyworker"], board=boards["all"], title="Long", body="x" * 10_001
        )
    assert "10,000" in exc.value.message_dict["body"][0]


def test_posting_is_rate_limited_per_person_over_any_sixty_seconds(world, boards, settings):
    settings.FORUM_POSTS_PER_MINUTE = 3
    keyworker = world["t_keyworker"]
    started = time.time()
    thread = services.thread_create(user=keyworker, board=boards["all"], title="Quick", body="one")
    services.post_create(user=keyworker, thread=thread, body="two")
    services.post_create(user=keyworker, thread=thread, body="three")
    with pytest.raises(ValidationError) as exc:
        services.post_create(user=keyworker, thread=thread, body="four")
    message = exc.value.message_dict["body"][0]
    assert message.startswith("You have posted 3 times in the last minute, the most the forum allows.")
    wait = int(re.search(r"You can post again in (\d+) seconds?\.", message).group(1))
    assert 60 - (time.time() - started) <= wait <= 60
    assert Post.objects.filter(thread=thread).count() == 3  # nothing of the refused post is stored
    # Someone else is not held back.
    services.post_create(user=world["o_keyworker"], thread=thread, body="mine")


def test_a_control_keyworker_cannot_post_anywhere(world, boards):
    with pytest.raises(PermissionDenied):
        services.thread_create(user=world["c_keyworker"], board=boards["all"], title="x", body="y")


def test_an_la_board_is_for_its_own_people(world, boards):
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["la"], title="Ours", body="Team day"
    )
    with pytest.raises(PermissionDenied):
        services.post_create(user=world["o_keyworker"], thread=thread, body="Can I come?")


def test_edit_shows_edited_and_removal_leaves_a_marker(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = thread.posts.get()
    with pytest.raises(PermissionDenied):
        services.post_edit(user=world["o_keyworker"], post=post, body="hijack")
    services.post_edit(user=world["t_keyworker"], post=post, body="first, edited")
    reply = services.post_create(user=world["o_keyworker"], thread=thread, body="a reply to remove")
    services.post_remove(user=world["o_keyworker"], post=reply)
    client.force_login(world["t_keyworker"])
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "first, edited" in page and "edited</span>" in page
    assert "Post removed" in page and "a reply to remove" not in page


def test_quote_in_reply_shows_the_quoted_post(world, boards, client):
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="T", body="quote me"
    )
    first = thread.posts.get()
    services.post_create(user=world["o_keyworker"], thread=thread, body="agreed", quote_of=first)
    client.force_login(world["o_keyworker"])
    page = client.get(thread.get_absolute_url()).content.decode()
    assert "T Keyworker wrote:" in page


def test_mentions_notify_people_who_can_read_the_board_in_app_and_by_email(
    world, boards, mailoutbox, django_capture_on_commit_callbacks
):
    world["t_keyworker"].full_name = "Amira Adams"
    world["t_keyworker"].save()
    world["c_keyworker"].full_name = "Ben Clarke"
    world["c_keyworker"].save()
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(
            user=world["o_keyworker"],
            board=boards["all"],
            title="Genograms",
            body="@Amira Adams and @Ben Clarke, what do you think?",
        )
    assert (
        Notification.objects.filter(user=world["t_keyworker"], title__contains="mentioned you").count() == 1
    )
    # A control-arm person is never told about the forum.
    assert not Notification.objects.filter(user=world["c_keyworker"]).exists()
    assert [m.to for m in mailoutbox] == [["t_keyworker@example.org"]]
    assert thread.title in mailoutbox[0].subject


def test_mention_autocomplete_lists_only_people_who_can_read_the_board(world, boards):
    world["t_keyworker"].full_name = "Sam Shah"
    world["t_keyworker"].save()
    world["o_keyworker"].full_name = "Sam Other"
    world["o_keyworker"].save()
    world["c_keyworker"].full_name = "Sam Control"
    world["c_keyworker"].save()
    names = [p["name"] for p in selectors.mention_candidates(board=boards["la"], query="sam")]
    assert names == ["Sam Shah"]
    names = [p["name"] for p in selectors.mention_candidates(board=boards["all"], query="sam")]
    assert sorted(names) == ["Sam Other", "Sam Shah"]


def test_followers_hear_of_replies_and_digest_people_get_no_email_per_post(
    world, boards, mailoutbox, django_capture_on_commit_callbacks
):
    services.follow_set(user=world["t_practitioner"], board=boards["all"], following=True)
    services.preference_set(user=world["t_practitioner"], daily_digest=True)
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="one")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_create(user=world["o_keyworker"], thread=thread, body="two")
    # The thread's author follows it and gets an email; the digest person only an in-app note.
    assert [m.to for m in mailoutbox] == [["t_keyworker@example.org"]]
    assert Notification.objects.filter(user=world["t_practitioner"]).count() == 2


def test_the_daily_digest_lists_new_posts_in_followed_threads_once(
    world, boards, mailoutbox, django_capture_on_commit_callbacks
):
    person = world["t_practitioner"]
    services.preference_set(user=person, daily_digest=True)
    Preference.objects.filter(user=person).update(last_digest_at=timezone.now() - dt.timedelta(hours=1))
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="Circular questions", body="a"
    )
    services.follow_set(user=person, thread=thread, following=True)
    services.post_create(user=world["o_keyworker"], thread=thread, body="try asking who noticed first")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 1
    assert len(mailoutbox) == 1
    assert "Circular questions" in mailoutbox[0].body and "who noticed first" in mailoutbox[0].body
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 0
    assert mailoutbox == []


def _deactivate(person):
    person.is_active = False
    person.save(update_fields=["is_active"])


def test_a_deactivated_person_gets_no_daily_digest(
    world, boards, mailoutbox, django_capture_on_commit_callbacks
):
    person = world["t_practitioner"]
    services.preference_set(user=person, daily_digest=True)
    Preference.objects.filter(user=person).update(last_digest_at=timezone.now() - dt.timedelta(hours=1))
    services.follow_set(user=person, board=boards["all"], following=True)
    services.thread_create(user=world["t_keyworker"], board=boards["all"], title="News", body="hello")
    _deactivate(person)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 0
    assert mailoutbox == []


def test_a_deactivated_person_is_not_told_of_mentions_nor_of_replies_they_follow(
    world, boards, mailoutbox, django_capture_on_commit_callbacks
):
    person = world["t_practitioner"]
    person.full_name = "Dana Left"
    person.save()
    services.follow_set(user=person, board=boards["all"], following=True)
    _deactivate(person)
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(
            user=world["t_keyworker"], board=boards["all"], title="T", body="@Dana Left, hi"
        )
    assert not Notification.objects.filter(user=person).exists()
    assert "t_practitioner@example.org" not in [to for m in mailoutbox for to in m.to]


def test_a_hidden_post_is_reported_by_moderators_only(world, boards):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = services.post_create(user=world["t_practitioner"], thread=thread, body="rude")
    services.post_hide(moderator=world["delivery_lead"], post=post)
    with pytest.raises(PermissionDenied):
        services.post_report(user=world["o_keyworker"], post=post, reason="Still rude")
    assert services.post_report(user=world["delivery_lead"], post=post, reason="Keep hidden").pk


def test_a_reply_never_quotes_a_removed_or_hidden_post(world, boards):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    removed = services.post_create(user=world["t_practitioner"], thread=thread, body="taken back")
    services.post_remove(user=world["t_practitioner"], post=removed)
    hidden = services.post_create(user=world["t_practitioner"], thread=thread, body="rude")
    services.post_hide(moderator=world["delivery_lead"], post=hidden)
    for quoted in (removed, hidden):
        reply = services.post_create(
            user=world["delivery_lead"], thread=thread, body="reply", quote_of=quoted
        )
        assert reply.quote_of is None


def test_the_digest_command_sends_the_digest(world, boards, mailoutbox, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    person = world["t_practitioner"]
    services.preference_set(user=person, daily_digest=True)
    Preference.objects.filter(user=person).update(last_digest_at=timezone.now() - dt.timedelta(hours=1))
    services.follow_set(user=person, board=boards["all"], following=True)
    services.thread_create(user=world["t_keyworker"], board=boards["all"], title="Digest me", body="hello")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("forum_digest")
    assert len(mailoutbox) == 1 and "Digest me" in mailoutbox[0].body


def test_moderators_hide_and_restore_and_every_step_is_logged(
    world, boards, broadcasts, django_capture_on_commit_callbacks
):
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="T", body="rude words"
    )
    post = thread.posts.get()
    report = services.post_report(user=world["o_keyworker"], post=post, reason="Unkind")
    assert list(selectors.open_reports()) == [report]
    with pytest.raises(PermissionDenied):
        services.post_hide(moderator=world["tutor"], post=post)
    broadcasts.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(moderator=world["delivery_lead"], post=post, note="unkind")
    assert list(selectors.open_reports()) == []
    assert (thread.group_name, {"type": "post.hidden", "id": post.pk}) in broadcasts
    assert post not in selectors.posts_for_thread(thread=thread, user=world["o_keyworker"])
    assert post in selectors.posts_for_thread(thread=thread, user=world["delivery_lead"])
    services.post_restore(moderator=world["delivery_lead"], post=post)
    services.thread_set_flags(moderator=world["delivery_lead"], thread=thread, locked=True, pinned=True)
    log = list(ModerationAction.objects.order_by("pk").values_list("action", "actor__email"))
    assert log == [
        ("hide", "delivery_lead@example.org"),
        ("restore", "delivery_lead@example.org"),
        ("lock", "delivery_lead@example.org"),
        ("pin", "delivery_lead@example.org"),
    ]
    assert AuditEvent.objects.filter(action__startswith="forum.").count() == 4


def test_a_forum_moderator_role_may_moderate(world, boards):
    mod = make_user(Role.MODERATOR, world.treatment)
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="x")
    services.post_hide(moderator=mod, post=thread.posts.get())
    assert Post.objects.get().hidden_by == mod


def test_a_locked_thread_takes_no_more_replies_except_from_moderators(world, boards):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="x")
    services.thread_set_flags(moderator=world["delivery_lead"], thread=thread, locked=True)
    with pytest.raises(ValidationError) as exc:
        services.post_create(user=world["t_keyworker"], thread=thread, body="more")
    assert "locked" in exc.value.message_dict["body"][0]
    services.post_create(user=world["delivery_lead"], thread=thread, body="Closing this thread.")


def test_unread_markers_are_per_person(world, boards):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="x")
    services.post_create(user=world["o_keyworker"], thread=thread, body="y")
    mine = selectors.threads_for_board(board=boards["all"], user=world["t_keyworker"]).get()
    theirs = selectors.threads_for_board(board=boards["all"], user=world["o_keyworker"]).get()
    reader = selectors.threads_for_board(board=boards["all"], user=world["t_practitioner"]).get()
    assert selectors.is_unread(mine) and not selectors.is_unread(theirs) and selectors.is_unread(reader)
    services.thread_mark_read(user=world["t_keyworker"], thread=thread)
    mine = selectors.threads_for_board(board=boards["all"], user=world["t_keyworker"]).get()
    assert not selectors.is_unread(mine)


def test_search_finds_only_what_the_person_may_read(world, boards):
    services.thread_create(
        user=world["t_keyworker"], board=boards["la"], title="Genogram workshop", body="ours"
    )
    services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="Genograms", body="everyone's"
    )
    mine = {p.thread.title for p in selectors.search(user=world["t_keyworker"], query="genogram workshop")}
    theirs = {p.thread.title for p in selectors.search(user=world["o_keyworker"], query="genogram workshop")}
    assert "Genogram workshop" in mine
    assert "Genogram workshop" not in theirs
    assert selectors.search(user=world["c_keyworker"], query="genogram") == []


def test_board_access_by_role(world, boards):
    from hub import access

    def readable(key):
        return {
            b.kind if b.kind != "la" else f"la:{b.organisation.name}"
            for b in selectors.readable_boards(world[key])
        }

    assert readable("t_keyworker") == {"all", "la:Treatville Council"}
    assert readable("t_practitioner") == {"all", "la:Treatville Council", "practitioners"}
    assert readable("tutor") == {"all", "champions", "practitioners", "staff"}
    assert "la:Otherton Council" in readable("delivery_lead")
    assert readable("c_keyworker") == set() and readable("evaluator") == set()
    assert not access.can_read_forum_board(world["o_keyworker"], boards["la"])
