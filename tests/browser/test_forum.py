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
