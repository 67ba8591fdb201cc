"""Background work of the forum: telling followers and mentioned people about a post
happens after the post is committed, outside the request that made it."""

from __future__ import annotations

from django_tasks import task


@task()
def notify_about_post(*, post_id: int) -> None:
    from hub.forum.services import post_notify

    post_notify(post_id=post_id)
