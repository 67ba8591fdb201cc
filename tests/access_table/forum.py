from __future__ import annotations

from tests.access_table import IFT, TREATMENT, Url

# Everyone in a treatment LA and IFT staff reach the forum; the control arm is refused
# (and recorded) during the pilot; evaluators never see it.
FORUM = TREATMENT | IFT
MODERATORS = {"delivery_lead"}
# The board of the treatment LA: its own people, and the delivery lead who moderates.
LA_BOARD = TREATMENT | MODERATORS


def build(world) -> None:
    from hub.forum import services
    from hub.forum.models import Board, BoardKind

    services.board_ensure_all()
    everyone = Board.objects.get(kind=BoardKind.ALL_TREATMENT)
    la_board = Board.objects.get(kind=BoardKind.LA, organisation=world.treatment)
    author = world["t_keyworker"]
    thread = services.thread_create(user=author, board=everyone, title="Genograms", body="How do you start?")
    la_thread = services.thread_create(user=author, board=la_board, title="Team day", body="Who is coming?")
    world.extra.update(
        forum_board=everyone,
        forum_la_board=la_board,
        forum_thread=thread,
        forum_la_thread=la_thread,
        forum_post=thread.posts.get(),
        forum_la_post=la_thread.posts.get(),
        forum_hidden_post=services.post_hide(
            moderator=world["delivery_lead"],
            post=services.post_create(user=world["t_practitioner"], thread=thread, body="Hidden text"),
        ),
    )


def _x(key, fmt):
    return lambda w: fmt.format(w.extra[key].pk)


RULES = [
    Url("forum_index", "/forum/", FORUM, treatment=True),
    Url("forum_search", "/forum/search/?q=genogram", FORUM, treatment=True),
    Url("forum_preferences", "/forum/settings/", FORUM, treatment=True),
    Url("forum_reports", "/forum/reports/", MODERATORS),
    Url("forum_moderation_log", "/forum/moderation/", MODERATORS),
    Url("forum_board", _x("forum_board", "/forum/boards/{}/"), FORUM, treatment=True),
    Url("forum_board_follow", _x("forum_board", "/forum/boards/{}/follow/"), FORUM, ok_status=405),
    Url("forum_board_threads_json", _x("forum_la_board", "/forum/boards/{}/threads.json?after=0"), LA_BOARD),
    Url("forum_mention_people", _x("forum_la_board", "/forum/boards/{}/people.json?q=t"), LA_BOARD),
    Url("forum_thread", _x("forum_la_thread", "/forum/threads/{}/"), LA_BOARD, treatment=True),
    Url("forum_thread_reply", _x("forum_thread", "/forum/threads/{}/reply/"), FORUM, ok_status=405),
    Url("forum_thread_posts_json", _x("forum_la_thread", "/forum/threads/{}/posts.json?after=0"), LA_BOARD),
    Url("forum_thread_follow", _x("forum_thread", "/forum/threads/{}/follow/"), FORUM, ok_status=405),
    Url(
        "forum_thread_moderate", _x("forum_thread", "/forum/threads/{}/moderate/"), MODERATORS, ok_status=405
    ),
    # Only the author edits or removes; other readers are refused.
    Url(
        "forum_post_edit",
        _x("forum_post", "/forum/posts/{}/edit/"),
        {"t_keyworker"},
        status={r: 403 for r in FORUM - {"t_keyworker"}},
    ),
    Url("forum_post_remove", _x("forum_post", "/forum/posts/{}/remove/"), {"t_keyworker"}),
    Url("forum_post_report", _x("forum_la_post", "/forum/posts/{}/report/"), LA_BOARD),
    # A post a moderator hid is read, and so reported, by moderators only.
    Url("forum_post_report", _x("forum_hidden_post", "/forum/posts/{}/report/"), MODERATORS),
    Url("forum_post_moderate", _x("forum_post", "/forum/posts/{}/moderate/"), MODERATORS, ok_status=405),
]
