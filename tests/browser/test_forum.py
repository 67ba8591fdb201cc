"""Two people on the same thread: a reply appears on the other page without reloading,
with its author's champion badge, and hostile markup arrives inert. Served by a real
ASGI server (uvicorn) so that the pages' websockets work."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from playwright.sync_api import expect

from hub.forum import services
from hub.forum.models import Board, BoardKind
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser]

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
]


@pytest.fixture
def asgi_server(transactional_db):
    import uvicorn
    from channels.layers import channel_layers

    from hub.asgi import application

    # Each server runs its own event loop: give it a channel layer of its own, since a
    # layer's locks belong to the loop that first used them.
    channel_layers.backends.clear()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            application,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            ws="websockets-sansio",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the ASGI server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    channel_layers.backends.clear()


def test_a_reply_appears_on_another_persons_open_page_and_hostile_markup_is_inert(
    asgi_server, browser, world
):
    from champions import services as champion_services

    nomination = champion_services.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=world["t_keyworker"], reason="r"
    )
    champion_services.nomination_approve(actor=world["tutor"], nomination=nomination)
    services.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.ALL_TREATMENT)
    thread = services.thread_create(user=world["t_keyworker"], board=board, title="Live thread", body="Hello")
    dialogs: list[str] = []
    pages = []
    for who in ("t_keyworker", "o_keyworker"):
        context = browser.new_context(base_url=asgi_server)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(page, world[who].email, PASSWORD)
        page.goto(thread.get_absolute_url())
        page.wait_for_selector('#forum-live[data-connected="1"]', state="attached")
        pages.append(page)
    writer, reader = pages

    writer.get_by_label("Your reply").fill("Welcome from Otherton! " + " ".join(XSS))
    writer.get_by_role("button", name="Post reply").click()
    writer.wait_for_load_state()

    reply = reader.locator("article.forum-post", has_text="Welcome from Otherton!")
    reply.wait_for()
    expect(reader.locator("#forum-status")).to_have_text("New reply from T Keyworker.")
    # The writer is a systemic champion: the live reply carries the badge a reload would.
    expect(reply.locator(".champion-badge")).to_have_text("Systemic champion")
    # The typed markup shows as text; nothing in it runs or links anywhere.
    assert "<script>alert(1)</script>" in reply.inner_text()
    assert reply.locator("script, img, [onerror]").count() == 0
    assert reply.locator('a[href^="javascript"]').count() == 0
    expect(reader.locator("#forum-reading")).to_have_text("2 people reading")
    reader.wait_for_timeout(300)
    assert dialogs == []
    for page in pages:
        page.context.close()


#: Stands in for the page's WebSocket so a test can drop the connection and keep it down
#: (new sockets go to a closed port) until it lets the page reconnect: a network outage,
#: as the page sees one.
SOCKET_SWITCH = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blockSockets = false;
  function Switched(url, protocols) {
    const s = new Native(window.__blockSockets ? "ws://127.0.0.1:9/" : url, protocols);
    window.__sockets.push(s);
    return s;
  }
  Switched.prototype = Native.prototype;
  Switched.CONNECTING = 0; Switched.OPEN = 1; Switched.CLOSING = 2; Switched.CLOSED = 3;
  window.WebSocket = Switched;
})();
"""


def _open(browser, server, who, url, *, secret=None, switch=False):
    context = browser.new_context(base_url=server)
    if switch:
        context.add_init_script(SOCKET_SWITCH)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, who.email, PASSWORD, *([secret] if secret else []))
    page.goto(url)
    page.wait_for_selector('#forum-live[data-connected="1"]', state="attached")
    return page


def _all_board(settings):
    settings.FORUM_POSTS_PER_MINUTE = 1000
    services.board_ensure_all()
    return Board.objects.get(kind=BoardKind.ALL_TREATMENT)


def test_a_live_reply_moves_its_thread_to_the_top_of_the_unpinned_ones(asgi_server, browser, world, settings):
    board = _all_board(settings)
    ordinary = services.thread_create(
        user=world["t_keyworker"], board=board, title="Ordinary thread", body="a"
    )
    services.thread_create(user=world["t_keyworker"], board=board, title="Recent thread", body="b")
    pinned = services.thread_create(user=world["t_keyworker"], board=board, title="Pinned notice", body="c")
    services.thread_set_flags(moderator=world["delivery_lead"], thread=pinned, pinned=True)

    reader = _open(browser, asgi_server, world["o_keyworker"], board.get_absolute_url())
    titles = reader.locator("#forum-threads > li > a")
    expect(titles).to_have_text(["Pinned notice", "Recent thread", "Ordinary thread"])

    services.post_create(user=world["t_keyworker"], thread=ordinary, body="A reply")

    expect(reader.locator(f'[data-thread-id="{ordinary.pk}"] .post-count')).to_have_text("2")
    # As the server orders them (and a reload shows): pinned first, then the most active.
    expect(titles).to_have_text(["Pinned notice", "Ordinary thread", "Recent thread"])
    reader.context.close()


def test_the_second_page_of_a_board_keeps_its_threads_and_points_to_new_activity_on_page_1(
    asgi_server, browser, world, settings
):
    board = _all_board(settings)
    threads = [
        services.thread_create(user=world["t_keyworker"], board=board, title=f"Thread {n:02d}", body="x")
        for n in range(31)  # 30 threads to a page: the oldest is alone on page 2
    ]
    reader = _open(browser, asgi_server, world["o_keyworker"], board.get_absolute_url() + "?page=2")
    reader.wait_for_timeout(1_500)  # the first fetch of missed activity, once the socket opens
    titles = reader.locator("#forum-threads > li > a")
    expect(titles).to_have_text(["Thread 00"])
    expect(reader.get_by_role("link", name="New activity on page 1")).to_be_hidden()

    services.post_create(user=world["t_keyworker"], thread=threads[5], body="A reply")
    expect(reader.get_by_role("link", name="New activity on page 1")).to_be_visible()
    expect(titles).to_have_text(["Thread 00"])
    services.post_create(user=world["t_keyworker"], thread=threads[0], body="A reply")
    expect(reader.locator(f'[data-thread-id="{threads[0].pk}"] .post-count')).to_have_text("2")
    reader.context.close()


def test_an_edit_a_hide_and_a_restore_made_while_a_page_was_offline_show_when_it_reconnects(
    asgi_server, browser, world, settings
):
    board = _all_board(settings)
    thread = services.thread_create(
        user=world["t_keyworker"], board=board, title="Offline", body="Original text"
    )
    first = thread.posts.get()
    second = services.post_create(user=world["t_keyworker"], thread=thread, body="Soon hidden")
    third = services.post_create(user=world["t_keyworker"], thread=thread, body="Wrongly hidden")
    services.post_hide(moderator=world["delivery_lead"], post=third)

    reader = _open(browser, asgi_server, world["o_keyworker"], thread.get_absolute_url(), switch=True)
    expect(reader.locator(f"#post-{second.pk}")).to_be_visible()
    expect(reader.locator(f"#post-{third.pk}")).to_have_count(0)

    reader.evaluate("() => { window.__blockSockets = true; window.__sockets.at(-1).close(); }")
    reader.wait_for_selector('#forum-live[data-connected="0"]', state="attached")
    services.post_edit(user=world["t_keyworker"], post=first, body="Edited text")
    services.post_hide(moderator=world["delivery_lead"], post=second)
    services.post_restore(moderator=world["delivery_lead"], post=third)
    reader.evaluate("() => { window.__blockSockets = false; }")
    reader.wait_for_selector('#forum-live[data-connected="1"]', state="attached", timeout=20_000)
    expect(reader.locator("#forum-status")).to_have_text("Reconnected. You are up to date.")

    expect(reader.locator(f"#post-{first.pk} .post-body")).to_have_text("Edited text")
    expect(reader.locator(f"#post-{second.pk}")).to_have_count(0)
    ids = reader.locator("#forum-posts > article").evaluate_all("els => els.map(e => e.id)")
    assert ids == [f"post-{first.pk}", f"post-{third.pk}"]
    reader.context.close()


def test_a_post_a_moderator_restores_comes_back_in_its_place_on_an_open_page(
    asgi_server, browser, world, settings
):
    from allauth.mfa.models import Authenticator

    from tests.factories import add_totp

    board = _all_board(settings)
    thread = services.thread_create(user=world["t_keyworker"], board=board, title="Restore", body="First")
    post = services.post_create(user=world["t_keyworker"], thread=thread, body="Wrongly hidden")
    last = services.post_create(user=world["t_keyworker"], thread=thread, body="Last")
    Authenticator.objects.filter(user=world["delivery_lead"]).delete()
    secret = add_totp(world["delivery_lead"])

    reader = _open(browser, asgi_server, world["o_keyworker"], thread.get_absolute_url())
    moderator = _open(browser, asgi_server, world["delivery_lead"], thread.get_absolute_url(), secret=secret)

    moderator.locator(f"#post-{post.pk}").get_by_role("button", name="Hide post").click()
    expect(moderator.get_by_text("The post is hidden.")).to_be_visible()
    expect(reader.locator(f"#post-{post.pk}")).to_have_count(0)
    moderator.locator(f"#post-{post.pk}").get_by_role("button", name="Restore post").click()
    expect(moderator.get_by_text("The post is shown again.")).to_be_visible()

    expect(reader.locator(f"#post-{post.pk}")).to_contain_text("Wrongly hidden")
    expect(reader.locator("#forum-status")).to_have_text("A post from T Keyworker is shown again.")
    ids = reader.locator("#forum-posts > article").evaluate_all("els => els.map(e => e.id)")
    assert ids == [f"post-{thread.posts.first().pk}", f"post-{post.pk}", f"post-{last.pk}"]
    for page in (reader, moderator):
        page.context.close()


def test_a_moderators_open_page_keeps_a_post_hidden_elsewhere_marked_and_gives_live_posts_their_buttons(
    asgi_server, browser, world, settings
):
    from allauth.mfa.models import Authenticator

    from tests.factories import add_totp

    board = _all_board(settings)
    thread = services.thread_create(user=world["t_keyworker"], board=board, title="Moderated", body="First")
    Authenticator.objects.filter(user=world["delivery_lead"]).delete()
    secret = add_totp(world["delivery_lead"])
    moderator = _open(browser, asgi_server, world["delivery_lead"], thread.get_absolute_url(), secret=secret)

    post = services.post_create(user=world["t_keyworker"], thread=thread, body="Arrives live")
    live = moderator.locator(f"#post-{post.pk}")
    expect(live).to_contain_text("Arrives live")
    expect(live.get_by_role("button", name="Hide post")).to_be_visible()

    # Another moderator hides it: the page keeps it, marked, as a reload would show it.
    services.post_hide(moderator=world["delivery_lead"], post=post)
    expect(live.locator(".hidden-mark")).to_have_text("Hidden by a moderator")
    expect(live).to_contain_text("Arrives live")
    expect(live.get_by_role("link", name="Quote")).to_have_count(0)
    expect(live.get_by_role("button", name="Hide post")).to_have_count(0)

    live.get_by_role("button", name="Restore post").click()
    expect(moderator.get_by_text("The post is shown again.")).to_be_visible()
    post.refresh_from_db()
    assert post.hidden_at is None
    expect(moderator.locator(f"#post-{post.pk}").get_by_role("button", name="Hide post")).to_be_visible()
    moderator.context.close()
