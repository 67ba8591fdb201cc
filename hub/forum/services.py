"""Writes of the forum. Every post is created, edited, removed or hidden here; each
write is one transaction, and what open pages and inboxes hear of it is sent on commit."""

from __future__ import annotations

import datetime as dt
import math
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.template.defaultfilters import pluralize
from django.utils import timezone

from hub import access
from hub.cache import take_turn
from hub.forum import broadcast, selectors
from hub.forum.models import (
    Board,
    BoardKind,
    Follow,
    ModerationAction,
    Post,
    Preference,
    Presence,
    ReadMarker,
    Report,
    Thread,
)
from hub.models import Membership, Organisation, User
from hub.notifications.services import notify
from hub.sanitise import render_markdown
from hub.services import audit

MAX_POST_CHARS = 10_000
MAX_TITLE_CHARS = 200
PRESENCE_TTL = dt.timedelta(seconds=90)


def _posts_per_minute() -> int:
    return int(getattr(settings, "FORUM_POSTS_PER_MINUTE", 10))


# --- boards -------------------------------------------------------------------------

SHARED_BOARDS = [
    (
        BoardKind.ALL_TREATMENT,
        "All treatment LAs",
        "Keyworkers, champions and practitioners of every treatment LA.",
    ),
    (BoardKind.CHAMPIONS, "Systemic champions", "For champions on the foundation course, with the tutors."),
    (
        BoardKind.PRACTITIONERS,
        "Systemic practitioners",
        "For the LAs' systemic practitioners, with the tutors.",
    ),
    (BoardKind.STAFF, "Tutors and the delivery lead", "IFT's own board."),
]


def board_ensure_all() -> list[Board]:
    """Make sure the shared boards and one board per treatment LA exist; safe to repeat."""
    boards = []
    with transaction.atomic():
        for position, (kind, name, description) in enumerate(SHARED_BOARDS):
            board, _ = Board.objects.get_or_create(
                kind=kind, defaults={"name": name, "description": description, "position": position}
            )
            boards.append(board)
        for la in Organisation.objects.treatment():
            board, _ = Board.objects.get_or_create(
                kind=BoardKind.LA,
                organisation=la,
                defaults={"name": la.name, "description": f"For the people of {la.name}.", "position": 10},
            )
            boards.append(board)
    return boards


# --- validation ---------------------------------------------------------------------


def _check_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "Write something before you post."})
    if len(body) > MAX_POST_CHARS:
        raise ValidationError(
            {
                field: f"Your post is {len(body):,} characters long; the limit is {MAX_POST_CHARS:,}. Shorten it and post again."
            }
        )
    return body


def _check_rate(user: User, field: str = "body") -> None:
    """At most FORUM_POSTS_PER_MINUTE posts in any 60 seconds per person (counted in the
    shared cache, so across server processes); a refused post does not count."""
    limit = _posts_per_minute()
    wait = take_turn(f"forum:posts:{user.pk}", limit=limit, window=60)
    if wait is not None:
        seconds = max(1, math.ceil(wait))
        raise ValidationError(
            {
                field: f"You have posted {limit} {pluralize(limit, 'time,times')} in the last minute, the most "
                f"the forum allows. You can post again in {seconds} {pluralize(seconds, 'second,seconds')}."
            }
        )


MENTION_RE = re.compile(r"@([^\W\d_][\w'’-]*(?:[ ][^\W\d_][\w'’-]*){0,3})")


def mentioned_people(*, board: Board, body: str, author: User) -> list[User]:
    """People named as "@Full Name" in a post who can read its board."""
    candidates: set[str] = set()
    for match in MENTION_RE.finditer(body):
        words = match.group(1).split(" ")
        for n in range(1, len(words) + 1):
            candidates.add(" ".join(words[:n]).lower())
    if not candidates:
        return []
    people = (
        User.objects.filter(is_active=True)
        .exclude(pk=author.pk)
        .annotate(lower_name=Lower("full_name"))
        .filter(lower_name__in=candidates)
    )
    return [p for p in people if access.can_read_forum_board(p, board, record=False)]


# --- threads and posts ----------------------------------------------------------------


def thread_create(*, user: User, board: Board, title: str, body: str) -> Thread:
    """A new thread with its first post. The author follows it."""
    if not access.can_read_forum_board(user, board, record=False):
        raise PermissionDenied("You cannot post in this board.")
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = "Give your thread a title."
    elif len(title) > MAX_TITLE_CHARS:
        errors["title"] = f"The title is {len(title)} characters long; the limit is {MAX_TITLE_CHARS}."
    try:
        body = _check_body(body)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    _check_rate(user)
    with transaction.atomic():
        thread = Thread.objects.create(board=board, title=title, author=user)
        _post_write(user=user, thread=thread, body=body, quote_of=None)
    thread.refresh_from_db()
    return thread


def post_create(*, user: User, thread: Thread, body: str, quote_of: Post | None = None) -> Post:
    """A reply. Guarantees: the person may post here; the text is within the limits;
    the stored HTML is cleaned; followers and mentioned people are told, and open
    pages see the reply, only once the reply is committed."""
    if not access.can_post_in_forum_thread(user, thread):
        if thread.is_locked:
            raise ValidationError({"body": "This thread is locked: no more replies can be added."})
        raise PermissionDenied("You cannot post in this thread.")
    body = _check_body(body)
    if quote_of is not None and not selectors.is_quotable(quote_of, thread=thread):
        quote_of = None
    _check_rate(user)
    with transaction.atomic():
        return _post_write(user=user, thread=thread, body=body, quote_of=quote_of)


def _post_write(*, user: User, thread: Thread, body: str, quote_of: Post | None) -> Post:
    now = timezone.now()
    post = Post.objects.create(
        thread=thread, author=user, body=body, html=render_markdown(body), quote_of=quote_of, created_at=now
    )
    thread.last_post_at, thread.last_post_id = now, post.pk
    thread.post_count = _count_post(thread_id=thread.pk, post_id=post.pk, at=now)
    # One statement each, whether or not the rows exist (INSERT ... ON CONFLICT).
    Follow.objects.bulk_create([Follow(user=user, thread=thread)], ignore_conflicts=True)
    ReadMarker.objects.bulk_create(
        [ReadMarker(user=user, thread=thread, last_read_post_id=post.pk)],
        update_conflicts=True,
        unique_fields=["user", "thread"],
        update_fields=["last_read_post_id"],
    )
    _queue_notifications(post.pk)
    transaction.on_commit(lambda: broadcast.post_created(post))
    return post


def _count_post(*, thread_id: int, post_id: int, at) -> int:
    """Move the thread's last-post fields on and add one to its count, returning the
    new count in the same statement (UPDATE ... RETURNING, which PostgreSQL and SQLite
    both have; the ORM's update() returns only the number of rows)."""
    quote = connection.ops.quote_name
    table = quote(Thread._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {quote('last_post_at')} = %s, {quote('last_post_id')} = %s, "
            f"{quote('post_count')} = {quote('post_count')} + 1 WHERE {quote('id')} = %s "
            f"RETURNING {quote('post_count')}",
            [connection.ops.adapt_datetimefield_value(at), post_id, thread_id],
        )
        return cursor.fetchone()[0]


def _queue_notifications(post_id: int) -> None:
    """Queue telling people about the post in the post's own transaction: with the
    database task backend the task row commits with the post (one commit, not two, on
    the posting request) and no worker can see it before the post exists."""
    from hub.forum.tasks import notify_about_post

    notify_about_post.enqueue(post_id=post_id)


def post_notify(*, post_id: int) -> None:
    """Tell people mentioned in a post, and those following its thread or board, once
    each; people who chose the daily digest get no email per post."""
    post = Post.objects.select_related("thread__board", "author").filter(pk=post_id).first()
    if post is None or post.hidden_at or post.removed_at:
        return
    with transaction.atomic():
        _notify_about(post)


def _notify_about(post: Post) -> None:
    thread, board = post.thread, post.thread.board
    url = post.get_absolute_url()
    author = post.author.get_full_name()
    mentioned = mentioned_people(board=board, body=post.body, author=post.author)
    for person in mentioned:
        notify(person, title=f"{author} mentioned you in “{thread.title}”", body=post.body[:500], url=url)
    told = {p.pk for p in mentioned} | {post.author_id}
    followers = User.objects.filter(
        Q(forum_follows__thread=thread) | Q(forum_follows__board=board), is_active=True
    ).distinct()
    digest_ids = set(Preference.objects.filter(daily_digest=True).values_list("user_id", flat=True))
    for person in followers:
        if person.pk in told or not access.can_read_forum_board(person, board, record=False):
            continue
        told.add(person.pk)
        notify(
            person,
            title=f"New reply in “{thread.title}”"
            if thread.post_count > 1
            else f"New thread in {board.name}: “{thread.title}”",
            body=post.body[:500],
            url=url,
            email=person.pk not in digest_ids,
        )


def post_edit(*, user: User, post: Post, body: str) -> Post:
    """The author's new text, shown as edited."""
    if not access.can_edit_forum_post(user, post):
        raise PermissionDenied("You can only edit your own posts.")
    body = _check_body(body)
    with transaction.atomic():
        post.body = body
        post.html = render_markdown(body)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "html", "edited_at"])
        transaction.on_commit(lambda: broadcast.post_changed(post))
    return post


def post_remove(*, user: User, post: Post) -> Post:
    """The author removes their post; "post removed" stays in its place."""
    if post.removed_at and post.author_id == user.pk:
        return post
    if not access.can_remove_forum_post(user, post):
        raise PermissionDenied("You can only remove your own posts.")
    with transaction.atomic():
        post.removed_at = timezone.now()
        post.save(update_fields=["removed_at"])
        transaction.on_commit(lambda: broadcast.post_changed(post))
    return post


# --- moderation ---------------------------------------------------------------------


def _log(*, actor: User, action: str, post: Post | None = None, thread: Thread | None = None, note: str = ""):
    ModerationAction.objects.create(actor=actor, action=action, post=post, thread=thread, note=note[:500])
    what = f"post {post.pk}" if post else f"thread {thread.pk}"
    audit(actor=actor, action=f"forum.{action}", detail=f"{what}{': ' + note if note else ''}")


def _require_moderator(user: User) -> None:
    if not access.can_moderate_forum(user):
        raise PermissionDenied("Only the delivery lead and forum moderators can do this.")


def post_report(*, user: User, post: Post, reason: str) -> Report:
    """Anyone who can read a post can report it (a hidden post only moderators read);
    moderators see it in their queue."""
    if not access.can_read_forum_post(user, post):
        raise PermissionDenied("You cannot report this post.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say what is wrong with this post."})
    if len(reason) > 1000:
        raise ValidationError({"reason": "Keep the reason under 1,000 characters."})
    return Report.objects.create(post=post, reporter=user, reason=reason)


def post_hide(*, moderator: User, post: Post, note: str = "") -> Post:
    """The post disappears for everyone but moderators, at once on open pages; its
    open reports are resolved."""
    _require_moderator(moderator)
    with transaction.atomic():
        post.hidden_at = timezone.now()
        post.hidden_by = moderator
        post.save(update_fields=["hidden_at", "hidden_by"])
        post.reports.filter(resolved_at__isnull=True).update(
            resolved_at=post.hidden_at, resolved_by=moderator
        )
        _log(actor=moderator, action="hide", post=post, note=note)
        transaction.on_commit(lambda: broadcast.post_changed(post))
    return post


def post_restore(*, moderator: User, post: Post, note: str = "") -> Post:
    _require_moderator(moderator)
    with transaction.atomic():
        post.hidden_at = None
        post.hidden_by = None
        post.save(update_fields=["hidden_at", "hidden_by"])
        _log(actor=moderator, action="restore", post=post, note=note)
        transaction.on_commit(lambda: broadcast.post_changed(post))
    return post


def report_dismiss(*, moderator: User, report: Report) -> Report:
    """Close a report and leave the post as it is."""
    _require_moderator(moderator)
    with transaction.atomic():
        report.resolved_at = timezone.now()
        report.resolved_by = moderator
        report.save(update_fields=["resolved_at", "resolved_by"])
        _log(actor=moderator, action="dismiss_report", post=report.post, note=report.reason[:200])
    return report


def thread_set_flags(
    *, moderator: User, thread: Thread, locked: bool | None = None, pinned: bool | None = None
) -> Thread:
    """Lock or unlock, pin or unpin a thread."""
    _require_moderator(moderator)
    with transaction.atomic():
        if locked is not None and locked != thread.is_locked:
            thread.is_locked = locked
            _log(actor=moderator, action="lock" if locked else "unlock", thread=thread)
        if pinned is not None and pinned != thread.is_pinned:
            thread.is_pinned = pinned
            _log(actor=moderator, action="pin" if pinned else "unpin", thread=thread)
        thread.save(update_fields=["is_locked", "is_pinned"])
        transaction.on_commit(lambda: broadcast.thread_changed(thread))
    return thread


# --- following, reading, digest ---------------------------------------------------------


def follow_set(
    *, user: User, following: bool, thread: Thread | None = None, board: Board | None = None
) -> bool:
    target = thread.board if thread else board
    if target is None or not access.can_read_forum_board(user, target, record=False):
        raise PermissionDenied("You cannot follow this.")
    lookup = {"thread": thread} if thread else {"board": board}
    if following:
        try:
            with transaction.atomic():
                Follow.objects.get_or_create(user=user, **lookup)
        except IntegrityError:
            pass
    else:
        Follow.objects.filter(user=user, **lookup).delete()
    return following


def thread_mark_read(*, user: User, thread: Thread, post_id: int | None = None) -> None:
    """Move the person's read marker forward (never back)."""
    upto = post_id if post_id is not None else thread.last_post_id
    marker, created = ReadMarker.objects.get_or_create(
        user=user, thread=thread, defaults={"last_read_post_id": upto}
    )
    if not created and marker.last_read_post_id < upto:
        ReadMarker.objects.filter(pk=marker.pk, last_read_post_id__lt=upto).update(last_read_post_id=upto)


def preference_set(*, user: User, daily_digest: bool) -> Preference:
    pref, _ = Preference.objects.update_or_create(user=user, defaults={"daily_digest": daily_digest})
    return pref


def digest_send(*, now: dt.datetime | None = None) -> int:
    """Send each person who chose the daily digest one email listing new posts in the
    threads and boards they follow since their last digest. Returns emails sent. A
    deactivated account gets none."""
    from hub.forum.selectors import digest_posts_for
    from hub.notifications.services import _queue_email

    now = now or timezone.now()
    sent = 0
    for pref in Preference.objects.filter(daily_digest=True, user__is_active=True).select_related("user"):
        since = pref.last_digest_at or (now - dt.timedelta(days=1))
        posts = digest_posts_for(pref.user, since=since, until=now)
        if posts:
            lines = [f"New in the forum since {timezone.localtime(since):%-d %b %Y %H:%M}:", ""]
            for post in posts:
                lines.append(
                    f"- {post.thread.title} ({post.thread.board.name}), {post.author.get_full_name()}: "
                    f"{post.body[:140]}\n  {settings.SITE_URL}{post.get_absolute_url()}"
                )
            user_email = pref.user.email
            body = "\n".join(lines)
            transaction.on_commit(lambda e=user_email, b=body: _queue_email(e, "Your daily forum digest", b))
            sent += 1
        pref.last_digest_at = now
        pref.save(update_fields=["last_digest_at"])
    return sent


# --- presence -------------------------------------------------------------------------


def presence_join(*, user: User, group: str, channel_name: str) -> int:
    Presence.objects.update_or_create(
        channel_name=channel_name, defaults={"group": group, "user": user, "seen_at": timezone.now()}
    )
    return _presence_changed(group)


def presence_touch(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).update(seen_at=timezone.now())


def presence_leave(*, group: str, channel_name: str) -> int:
    Presence.objects.filter(channel_name=channel_name).delete()
    return _presence_changed(group)


def _presence_changed(group: str) -> int:
    from hub.forum.selectors import presence_count

    Presence.objects.filter(seen_at__lt=timezone.now() - PRESENCE_TTL * 4).delete()
    count = presence_count(group)
    transaction.on_commit(lambda: broadcast.presence(group, count))
    return count


# --- membership changes -----------------------------------------------------------------


def membership_changed(*, user_id: int) -> None:
    """Someone's memberships changed (or their champion nomination, or their account
    was deactivated): their open forum sockets check access again, on commit."""
    transaction.on_commit(lambda: broadcast.access_changed(user_id))


def organisation_arm_changed(*, organisation_id: int) -> None:
    """An organisation moved to another trial arm: every open forum socket of its
    people checks access again, on commit."""

    def recheck():
        user_ids = (
            Membership.objects.active()
            .filter(organisation_id=organisation_id)
            .values_list("user_id", flat=True)
            .distinct()
        )
        for user_id in user_ids:
            broadcast.access_changed(user_id)

    transaction.on_commit(recheck)
