"""Live delivery over websockets: access on connect, create, edit, hide, presence,
bad frames, membership changes, and an idle socket that still delivers."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from hub import services as hub_services
from hub.forum import services
from hub.forum.consumers import CLOSE_REFUSED, MAX_FRAME_CHARS
from hub.models import AccessRefusal, User
from hub.routing import websocket_urlpatterns

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

app = URLRouter(websocket_urlpatterns)


async def _open(user, path):
    communicator = WebsocketCommunicator(app, path)
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def _next(communicator, wanted: str, timeout: float = 5):
    """The next frame of type `wanted`, passing over presence counts."""
    while True:
        frame = json.loads(await communicator.receive_from(timeout=timeout))
        if frame["type"] == wanted:
            return frame
        assert frame["type"] == "presence", frame


def _thread(world, boards, board="all"):
    return services.thread_create(user=world["t_keyworker"], board=boards[board], title="Live", body="first")


async def test_a_reader_sees_a_new_reply_its_edit_and_its_hiding_live(world, boards):
    thread = await database_sync_to_async(_thread)(world, boards)
    reader = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    assert (await _next(reader, "presence"))["count"] == 1

    post = await database_sync_to_async(services.post_create)(
        user=world["t_practitioner"], thread=thread, body="A **new** reply"
    )
    frame = await _next(reader, "post.created")
    assert frame["post"]["id"] == post.pk and "<strong>new</strong>" in frame["post"]["html"]

    await database_sync_to_async(services.post_edit)(
        user=world["t_practitioner"], post=post, body="Edited reply"
    )
    frame = await _next(reader, "post.updated")
    assert frame["post"]["edited"] is True and "Edited reply" in frame["post"]["html"]

    await database_sync_to_async(services.post_hide)(moderator=world["delivery_lead"], post=post)
    assert (await _next(reader, "post.hidden"))["id"] == post.pk
    await reader.disconnect()


def _make_champion(world, person):
    from champions import services as champion_services

    nomination = champion_services.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=person, reason="Leads the team's reflective work"
    )
    return champion_services.nomination_approve(actor=world["tutor"], nomination=nomination)


async def test_a_live_reply_says_whether_its_author_is_a_champion(world, boards):
    await database_sync_to_async(_make_champion)(world, world["t_keyworker"])
    thread = await database_sync_to_async(_thread)(world, boards)
    reader = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    champion = await User.objects.aget(pk=world["t_keyworker"].pk)  # as a new request loads them
    await database_sync_to_async(services.post_create)(user=champion, thread=thread, body="mine")
    assert (await _next(reader, "post.created"))["post"]["champion"] is True
    await database_sync_to_async(services.post_create)(
        user=world["t_practitioner"], thread=thread, body="not"
    )
    assert (await _next(reader, "post.created"))["post"]["champion"] is False
    await reader.disconnect()


async def test_a_board_reader_sees_new_threads(world, boards):
    reader = await _open(world["o_keyworker"], f"/ws/forum/boards/{boards['all'].pk}/")
    thread = await database_sync_to_async(_thread)(world, boards)
    frame = await _next(reader, "thread.updated")
    assert frame["thread"]["id"] == thread.pk and frame["thread"]["is_new"] is True
    await reader.disconnect()


async def test_presence_counts_people_reading(world, boards):
    thread = await database_sync_to_async(_thread)(world, boards)
    first = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    assert (await _next(first, "presence"))["count"] == 1
    second = await _open(world["t_practitioner"], f"/ws/forum/threads/{thread.pk}/")
    assert (await _next(first, "presence"))["count"] == 2
    await second.disconnect()
    assert (await _next(first, "presence"))["count"] == 1
    await first.disconnect()


@pytest.mark.parametrize("who", ["c_keyworker", "c_la_lead", "evaluator"])
async def test_people_outside_the_treatment_arm_are_refused_on_connect(world, boards, who):
    thread = await database_sync_to_async(_thread)(world, boards)
    communicator = WebsocketCommunicator(app, f"/ws/forum/threads/{thread.pk}/")
    communicator.scope["user"] = world[who]
    await communicator.connect()
    assert (await communicator.receive_output(timeout=5)) == {
        "type": "websocket.close",
        "code": CLOSE_REFUSED,
    }
    refusals = await database_sync_to_async(AccessRefusal.objects.filter(user=world[who]).count)()
    assert refusals == (1 if who.startswith("c_") else 0)


async def test_another_las_keyworker_cannot_join_an_la_board(world, boards):
    communicator = WebsocketCommunicator(app, f"/ws/forum/boards/{boards['la'].pk}/")
    communicator.scope["user"] = world["o_keyworker"]
    await communicator.connect()
    assert (await communicator.receive_output(timeout=5))["code"] == CLOSE_REFUSED


async def test_an_anonymous_visitor_is_refused(world, boards):
    from django.contrib.auth.models import AnonymousUser

    communicator = WebsocketCommunicator(app, f"/ws/forum/boards/{boards['all'].pk}/")
    communicator.scope["user"] = AnonymousUser()
    await communicator.connect()
    assert (await communicator.receive_output(timeout=5))["code"] == CLOSE_REFUSED


async def test_bad_frames_get_an_error_frame_not_a_crash(world, boards):
    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['all'].pk}/")
    await reader.send_to(text_data="{not json")
    assert "not valid JSON" in (await _next(reader, "error"))["message"]
    await reader.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * MAX_FRAME_CHARS}))
    assert "at most" in (await _next(reader, "error"))["message"]
    await reader.send_to(text_data=json.dumps({"type": "shout"}))
    assert "Unknown" in (await _next(reader, "error"))["message"]
    await reader.send_to(text_data="[1, 2]")
    await _next(reader, "error")
    await reader.send_to(text_data=json.dumps({"type": "ping"}))
    await _next(reader, "pong")
    await reader.disconnect()


async def test_a_person_removed_from_their_la_is_disconnected_from_its_board(world, boards):
    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['la'].pk}/")
    await _next(reader, "presence")
    membership = await database_sync_to_async(world["t_keyworker"].memberships.get)()
    await database_sync_to_async(hub_services.membership_end)(actor=None, membership=membership)
    while True:
        output = await reader.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            break
    assert output["code"] == CLOSE_REFUSED


async def _closed_as_refused(reader) -> bool:
    """Whether the socket is closed as refused, passing over frames sent before."""
    while True:
        output = await reader.receive_output(timeout=5)
        if output["type"] == "websocket.close":
            return output["code"] == CLOSE_REFUSED
        assert output["type"] == "websocket.send" and json.loads(output["text"])["type"] == "presence", output


def _withdraw(world, nomination):
    from django.utils import timezone

    from champions import services as champion_services

    champion_services.champion_withdraw(
        actor=world["t_la_lead"], nomination=nomination, on=timezone.localdate(), reason="left the service"
    )


async def test_a_withdrawn_champion_is_disconnected_from_the_champions_board_and_hears_nothing_more(
    world, boards
):
    nomination = await database_sync_to_async(_make_champion)(world, world["t_keyworker"])
    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['champions'].pk}/")
    await _next(reader, "presence")
    await database_sync_to_async(_withdraw)(world, nomination)
    assert await _closed_as_refused(reader)
    await database_sync_to_async(services.thread_create)(
        user=world["tutor"], board=boards["champions"], title="For champions only", body="x"
    )
    assert await reader.receive_nothing(timeout=0.5)


async def test_a_champion_whose_nomination_is_deleted_is_disconnected_from_the_champions_board(world, boards):
    nomination = await database_sync_to_async(_make_champion)(world, world["t_keyworker"])
    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['champions'].pk}/")
    await _next(reader, "presence")
    await database_sync_to_async(nomination.delete)()
    assert await _closed_as_refused(reader)


async def test_the_people_of_an_la_moved_to_the_control_arm_are_disconnected_from_the_forum(world, boards):
    from hub.models import Arm

    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['all'].pk}/")
    await _next(reader, "presence")
    await database_sync_to_async(hub_services.organisation_update)(
        actor=None, organisation=world.treatment, name=world.treatment.name, arm=Arm.CONTROL
    )
    assert await _closed_as_refused(reader)


async def test_a_deactivated_person_is_disconnected_from_the_forum(world, boards):
    reader = await _open(world["t_keyworker"], f"/ws/forum/boards/{boards['all'].pk}/")
    await _next(reader, "presence")
    person = await User.objects.aget(pk=world["t_keyworker"].pk)
    person.is_active = False
    await person.asave(update_fields=["is_active"])
    assert await _closed_as_refused(reader)


async def test_an_idle_socket_still_delivers_after_twelve_seconds(world, boards):
    """channels-redis with redis-py 8 used to drop sockets idle for ~12 s; this runs
    on the Redis layer when REDIS_URL is set."""
    thread = await database_sync_to_async(_thread)(world, boards)
    reader = await _open(world["o_keyworker"], f"/ws/forum/threads/{thread.pk}/")
    await _next(reader, "presence")
    await asyncio.sleep(13)
    post = await database_sync_to_async(services.post_create)(
        user=world["t_practitioner"], thread=thread, body="Still there?"
    )
    assert (await _next(reader, "post.created", timeout=10))["post"]["id"] == post.pk
    await reader.disconnect()


async def test_a_crowd_joining_at_once_costs_a_few_presence_counts_and_ends_right(world, boards, broadcasts):
    from hub.models import Role

    def people(n):
        crowd = []
        for i in range(n):
            user = hub_services.user_create(email=f"crowd{i}@example.org", full_name=f"Crowd {i}")
            hub_services.membership_create(
                actor=None, user=user, organisation=world.treatment, role=Role.KEYWORKER
            )
            crowd.append(user)
        return crowd

    crowd = await database_sync_to_async(people)(40)
    thread = await database_sync_to_async(_thread)(world, boards)
    path = f"/ws/forum/threads/{thread.pk}/"
    readers = await asyncio.gather(*(_open(user, path) for user in crowd))

    # The count each page ends on is everyone, though most joins sent nothing.
    for reader in readers:
        count = None
        while count != len(crowd):
            count = (await _next(reader, "presence"))["count"]
    counts = [
        event["count"]
        for group, event in broadcasts
        if event["type"] == "presence" and group == thread.group_name
    ]
    assert 1 <= len(counts) <= 4, counts
    assert counts[-1] == len(crowd)
    for reader in readers:
        await reader.disconnect()
