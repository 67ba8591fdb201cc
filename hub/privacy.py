"""The hub's privacy duties: a person's own data, erasure requests, anonymisation
and retention. Each app listed in APP_PRIVACY adds its part in `<app>/privacy.py`:
`export_for(user) -> dict` and, where it holds free text about people or things to
free up, `anonymise(user) -> None`, which runs before the person's own name and
email are replaced."""

from __future__ import annotations

import datetime as dt
import importlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, TextField, Value
from django.db.models.functions import Cast, Left, Replace
from django.utils import timezone

from hub.models import AccessRefusal, AuditEvent, ErasureRequest, Invitation, Membership, Pilot, Role, User
from hub.services import audit

APP_PRIVACY = [
    "training",
    "champions",
    "resources",
    "reflective_practice",
    "hub.forum",
    "hub.recruitment",
]


def _app_modules():
    for name in APP_PRIVACY:
        yield name, importlib.import_module(f"{name}.privacy")


def iso(value) -> str | None:
    """A date or time for the JSON download (None stays None)."""
    return value.isoformat() if value else None


def personal_data(user: User) -> dict:
    """Everything the hub holds about a person, as plain data for a JSON download."""
    from hub.notifications.models import Notification

    data = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "last_active_at": iso(user.last_active_at),
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "role": m.get_role_display(),
                "team": m.team.name if m.team else None,
                "started_at": iso(m.started_at),
                "ended_at": iso(m.ended_at),
            }
            for m in Membership.objects.filter(user=user).select_related("organisation", "team")
        ],
        "notifications": [
            {"title": n.title, "body": n.body, "created_at": iso(n.created_at), "read_at": iso(n.read_at)}
            for n in Notification.objects.filter(user=user)
        ],
        "activity_log": [
            {"action": e.action, "detail": e.detail, "at": iso(e.at)}
            for e in AuditEvent.objects.filter(actor=user)
        ],
        "refused_pages": [{"what": r.what, "at": iso(r.at)} for r in AccessRefusal.objects.filter(user=user)],
    }
    for name, module in _app_modules():
        if hasattr(module, "export_for"):
            data[name.split(".")[-1]] = module.export_for(user)
    return data


def erasure_request_create(*, user: User, reason: str) -> ErasureRequest:
    from hub.notifications.services import notify

    with transaction.atomic():
        request = ErasureRequest.objects.create(user=user, email=user.email, reason=reason.strip()[:2000])
        audit(actor=user, action="privacy.erasure_request", detail=user.email)
        for admin in User.objects.filter(
            memberships__role=Role.HUB_ADMIN, memberships__ended_at__isnull=True
        ).distinct():
            notify(
                admin,
                title="A person asked for their data to be erased",
                body=f"{user.email} asked for erasure. Reason given: {request.reason or 'none'}",
                url="/django-admin/hub/erasurerequest/",
            )
    return request


def person_anonymise(*, actor: User | None, person: User, reason: str) -> User:
    """Replace a person's name and email with their pseudonym and stop them signing in.
    Their pseudonymous research records (roles, attendance, sessions) stay, as the data
    sharing agreement allows; each app removes free text it holds about them."""
    if not reason.strip():
        raise ValidationError({"reason": "Give the reason for anonymising this person."})
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        pseudonym = person.pseudonym
        old_email, old_name = person.email, person.full_name
        for _name, module in _app_modules():
            if hasattr(module, "anonymise"):
                module.anonymise(person)
        person.full_name = pseudonym
        person.email = f"{pseudonym.lower()}@anonymised.invalid"
        person.password = make_password(None)
        person.is_active = False
        person.save(update_fields=["full_name", "email", "password", "is_active"])
        EmailAddress.objects.filter(user=person).delete()
        Authenticator.objects.filter(user=person).delete()
        Invitation.objects.filter(Q(accepted_by=person) | Q(email__iexact=old_email)).update(
            email=person.email, full_name=pseudonym
        )
        _scrub(old_email, pseudonym)
        if _is_a_full_name(old_name):
            _scrub(old_name, pseudonym)
        _forget_sent_email(old_email)
        ErasureRequest.objects.filter(user=person, resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolved_by=actor, resolution=reason[:300], email=person.email
        )
        audit(actor=actor, action="privacy.anonymise", detail=f"{pseudonym}: {reason}")
    return person


def _is_a_full_name(name: str) -> bool:
    """Whether a name is distinctive enough to replace wherever it appears in the
    hub's texts: a first name alone ("Sam") could stand inside other words."""
    name = name.strip()
    return " " in name and len(name) >= 5


def _scrub(text: str, replacement: str) -> None:
    """Replace `text` in the texts the hub wrote about people: the audit log's details
    and everyone's notifications (a mention names its author, an erasure request its
    requester)."""
    from hub.notifications.models import Notification

    if not text:
        return
    AuditEvent.objects.filter(detail__contains=text).update(
        detail=Left(Replace("detail", Value(text), Value(replacement)), 500)
    )
    Notification.objects.filter(title__contains=text).update(
        title=Left(Replace("title", Value(text), Value(replacement)), 200)
    )
    Notification.objects.filter(body__contains=text).update(
        body=Replace("body", Value(text), Value(replacement))
    )


def _forget_sent_email(email: str) -> None:
    """Delete the background tasks that hold email to this address: sent ones keep its
    text, and ones not yet sent would go to a person who is no longer here."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not email:
        return
    DBTaskResult.objects.exclude(status=TaskResultStatus.RUNNING).annotate(
        text=Cast("args_kwargs", TextField())
    ).filter(text__icontains=email).delete()


def retention_cutoff(pilot: Pilot | None = None) -> dt.date:
    pilot = pilot or Pilot.current()
    return pilot.ends_on + dt.timedelta(days=settings.RETENTION_DAYS_AFTER_PILOT)


def retention_apply(*, today: dt.date | None = None) -> int:
    """Once the retention period after the pilot's end has passed, anonymise everyone
    but IFT and evaluation staff. Returns how many people were anonymised."""
    today = today or timezone.localdate()
    if today <= retention_cutoff():
        return 0
    keep = {
        Role.TUTOR,
        Role.DELIVERY_LEAD,
        Role.CONTENT_EDITOR,
        Role.HUB_ADMIN,
        Role.EVALUATOR,
        Role.ASSESSOR,
    }
    # Switched-off accounts too: a person who left still has their name and email here.
    # Only a role held now keeps a person; one they held once does not.
    staff_now = Membership.objects.filter(role__in=keep, ended_at__isnull=True).values("user_id")
    people = User.objects.exclude(pk__in=staff_now).exclude(email__endswith="@anonymised.invalid")
    count = 0
    for person in people:
        person_anonymise(actor=None, person=person, reason="retention period after the pilot ended")
        count += 1
    return count
