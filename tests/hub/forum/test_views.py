"""The forum's pages, with JavaScript off: plain forms, errors next to fields, and
query counts that do not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.forum import selectors, services
from hub.forum.models import Follow, Post, ReadMarker, Report, Thread


def _reply_url(thread):
    return reverse("forum_thread_reply", kwargs={"thread_id": thread.pk})


def test_starting_a_thread_and_replying_with_plain_forms(world, boards, client):
    client.force_login(world["t_keyworker"])
    response = client.post(boards["all"].get_absolute_url(), {"title": "Hello", "body": "First **post**"})
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    response = client.post(_reply_url(thread), {"body": "A reply"}, follow=True)
    assert response.status_code == 200
    assert "A reply" in response.content.decode() and "<strong>post</strong>" in response.content.decode()


def test_an_empty_or_too_long_post_is_refused_next_to_the_field_and_the_text_kept(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="x")
    client.force_login(world["t_keyworker"])
    long = "word " * 2001
    response = client.post(_reply_url(thread), {"body": long})
    page = response.content.decode()
    assert response.status_code == 400
    assert "the limit is 10,000" in page and 'class="error-message"' in page
    assert "word word word" in page
    response = client.post(boards["all"].get_absolute_url(), {"title": "", "body": "kept text"})
    assert response.status_code == 400
    assert (
        "Give your thread a title." in response.content.decode() and "kept text" in response.content.decode()
    )


def test_the_rate_limit_message_is_shown(world, boards, client, settings):
    settings.FORUM_POSTS_PER_MINUTE = 1
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="x")
    client.force_login(world["t_keyworker"])
    response = client.post(_reply_url(thread), {"body": "again"})
    assert response.status_code == 400
    assert "You have posted 1 time in the last minute" in response.content.decode()
    assert "You can post again in" in response.content.decode()
    assert "again</textarea>" in response.content.decode()  # what was typed is kept


def test_backfill_returns_exactly_the_posts_after_the_last_one_a_page_has(world, boards, client, many_posts):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="0")
    posts = [services.post_create(user=world["o_keyworker"], thread=thread, body=str(n)) for n in range(1, 6)]
    services.post_hide(moderator=world["delivery_lead"], post=posts[3])
    client.force_login(world["t_keyworker"])
    url = reverse("forum_thread_posts_json", kwargs={"thread_id": thread.pk})
    got = client.get(url, {"after": posts[1].pk}).json()["posts"]
    assert [p["id"] for p in got] == [posts[2].pk, posts[4].pk]
    assert client.get(url, {"after": posts[4].pk}).json()["posts"] == []
    assert client.get(url, {"after": "x"}).status_code == 400


def _backfill(client, thread, **params):
    url = reverse("forum_thread_posts_json", kwargs={"thread_id": thread.pk})
    return client.get(url, params)


def test_backfill_returns_the_posts_edited_removed_hidden_or_restored_since_the_pages_mark(
    world, boards, client, many_posts
):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="0")
    posts = [thread.posts.get()] + [
        services.post_create(user=world["t_keyworker"], thread=thread, body=str(n)) for n in range(1, 6)
    ]
    services.post_hide(moderator=world["delivery_lead"], post=posts[4])
    client.force_login(world["o_keyworker"])
    page = client.get(thread.get_absolute_url()).content.decode()
    since = re.search(r'data-since="([^"]+)"', page).group(1)
    after = posts[-1].pk
    services.post_edit(user=world["t_keyworker"], post=posts[0], body="edited")
    services.post_remove(user=world["t_keyworker"], post=posts[1])
    services.post_hide(moderator=world["delivery_lead"], post=posts[2])
    services.post_restore(moderator=world["delivery_lead"], post=posts[4])
    answer = _backfill(client, thread, after=after, since=since).json()
    got = {p["id"]: p for p in answer["posts"]}
    assert list(got) == [posts[0].pk, posts[1].pk, posts[4].pk]
    assert got[posts[0].pk]["html"] == "<p>edited</p>" and got[posts[0].pk]["edited"]
    assert got[posts[1].pk]["removed"] and got[posts[1].pk]["html"] == ""
    assert answer["hidden"] == [posts[2].pk]
    assert dt.datetime.fromisoformat(answer["since"]) <= timezone.now()
    # Asked again with a later mark, nothing has changed since.
    later = (timezone.now() + dt.timedelta(seconds=1)).isoformat()
    again = _backfill(client, thread, after=after, since=later).json()
    assert (again["posts"], again["hidden"]) == ([], [])


def test_a_moderators_backfill_has_the_hidden_post_itself(world, boards, client, many_posts):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="0")
    post = thread.posts.get()
    since = timezone.now() - dt.timedelta(seconds=1)
    services.post_hide(moderator=world["delivery_lead"], post=post)
    client.force_login(world["delivery_lead"])
    answer = _backfill(client, thread, after=post.pk, since=since.isoformat()).json()
    assert ([p["id"] for p in answer["posts"]], answer["hidden"]) == ([post.pk], [])


def test_backfill_refuses_a_since_that_is_not_a_time_with_its_offset(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="0")
    client.force_login(world["t_keyworker"])
    for since in ("yesterday", "2025-02-30T10:00:00+00:00", "2025-01-01T10:00:00"):
        assert _backfill(client, thread, after=0, since=since).status_code == 400


@pytest.mark.parametrize("changed", [1, 20])
def test_backfill_of_changed_posts_costs_the_same_queries_however_many_changed(
    world, boards, client, many_posts, django_assert_num_queries, changed
):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="0")
    posts = [services.post_create(user=world["t_keyworker"], thread=thread, body=str(n)) for n in range(20)]
    since = timezone.now() - dt.timedelta(seconds=1)
    for post in posts[:changed]:
        services.post_edit(user=world["t_keyworker"], post=post, body="edited")
        services.post_hide(moderator=world["delivery_lead"], post=post)
        services.post_restore(moderator=world["delivery_lead"], post=post)
    client.force_login(world["o_keyworker"])
    params = {"after": posts[-1].pk, "since": since.isoformat()}
    _backfill(client, thread, **params)
    with django_assert_num_queries(QUERIES["backfill"]):
        assert len(_backfill(client, thread, **params).json()["posts"]) == changed


def test_a_later_board_page_knows_the_boards_newest_post_and_marks_pinned_threads(
    world, boards, client, many_posts
):
    threads = [
        services.thread_create(user=world["t_keyworker"], board=boards["all"], title=f"T{n}", body="x")
        for n in range(31)
    ]
    services.thread_set_flags(moderator=world["delivery_lead"], thread=threads[0], pinned=True)
    client.force_login(world["o_keyworker"])
    first = client.get(boards["all"].get_absolute_url()).content.decode()
    assert f'<li data-thread-id="{threads[0].pk}" data-pinned="1"' in first
    assert f'<li data-thread-id="{threads[-1].pk}" class' in first
    second = client.get(boards["all"].get_absolute_url(), {"page": 2}).content.decode()
    newest = threads[-1].posts.get().pk
    assert f'data-last-post-id="{newest}" data-page="2"' in second
    assert 'id="forum-newer" class="forum-newer" hidden><a href="/forum/boards/' in second


def test_report_hide_and_the_queue(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="rude")
    post = thread.posts.get()
    client.force_login(world["o_keyworker"])
    response = client.post(reverse("forum_post_report", kwargs={"post_id": post.pk}), {"reason": ""})
    assert response.status_code == 400 and "Say what is wrong" in response.content.decode()
    client.post(reverse("forum_post_report", kwargs={"post_id": post.pk}), {"reason": "Unkind"})
    assert Report.objects.get().reason == "Unkind"
    client.force_login(world["delivery_lead"])
    assert "Unkind" in client.get(reverse("forum_reports")).content.decode()
    client.post(reverse("forum_post_moderate", kwargs={"post_id": post.pk}), {"action": "hide"})
    assert Post.objects.get().hidden_at is not None
    client.force_login(world["o_keyworker"])
    assert "rude" not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(world["delivery_lead"])
    log = client.get(reverse("forum_moderation_log")).content.decode()
    assert "hide" in log and "Delivery Lead" in log


def test_a_hidden_post_cannot_be_reported_nor_its_text_seen_except_by_moderators(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = services.post_create(user=world["t_practitioner"], thread=thread, body="Text a moderator hid")
    services.post_hide(moderator=world["delivery_lead"], post=post)
    url = reverse("forum_post_report", kwargs={"post_id": post.pk})
    client.force_login(world["o_keyworker"])
    response = client.get(url)
    assert response.status_code == 403 and "Text a moderator hid" not in response.content.decode()
    assert client.post(url, {"reason": "Unkind"}).status_code == 403
    assert not Report.objects.exists()
    client.force_login(world["delivery_lead"])
    assert "Text a moderator hid" in client.get(url).content.decode()


def test_the_author_of_a_hidden_post_may_still_remove_it(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = services.post_create(user=world["t_practitioner"], thread=thread, body="Text a moderator hid")
    services.post_hide(moderator=world["delivery_lead"], post=post)
    url = reverse("forum_post_remove", kwargs={"post_id": post.pk})
    client.force_login(world["t_practitioner"])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    post.refresh_from_db()
    assert post.removed_at is not None


@pytest.mark.parametrize("how", ["removed by its author", "hidden by a moderator"])
def test_a_removed_or_hidden_post_is_not_quoted_on_the_thread_page_nor_in_a_reply(world, boards, client, how):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = services.post_create(user=world["t_practitioner"], thread=thread, body="Words taken back")
    if how == "removed by its author":
        services.post_remove(user=world["t_practitioner"], post=post)
    else:
        services.post_hide(moderator=world["delivery_lead"], post=post)
    for reader in ("o_keyworker", "delivery_lead"):
        client.force_login(world[reader])
        page = client.get(thread.get_absolute_url(), {"quote": post.pk}).content.decode()
        assert "Quoting" not in page and "Words taken back" not in page.split('id="reply"')[1], reader
    client.force_login(world["o_keyworker"])
    client.post(_reply_url(thread), {"body": "My reply", "quote_of": post.pk})
    assert Post.objects.get(body="My reply").quote_of is None


def test_a_post_shown_to_everyone_is_quoted_on_the_thread_page_and_in_the_reply(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    post = services.post_create(user=world["t_practitioner"], thread=thread, body="Worth quoting")
    client.force_login(world["o_keyworker"])
    page = client.get(thread.get_absolute_url(), {"quote": post.pk}).content.decode()
    assert "Quoting" in page and "Worth quoting" in page.split('id="reply"')[1]
    client.post(_reply_url(thread), {"body": "My reply", "quote_of": post.pk})
    assert Post.objects.get(body="My reply").quote_of == post


@pytest.mark.parametrize("quote", ["²", "x", "-1", "9" * 30, ""])
def test_a_quote_that_is_not_a_post_number_shows_the_thread_without_a_quote(world, boards, client, quote):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="first")
    client.force_login(world["o_keyworker"])
    response = client.get(thread.get_absolute_url(), {"quote": quote})
    assert response.status_code == 200 and "Quoting" not in response.content.decode()


def test_marking_one_notification_read_with_an_id_that_is_not_a_number_is_refused(world, boards, client):
    from hub.notifications.models import Notification
    from hub.notifications.services import notify

    person = world["o_keyworker"]
    first = notify(person, title="One", email=False)
    notify(person, title="Two", email=False)
    client.force_login(person)
    url = reverse("notification_read")
    for bad in ("²", "all", "1.5"):
        assert client.post(url, {"id": bad}).status_code == 400
    assert Notification.objects.filter(user=person, read_at__isnull=True).count() == 2
    client.post(url, {"id": first.pk})
    assert list(
        Notification.objects.filter(user=person, read_at__isnull=True).values_list("title", flat=True)
    ) == ["Two"]
    client.post(url)  # no id: "Mark all as read"
    assert not Notification.objects.filter(user=person, read_at__isnull=True).exists()


def test_a_person_edits_and_removes_their_own_post_through_the_pages(world, boards, client):
    thread = services.thread_create(user=world["t_keyworker"], board=boards["all"], title="T", body="typo")
    post = thread.posts.get()
    client.force_login(world["t_keyworker"])
    client.post(reverse("forum_post_edit", kwargs={"post_id": post.pk}), {"body": "fixed"})
    client.post(reverse("forum_post_remove", kwargs={"post_id": post.pk}))
    post.refresh_from_db()
    assert post.body == "fixed" and post.edited_at and post.removed_at


def test_search_and_preferences_pages(world, boards, client):
    services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="Genograms", body="family map"
    )
    client.force_login(world["o_keyworker"])
    assert "Genograms" in client.get(reverse("forum_search"), {"q": "family"}).content.decode()
    client.post(reverse("forum_preferences"), {"daily_digest": "on"})
    assert world["o_keyworker"].forum_preference.daily_digest is True


def test_backfill_marks_champions_with_one_query_for_any_number_of_posts(
    world, boards, client, many_posts, django_assert_max_num_queries
):
    from champions import services as champion_services

    nomination = champion_services.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=world["t_keyworker"], reason="r"
    )
    champion_services.nomination_approve(actor=world["tutor"], nomination=nomination)
    thread = services.thread_create(user=world["o_keyworker"], board=boards["all"], title="T", body="0")
    for n in range(10):
        author = world["t_keyworker"] if n % 2 else world["t_practitioner"]
        services.post_create(user=author, thread=thread, body=str(n))
    client.force_login(world["t_keyworker"])
    url = reverse("forum_thread_posts_json", kwargs={"thread_id": thread.pk})
    client.get(url, {"after": 0})
    with django_assert_max_num_queries(6):
        got = client.get(url, {"after": 0}).json()["posts"]
    assert [p["champion"] for p in got] == [False] + [bool(n % 2) for n in range(10)]


def test_mention_autocomplete_endpoint(world, boards, client):
    client.force_login(world["t_keyworker"])
    url = reverse("forum_mention_people", kwargs={"board_id": boards["la"].pk})
    names = [p["name"] for p in client.get(url, {"q": "t "}).json()["people"]]
    assert "T Practitioner" in names and "O Keyworker" not in " ".join(names)


@pytest.mark.parametrize("rows", [1, 50])
def test_the_board_page_query_count_does_not_grow_with_threads(
    world, boards, client, django_assert_num_queries, many_posts, rows
):
    for n in range(rows):
        services.thread_create(user=world["o_keyworker"], board=boards["all"], title=f"T{n}", body="x")
    client.force_login(world["t_keyworker"])
    client.get(boards["all"].get_absolute_url())
    with django_assert_num_queries(QUERIES["board"]):
        assert client.get(boards["all"].get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [10, 200])
def test_the_thread_page_query_count_does_not_grow_with_posts(
    world, boards, client, django_assert_num_queries, many_posts, rows
):
    thread = services.thread_create(user=world["o_keyworker"], board=boards["all"], title="T", body="x")
    first = thread.posts.get()
    for n in range(rows - 1):
        services.post_create(user=world["t_practitioner"], thread=thread, body=f"reply {n}", quote_of=first)
    client.force_login(world["t_keyworker"])
    client.get(thread.get_absolute_url())
    with django_assert_num_queries(QUERIES["thread"]):
        assert client.get(thread.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_the_forum_index_query_count_does_not_grow_with_threads(
    world, boards, client, django_assert_num_queries, many_posts, rows
):
    for n in range(rows):
        services.thread_create(user=world["o_keyworker"], board=boards["all"], title=f"T{n}", body="x")
    client.force_login(world["t_keyworker"])
    client.get(reverse("forum_index"))
    with django_assert_num_queries(QUERIES["index"]):
        assert client.get(reverse("forum_index")).status_code == 200


@pytest.mark.parametrize("rows", [1, 50])
def test_posting_a_reply_costs_the_same_queries_however_long_the_thread(
    world, boards, client, django_assert_num_queries, many_posts, rows
):
    thread = services.thread_create(user=world["o_keyworker"], board=boards["all"], title="T", body="x")
    for n in range(rows - 1):
        services.post_create(user=world["o_keyworker"], thread=thread, body=f"reply {n}")
    client.force_login(world["t_keyworker"])
    client.post(_reply_url(thread), {"body": "first"}, HTTP_ACCEPT="application/json")
    with django_assert_num_queries(QUERIES["reply"]):
        response = client.post(_reply_url(thread), {"body": "second"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    thread.refresh_from_db()
    last = thread.posts.latest("pk")
    assert (thread.post_count, thread.last_post_id, thread.last_post_at) == (
        rows + 2,
        last.pk,
        last.created_at,
    )
    assert response.json()["post"]["id"] == last.pk


def test_a_first_reply_in_a_thread_costs_no_more_queries_than_a_later_one(
    world, boards, client, django_assert_num_queries, many_posts
):
    # The reply starts following the thread and moves the read marker in one statement
    # each, whether or not the person already follows it or has read it.
    thread = services.thread_create(user=world["o_keyworker"], board=boards["all"], title="T", body="x")
    client.force_login(world["t_keyworker"])
    client.get(thread.get_absolute_url())
    with django_assert_num_queries(QUERIES["reply"]):
        response = client.post(_reply_url(thread), {"body": "first"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 201
    assert Follow.objects.filter(user=world["t_keyworker"], thread=thread).count() == 1
    marker = ReadMarker.objects.get(user=world["t_keyworker"], thread=thread)
    assert marker.last_read_post_id == response.json()["post"]["id"]
    with django_assert_num_queries(QUERIES["reply"]):
        response = client.post(_reply_url(thread), {"body": "second"}, HTTP_ACCEPT="application/json")
    assert Follow.objects.filter(user=world["t_keyworker"], thread=thread).count() == 1
    marker.refresh_from_db()
    assert marker.last_read_post_id == response.json()["post"]["id"]


# The session comes from the cache (cached_db), not a query, and so, once read, do a
# person's memberships (hub/access.py), today's champions for the badges and the
# header's unread count (hub/notifications/selectors.py). The thread
# is loaded once per request, by the access rule, and the view uses it. A reply: the
# person, the thread, then in one transaction the post, the thread's counters (one
# UPDATE ... RETURNING), the follow and the read marker; tasks run at once in the
# tests, so the notification task's own queries (the post, the posts before it for
# the link to its page, digest choices, the followers, the notification) and
# savepoints count too. A board page also reads the board's newest post id.
QUERIES = {"board": 7, "thread": 7, "index": 2, "reply": 17}


def _long_thread(world, boards, *, replies: int = 50):
    """A thread whose last reply is the first post of page 2 (50 posts to a page)."""
    thread = services.thread_create(
        user=world["t_keyworker"], board=boards["all"], title="Long", body="first"
    )
    posts = [
        services.post_create(user=world["t_keyworker"], thread=thread, body=f"reply {n} zebra{n}")
        for n in range(replies)
    ]
    return thread, posts


def _opens_on_its_page(client, href: str, post) -> bool:
    path, _, anchor = href.partition("#")
    return anchor == f"post-{post.pk}" and f'id="post-{post.pk}"' in client.get(path).content.decode()


def test_a_search_result_links_to_the_page_its_post_is_on(world, boards, client, many_posts):
    thread, posts = _long_thread(world, boards)
    client.force_login(world["o_keyworker"])
    page = client.get(reverse("forum_search"), {"q": "zebra49"}).content.decode()
    href = f"{thread.get_absolute_url()}?page=2#post-{posts[-1].pk}"
    assert f'<a href="{href}">Long</a>' in page
    assert _opens_on_its_page(client, href, posts[-1])


def test_a_moderators_link_counts_the_hidden_posts_before_it_and_a_readers_does_not(
    world, boards, many_posts
):
    # 51 posts, one of them hidden: the last is on page 1 for readers, page 2 for moderators.
    thread, posts = _long_thread(world, boards)
    services.post_hide(moderator=world["delivery_lead"], post=posts[0])
    last = posts[-1]
    assert (
        selectors.post_url(last, user=world["o_keyworker"]) == f"{thread.get_absolute_url()}#post-{last.pk}"
    )
    assert last.get_absolute_url() == f"{thread.get_absolute_url()}#post-{last.pk}"
    assert selectors.post_url(last, user=world["delivery_lead"]) == (
        f"{thread.get_absolute_url()}?page=2#post-{last.pk}"
    )


def test_the_report_queue_and_moderation_log_link_to_the_page_the_post_is_on(
    world, boards, client, many_posts
):
    thread, posts = _long_thread(world, boards, replies=52)
    services.post_report(user=world["o_keyworker"], post=posts[-1], reason="Unkind")
    services.post_hide(moderator=world["delivery_lead"], post=posts[-2])
    client.force_login(world["delivery_lead"])
    queue = client.get(reverse("forum_reports")).content.decode()
    assert f'<a href="{thread.get_absolute_url()}?page=2#post-{posts[-1].pk}">Long</a>' in queue
    log = client.get(reverse("forum_moderation_log")).content.decode()
    href = f"{thread.get_absolute_url()}?page=2#post-{posts[-2].pk}"
    assert f'<a href="{href}">post {posts[-2].pk} in Long</a>' in log
    assert _opens_on_its_page(client, href, posts[-2])


def test_a_notification_about_a_reply_links_to_the_page_it_is_on(world, boards, many_posts):
    from hub.notifications.models import Notification

    thread, posts = _long_thread(world, boards, replies=49)
    services.follow_set(user=world["o_keyworker"], thread=thread, following=True)
    reply = services.post_create(user=world["t_keyworker"], thread=thread, body="The fiftieth reply")
    note = Notification.objects.filter(user=world["o_keyworker"]).latest("pk")
    assert note.url == f"{thread.get_absolute_url()}?page=2#post-{reply.pk}"


@pytest.mark.parametrize("rows", [1, 20])
def test_the_moderation_log_and_report_queue_query_counts_do_not_grow_with_rows(
    world, boards, client, django_assert_num_queries, many_posts, rows
):
    thread = services.thread_create(user=world["o_keyworker"], board=boards["all"], title="T", body="x")
    for n in range(rows):
        reported = services.post_create(user=world["o_keyworker"], thread=thread, body=f"reply {n}")
        services.post_report(user=world["t_keyworker"], post=reported, reason="Unkind")
        hidden = services.post_create(user=world["o_keyworker"], thread=thread, body=f"hidden {n}")
        services.post_hide(moderator=world["delivery_lead"], post=hidden)
    client.force_login(world["delivery_lead"])
    for name in ("forum_moderation_log", "forum_reports"):
        client.get(reverse(name))
        with django_assert_num_queries(QUERIES[name]):
            assert client.get(reverse(name)).status_code == 200


# The moderator's pages: the person, their second factor, (the log's row count,) the
# rows, then the rows' posts, each with its position in its thread, in one query.
QUERIES.update({"forum_moderation_log": 5, "forum_reports": 4})

# Backfill: the person, the thread, then the new and changed posts in one query
# (today's champions, for the badges, come from the cache once read).
QUERIES["backfill"] = 3


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(world, boards, client):
    from hub.notifications.models import Notification
    from hub.notifications.services import notify

    person, other = world["o_keyworker"], world["t_keyworker"]
    mine = notify(person, title="Reply", url="/forum/", email=False)
    notify(person, title="Another", url="/forum/", email=False)
    theirs = notify(other, title="Theirs", url="/forum/", email=False)
    client.force_login(person)
    page = client.get(reverse("notification_list")).content.decode()
    assert f'href="/notifications/{mine.pk}/open/"' in page
    response = client.get(f"/notifications/{mine.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/forum/"
    assert list(
        Notification.objects.filter(user=person, read_at__isnull=True).values_list("title", flat=True)
    ) == ["Another"]
    # Someone else's notification is not found, and stays unread.
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_leaves_what_arrived_after_the_page_was_shown(world, boards, client):
    from hub.notifications.models import Notification
    from hub.notifications.services import notify

    person = world["o_keyworker"]
    notify(person, title="Seen", email=False)
    client.force_login(person)
    page = client.get(reverse("notification_list")).content.decode()
    upto = re.search(r'name="upto" value="(\d+)"', page).group(1)
    notify(person, title="Arrived since", email=False)
    client.post(reverse("notification_read"), {"upto": upto})
    assert list(
        Notification.objects.filter(user=person, read_at__isnull=True).values_list("title", flat=True)
    ) == ["Arrived since"]
    assert client.post(reverse("notification_read"), {"upto": "x"}).status_code == 400
