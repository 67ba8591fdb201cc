from __future__ import annotations

from hub.demo import seed_core
from hub.forum import demo as forum_demo
from hub.forum.models import Board, Post, Thread


def test_the_demo_boards_are_lively_and_seeding_twice_adds_nothing(db):
    demo = seed_core()
    forum_demo.seed(demo)
    threads, posts = Thread.objects.count(), Post.objects.count()
    assert Board.objects.filter(kind="la").count() == 6
    assert threads >= 10 and posts >= 30
    assert Thread.objects.filter(is_pinned=True).exists()
    forum_demo.seed(demo)
    assert (Thread.objects.count(), Post.objects.count()) == (threads, posts)
