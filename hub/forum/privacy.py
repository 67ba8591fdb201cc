"""The forum's part of a person's own data and of their anonymisation (hub/privacy.py).

Anonymising removes each of the person's posts the way its author would ("post
removed" stays in its place, so replies still make sense) and clears the text from the
database too. Their threads stay, under their pseudonym, because other people's replies
hang on them. Reports they made keep their place in the moderation record without the
text, and their follows, read markers and settings go."""

from __future__ import annotations

from django.utils import timezone

from hub.forum.models import Follow, Post, Preference, Presence, ReadMarker, Report, Thread
from hub.privacy import iso


def export_for(user) -> dict:
    preference = Preference.objects.filter(user=user).first()
    return {
        "posts": [
            {
                "board": p.thread.board.name,
                "thread": p.thread.title,
                "text": p.body,
                "posted_at": iso(p.created_at),
                "edited_at": iso(p.edited_at),
                "removed_at": iso(p.removed_at),
                "hidden_by_a_moderator_at": iso(p.hidden_at),
            }
            for p in Post.objects.filter(author=user)
            .select_related("thread__board")
            .order_by("created_at", "pk")
        ],
        "threads_started": [
            {"board": t.board.name, "title": t.title, "started_at": iso(t.created_at)}
            for t in Thread.objects.filter(author=user).select_related("board").order_by("created_at", "pk")
        ],
        "reports_made": [
            {"post": r.post_id, "reason": r.reason, "reported_at": iso(r.created_at)}
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        "following": [
            f.thread.title if f.thread_id else f.board.name
            for f in Follow.objects.filter(user=user).select_related("thread", "board").order_by("created_at")
        ],
        "daily_digest": bool(preference and preference.daily_digest),
    }


def anonymise(user) -> None:
    posts = Post.objects.filter(author=user)
    posts.filter(removed_at__isnull=True).update(removed_at=timezone.now())
    posts.update(body="", html="")
    Report.objects.filter(reporter=user).update(reason="")
    Follow.objects.filter(user=user).delete()
    ReadMarker.objects.filter(user=user).delete()
    Preference.objects.filter(user=user).delete()
    Presence.objects.filter(user=user).delete()
