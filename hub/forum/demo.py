"""Demo boards with lively threads. Idempotent: a board that already has threads is left alone."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hub.forum import services
from hub.forum.models import Board, BoardKind, Post, Thread
from hub.models import User

CONVERSATIONS = {
    BoardKind.ALL_TREATMENT: [
        (
            "Using genograms in a first visit",
            [
                "Has anyone tried drawing a **genogram** with a family on the very first visit? "
                "I worry it feels too much like an assessment.",
                "I do it on the second visit. On the first I ask *who is in the family* and keep it "
                "light, then bring the paper next time.",
                "We hand the pen to the young person. They love being in charge of it, and parents "
                "open up when they see who the child draws first.",
                "> hand the pen to the young person\n\nTrying this next week, thank you!",
            ],
        ),
        (
            "Circular questions that worked for you",
            [
                "Share a circular question that opened something up. Mine: "
                '*"Who in the family worries most about school, and who worries least?"*',
                '"If your nan were here, what would she say has changed since the summer?"',
                '"When things are calmer at home, who notices first?" — dad answered before anyone.',
            ],
        ),
        (
            "Reflecting team at the monthly session",
            [
                "Our practitioner ran a reflecting team in the group session. Notes:\n\n"
                "- keep it short\n- talk *about* not *to* the family\n- end with curiosity, not advice",
                "We did the same. The keyworker said it was the first time she felt heard about a case.",
            ],
        ),
    ],
    BoardKind.PRACTITIONERS: [
        (
            "Structuring consultations",
            [
                "How long are your one-to-one consultations? I am settling on 45 minutes.",
                'An hour, with the last ten minutes for "what will you try?". See '
                "[the AFT guidance](https://www.aft.org.uk/) on supervision.",
            ],
        ),
    ],
    BoardKind.STAFF: [
        (
            "CPD day 3 materials",
            ["The updated slides for day 3 are in the library. Shout if anything is missing."],
        ),
    ],
    BoardKind.CHAMPIONS: [
        (
            "Champions: day 4 reading",
            ["Tutors: the day 4 reading list is now in the library under *Champions course*."],
        ),
    ],
}

LA_CONVERSATION = [
    "Team reflective session moved to Thursday 2pm, same room.",
    "Thanks. Can we bring a case about a family with a new baby?",
    "Yes, bring it. I'll bring the genogram template.",
]


def _people(demo) -> dict[str, list[User]]:
    keyworkers, practitioners = [], []
    for la in demo.treatment:
        slug = la.name.replace(" Council", "").lower().replace(" ", "")
        keyworkers += list(
            User.objects.filter(email__in=[f"keyworker{n}@{slug}.example" for n in range(1, 4)])
        )
        practitioners += list(User.objects.filter(email=f"practitioner@{slug}.example"))
    staff = list(
        User.objects.filter(
            email__in=["delivery.lead@ift.example", "tutor1@ift.example", "tutor2@ift.example"]
        )
    )
    return {"keyworkers": keyworkers, "practitioners": practitioners, "staff": staff}


def _write(board: Board, title: str, bodies: list[str], authors: list[User], start: dt.datetime) -> None:
    thread = services.thread_create(user=authors[0], board=board, title=title, body=bodies[0])
    for n, body in enumerate(bodies[1:], start=1):
        services.post_create(user=authors[n % len(authors)], thread=thread, body=body)
    # Spread the conversation over the past days so the demo looks lived in.
    posts = list(Post.objects.filter(thread=thread).order_by("pk"))
    for n, post in enumerate(posts):
        Post.objects.filter(pk=post.pk).update(created_at=start + dt.timedelta(hours=5 * n))
    Thread.objects.filter(pk=thread.pk).update(
        created_at=start, last_post_at=start + dt.timedelta(hours=5 * (len(posts) - 1))
    )


def seed(demo) -> None:
    services.board_ensure_all()
    people = _people(demo)
    if not people["keyworkers"]:
        return
    now = timezone.now()
    rng = demo.rng
    for kind, threads in CONVERSATIONS.items():
        board = Board.objects.get(kind=kind)
        if board.threads.exists():
            continue
        pool = {
            BoardKind.ALL_TREATMENT: people["keyworkers"] + people["practitioners"],
            BoardKind.PRACTITIONERS: people["practitioners"] + people["staff"][1:],
            BoardKind.STAFF: people["staff"],
            BoardKind.CHAMPIONS: people["staff"][1:],
        }[kind]
        for title, bodies in threads:
            authors = rng.sample(pool, k=min(len(pool), len(bodies)))
            _write(board, title, bodies, authors, now - dt.timedelta(days=rng.randint(1, 20)))
    for la in demo.treatment:
        board = Board.objects.get(kind=BoardKind.LA, organisation=la)
        if board.threads.exists():
            continue
        slug = la.name.replace(" Council", "").lower().replace(" ", "")
        authors = list(
            User.objects.filter(email__in=[f"practitioner@{slug}.example", f"keyworker1@{slug}.example"])
        )
        if authors:
            _write(
                board,
                "This month's reflective session",
                LA_CONVERSATION,
                authors,
                now - dt.timedelta(days=rng.randint(1, 6)),
            )
    delivery = User.objects.filter(email="delivery.lead@ift.example").first()
    pinned = Thread.objects.filter(board__kind=BoardKind.ALL_TREATMENT).order_by("pk").first()
    if delivery and pinned and not pinned.is_pinned:
        services.thread_set_flags(moderator=delivery, thread=pinned, pinned=True)
