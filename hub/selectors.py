"""Reads of the hub's core."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Q, QuerySet

from hub.models import Invitation, Membership, Organisation, Role, Team, User


def organisations_with_counts() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(
        team_count=Count("teams", distinct=True),
        keyworker_count=Count(
            "memberships",
            filter=Q(memberships__role=Role.KEYWORKER, memberships__ended_at__isnull=True),
            distinct=True,
        ),
    ).order_by("kind", "name")


def memberships_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.active()
        .filter(organisation=organisation)
        .select_related("user", "team")
        .order_by("user__full_name", "role")
    )


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("team", "invited_by")


def keyworkers_of(organisation: Organisation, team: Team | None = None) -> QuerySet[User]:
    qs = User.objects.filter(
        memberships__organisation=organisation,
        memberships__role=Role.KEYWORKER,
        memberships__ended_at__isnull=True,
        is_active=True,
    )
    if team is not None:
        qs = qs.filter(memberships__team=team)
    return qs.distinct()


def people_with_role(role: str, organisation: Organisation | None = None) -> QuerySet[User]:
    qs = User.objects.filter(memberships__role=role, memberships__ended_at__isnull=True)
    if organisation is not None:
        qs = qs.filter(memberships__organisation=organisation)
    return qs.distinct()


def database_health() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is reported, not raised
        return f"error: {exc.__class__.__name__}"


async def channel_layer_health() -> str:
    """Send a message to a fresh channel and read it back."""
    import asyncio

    from channels.layers import get_channel_layer

    try:
        layer = get_channel_layer()
        name = await layer.new_channel()
        await layer.send(name, {"type": "health.ping"})
        await asyncio.wait_for(layer.receive(name), timeout=2)
        return "ok"
    except Exception as exc:  # noqa: BLE001
        return f"error: {exc.__class__.__name__}"
