"""Reads of the forum: what a person may see, with a flat number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.timesince import timesince

from hub import access
from hub.forum.models import Board, Follow, ModerationAction, Post, Presence, ReadMarker, Report, Thread
from hub.models import Membership, User


def readable_boards(user) -> list[Board]:
    """The boards this person may read (the forum rule itself is checked by the view)."""
    boards = Board.objects.select_related("organisation").annotate(thread_count=Count("threads"))
    return [b for b in boards if access.can_read_forum_board(user, b, record=False)]


def readable_board_ids(user) -> list[int]:
    return [b.pk for b in Board.objects.all() if access.can_read_forum_board(user, b, record=False)]


def threads_for_board(*, board: Board, user) -> QuerySet[Thread]:
    """Pinned first, then the most recently active, each with the person's read marker."""
    marker = ReadMarker.objects.filter(user=user, thread=OuterRef("pk")).values("last_read_post_id")[:1]
    return (
        Thread.objects.filter(board=board)
        .select_related("author")
        .annotate(
            read_upto=Subquery(marker),
            following=Exists(Follow.objects.filter(user=user, thread=OuterRef("pk"))),
        )
        .order_by("-is_pinned", "-last_post_at", "-pk")
    )


def threads_after(*, board: Board, after: int) -> list[dict]:
    """Threads with activity after post `after`: what a board page missed while offline."""
    return [
        {
            "id": t.pk,
            "title": t.title,
            "url": t.get_absolute_url(),
            "post_count": t.post_count,
            "last_post_id": t.last_post_id,
        }
        for t in Thread.objects.filter(board=board, last_post_id__gt=after).order_by("last_post_id")[:200]
    ]


def is_unread(thread: Thread) -> bool:
    return thread.read_upto is None or thread.last_post_id > thread.read_upto


def posts_for_thread(*, thread: Thread, user) -> QuerySet[Post]:
    """The thread's posts in order. Hidden posts are left out, except for moderators."""
    qs = Post.objects.filter(thread=thread).select_related("author", "quote_of__author").order_by("pk")
    if not access.can_moderate_forum(user):
        qs = qs.filter(hidden_at__isnull=True)
    return qs


def is_quotable(post: Post, *, thread: Thread) -> bool:
    """A post can be quoted in its own thread while it is shown to everyone: never once
    its author removed it or a moderator hid it."""
    return post.thread_id == thread.pk and post.removed_at is None and post.hidden_at is None


def quotable_post(*, thread: Thread, post_id: int, loaded: list[Post] = ()) -> Post | None:
    """The post `post_id` of this thread if it can be quoted, from `loaded` (the page's
    posts) when it is there, else from the database."""
    post = next((p for p in loaded if p.pk == post_id), None)
    if post is None:
        post = Post.objects.select_related("author").filter(thread=thread, pk=post_id).first()
    return post if post is not None and is_quotable(post, thread=thread) else None


#: How far back a page's mark for changes reaches: a change stamped just before the page
#: was read, but committed just after, is still fetched. A change applied twice is harmless.
CHANGE_OVERLAP = dt.timedelta(seconds=10)


def change_mark() -> dt.datetime:
    """The time a page asks for changes since, when it reconnects; taken before reading."""
    return timezone.now() - CHANGE_OVERLAP


@dataclass(frozen=True)
class MissedPosts:
    posts: list[Post]
    hidden: list[int]


def posts_missed(
    *, thread: Thread, user, after: int, since: dt.datetime | None, limit: int = 500
) -> MissedPosts:
    """What a page missed while disconnected, in one query: every post after post
    `after`, and every post edited, removed, hidden or restored after `since`. Posts a
    moderator hid come as ids to take off the page, except to moderators, who see them."""
    missed = Q(pk__gt=after)
    if since is not None:
        moderated = ModerationAction.objects.filter(post__thread_id=thread.pk, at__gt=since).values("post_id")
        missed |= (
            Q(edited_at__gt=since) | Q(removed_at__gt=since) | Q(hidden_at__gt=since) | Q(pk__in=moderated)
        )
    rows = list(
        Post.objects.filter(missed, thread=thread)
        .select_related("author", "quote_of__author")
        .order_by("pk")[:limit]
    )
    if access.can_moderate_forum(user):
        return MissedPosts(posts=rows, hidden=[])
    return MissedPosts(
        posts=[p for p in rows if p.hidden_at is None], hidden=[p.pk for p in rows if p.hidden_at is not None]
    )


def board_last_post_id(board: Board) -> int:
    """The newest post anywhere on the board."""
    return Thread.objects.filter(board=board).aggregate(last=Max("last_post_id"))["last"] or 0


def posts_before(*, moderator: bool) -> Coalesce:
    """An annotation for posts: how many posts of its thread come before each one, as a
    moderator (hidden posts included) or anyone else sees the thread. Post.get_absolute_url
    reads it to link to the right page without a query per post."""
    earlier = Post.objects.filter(thread_id=OuterRef("thread_id"), pk__lt=OuterRef("pk"))
    if not moderator:
        earlier = earlier.filter(hidden_at__isnull=True)
    counted = earlier.order_by().values("thread_id").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted), 0)


def post_url(post: Post, *, user) -> str:
    """The link to the page of its thread where this person sees the post."""
    before = posts_for_thread(thread=post.thread, user=user).filter(pk__lt=post.pk).count()
    return post.url_after(before)


def read_upto(*, user, thread: Thread) -> int:
    return (
        ReadMarker.objects.filter(user=user, thread=thread)
        .values_list("last_read_post_id", flat=True)
        .first()
        or 0
    )


def is_following(*, user, thread: Thread | None = None, board: Board | None = None) -> bool:
    return Follow.objects.filter(user=user, **({"thread": thread} if thread else {"board": board})).exists()


def post_json(post: Post, *, champions: set[int] | None = None) -> dict:
    """One post as the page's script needs it; its HTML was cleaned when stored.
    `champions` (ids of today's champions) saves a query per post in a list; without
    it the author is asked about (the answer is kept on the person)."""
    removed = post.removed_at is not None
    if champions is not None:
        champion = post.author_id in champions
    else:
        from champions.selectors import is_champion

        champion = is_champion(post.author)
    return {
        "id": post.pk,
        "thread_id": post.thread_id,
        "author_id": post.author_id,
        "author": post.author.get_full_name(),
        "champion": champion,
        "html": "" if removed else post.html,
        "created_at": post.created_at.isoformat(),
        "when": timezone.localtime(post.created_at).strftime("%-d %b %Y, %H:%M"),
        "edited": post.edited_at is not None,
        "removed": removed,
        "version": post.version,
        "quote": (
            {"author": post.quote_of.author.get_full_name(), "html": post.quote_of.html}
            if post.quote_of_id and post.quote_of.hidden_at is None and post.quote_of.removed_at is None
            else None
        ),
    }


def posts_json(posts: list[Post]) -> list[dict]:
    """A list of posts as the page's script needs them, champions read once."""
    if not posts:
        return []
    from champions.selectors import champion_ids

    champions = champion_ids()
    return [post_json(post, champions=champions) for post in posts]


def search(*, user, query: str, limit: int = 50) -> list[Post]:
    """Posts and thread titles matching `query` in boards the person may read."""
    query = (query or "").strip()
    if not query:
        return []
    qs = Post.objects.filter(
        thread__board_id__in=readable_board_ids(user), hidden_at__isnull=True, removed_at__isnull=True
    ).select_related("thread__board", "author")
    qs = qs.annotate(posts_before=posts_before(moderator=access.can_moderate_forum(user)))
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("thread__title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        sq = SearchQuery(query, search_type="websearch", config="english")
        qs = qs.annotate(rank=SearchRank(vector, sq)).filter(rank__gt=0).order_by("-rank", "-pk")
    else:
        qs = qs.filter(Q(body__icontains=query) | Q(thread__title__icontains=query)).order_by("-pk")
    return list(qs[:limit])


def mention_candidates(*, board: Board, query: str, limit: int = 10) -> list[dict]:
    """People whose name starts with (or contains) `query` and who can read the board."""
    query = (query or "").strip()
    if len(query) < 1:
        return []
    ids = (
        Membership.objects.active()
        .filter(user__is_active=True, user__full_name__icontains=query)
        .values_list("user_id", flat=True)
        .distinct()[: limit * 4]
    )
    out = []
    for person in User.objects.filter(pk__in=list(ids)).order_by("full_name"):
        if access.can_read_forum_board(person, board, record=False):
            out.append({"id": person.pk, "name": person.get_full_name()})
        if len(out) >= limit:
            break
    return out


def open_reports() -> QuerySet[Report]:
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("reporter")
        .prefetch_related(
            Prefetch(
                "post",
                Post.objects.select_related("author", "thread__board").annotate(
                    posts_before=posts_before(moderator=True)
                ),
            )
        )
        .order_by("created_at")
    )


def moderation_log():
    return (
        ModerationAction.objects.select_related("actor", "thread")
        .prefetch_related(
            Prefetch(
                "post",
                Post.objects.select_related("thread").annotate(posts_before=posts_before(moderator=True)),
            )
        )
        .order_by("-at", "-pk")
    )


def presence_count(group: str) -> int:
    from hub.forum.services import PRESENCE_TTL

    return (
        Presence.objects.filter(group=group, seen_at__gte=timezone.now() - PRESENCE_TTL)
        .values("user")
        .distinct()
        .count()
    )


def digest_posts_for(user, *, since: dt.datetime, until: dt.datetime) -> list[Post]:
    """New visible posts, by others, in threads or boards the person follows."""
    follows = Follow.objects.filter(user=user)
    thread_ids = [f.thread_id for f in follows if f.thread_id]
    board_ids = [f.board_id for f in follows if f.board_id]
    readable = set(readable_board_ids(user))
    return list(
        Post.objects.filter(Q(thread_id__in=thread_ids) | Q(thread__board_id__in=board_ids))
        .filter(created_at__gt=since, created_at__lte=until, hidden_at__isnull=True, removed_at__isnull=True)
        .filter(thread__board_id__in=readable)
        .exclude(author=user)
        .select_related("thread__board", "author")
        .annotate(posts_before=posts_before(moderator=False))
        .order_by("pk")
    )


def ago(when: dt.datetime) -> str:
    return timesince(when).split(",")[0] + " ago"
