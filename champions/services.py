"""Writes of the champions app: nominations and decisions under the 10–20% rule,
withdrawals (history kept), the foundation award, and champions' activities."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from champions import selectors
from champions.models import Activity, FoundationAward, Nomination, NominationStatus
from hub import access
from hub.models import Membership, Organisation, Role, Team, User
from hub.notifications.services import notify
from hub.services import audit


def nomination_create(*, actor: User, la: Organisation, user: User, reason: str) -> Nomination:
    """An LA lead nominates a keyworker of their own treatment LA. Refused for anyone
    else, for people who are not keyworkers there, and for people already nominated."""
    if not access.can_nominate_champions(actor, la):
        raise PermissionDenied("Only the LA lead of this local authority can nominate its champions.")
    if not la.is_treatment:
        raise ValidationError({"user": "Only keyworkers of treatment local authorities can be champions."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say in a sentence or two why you are nominating this keyworker."})
    if not Membership.objects.active().filter(user=user, organisation=la, role=Role.KEYWORKER).exists():
        raise ValidationError({"user": f"{user} is not a keyworker of {la.name}."})
    if Nomination.objects.filter(selectors.champions_on(timezone.localdate()), user=user).exists():
        raise ValidationError({"user": f"{user} is a systemic champion already."})
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(la=la, user=user, reason=reason[:500], nominated_by=actor)
            audit(actor=actor, action="champions.nominate", detail=f"{user.email} in {la.name}")
    except IntegrityError:
        raise ValidationError({"user": f"{user} is already nominated or a champion."}) from None
    return nomination


def nomination_approve(*, actor: User, nomination: Nomination, on: dt.date | None = None) -> Nomination:
    """Approve a nomination, unless it would take the LA above 20% of its keyworkers
    (refused with the numbers), the nominee is no longer a keyworker there, the LA is no
    longer in the treatment arm, or the nominee is a champion already. Locks the LA's
    nominations so two decisions cannot both go through, and checks everything again
    under the lock."""
    if not access.can_decide_nominations(actor):
        raise PermissionDenied("Only IFT tutors and the delivery lead decide nominations.")
    on = on or timezone.localdate()
    with transaction.atomic():
        list(Nomination.objects.select_for_update().filter(la=nomination.la))
        nomination.refresh_from_db()
        if nomination.status != NominationStatus.PENDING:
            raise ValidationError("This nomination has already been decided.")
        la = Organisation.objects.get(pk=nomination.la_id)
        if not la.is_treatment:
            raise ValidationError(
                f"{la.name} is no longer a treatment local authority, so it has no champions. "
                "Decline this nomination."
            )
        if (
            not Membership.objects.active()
            .filter(user=nomination.user, organisation=la, role=Role.KEYWORKER)
            .exists()
        ):
            raise ValidationError(
                f"{nomination.user} is no longer a keyworker of {la.name}, so cannot become its champion. "
                "Decline this nomination."
            )
        if (
            Nomination.objects.filter(selectors.champions_on(on), user=nomination.user)
            .exclude(pk=nomination.pk)
            .exists()
        ):
            raise ValidationError(
                f"{nomination.user} is a systemic champion already. Decline this nomination."
            )
        ratio = selectors.ratio_for(nomination.la, on)
        if ratio.champions + 1 > ratio.most:
            raise ValidationError(
                f"Approving would give {nomination.la.name} {ratio.champions + 1} champions of "
                f"{ratio.keyworkers} keyworkers ({ratio.percent_with_one_more:g}%), above the 20% limit "
                f"(at most {ratio.most}). Withdraw a champion first, or decline this nomination."
            )
        nomination.status = NominationStatus.APPROVED
        nomination.approved_on = on
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.save(update_fields=["status", "approved_on", "decided_by", "decided_at"])
        audit(
            actor=actor, action="champions.approve", detail=f"{nomination.user.email} in {nomination.la.name}"
        )
        notify(
            nomination.user,
            title="You are now a systemic champion",
            body=f"Your nomination as a systemic champion for {nomination.la.name} was approved.",
            url="/champions/",
        )
    nomination.user.__dict__.pop("_hub_is_champion", None)
    return nomination


def nomination_decline(*, actor: User, nomination: Nomination, note: str) -> Nomination:
    """Decline a pending nomination with a note for the LA lead. Refused once the
    nomination is decided, also when that happened a moment before (the row is locked
    and read again, as `nomination_approve` does)."""
    if not access.can_decide_nominations(actor):
        raise PermissionDenied("Only IFT tutors and the delivery lead decide nominations.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why, so the LA lead can nominate someone else."})
    with transaction.atomic():
        list(Nomination.objects.select_for_update().filter(la=nomination.la_id))
        nomination.refresh_from_db()
        if nomination.status != NominationStatus.PENDING:
            raise ValidationError("This nomination has already been decided.")
        nomination.status = NominationStatus.DECLINED
        nomination.decision_note = note[:500]
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
        audit(actor=actor, action="champions.decline", detail=f"{nomination.user.email}: {note}")
    return nomination


def champion_withdraw(
    *, actor: User, nomination: Nomination, on: dt.date, reason: str, today: dt.date | None = None
) -> Nomination:
    """A champion leaves or steps down on `on` (today or earlier: a withdrawal is
    recorded when it happens, so no one is a champion twice over). The record stays, so
    who was a champion when is kept; the LA gets the place back from that date. The row
    is locked and read again, so a withdrawal cannot overwrite another decision."""
    if not access.can_withdraw_champion(actor, nomination.la):
        raise PermissionDenied("You cannot withdraw champions of this local authority.")
    today = today or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, for example “left the service”."})
    if on > today:
        raise ValidationError(
            {
                "on": "The date cannot be in the future. Withdraw a champion on or after the day they "
                "stop, so they count as a champion until then."
            }
        )
    with transaction.atomic():
        list(Nomination.objects.select_for_update().filter(la=nomination.la_id))
        nomination.refresh_from_db()
        if nomination.status != NominationStatus.APPROVED:
            raise ValidationError("Only an approved champion can be withdrawn.")
        if on < nomination.approved_on:
            raise ValidationError(
                {
                    "on": f"The date cannot be before they became a champion on "
                    f"{nomination.approved_on:%-d %B %Y}."
                }
            )
        nomination.status = NominationStatus.WITHDRAWN
        nomination.withdrawn_on = on
        nomination.withdrawn_reason = reason[:500]
        nomination.withdrawn_by = actor
        nomination.save(update_fields=["status", "withdrawn_on", "withdrawn_reason", "withdrawn_by"])
        audit(actor=actor, action="champions.withdraw", detail=f"{nomination.user.email} from {on}: {reason}")
    nomination.user.__dict__.pop("_hub_is_champion", None)
    return nomination


def award_grant(*, user: User) -> FoundationAward | None:
    """Grant the foundation award once the champions' course is complete (all ten
    days); None before that. Issued once."""
    from training import selectors as training_selectors
    from training import services as training_services
    from training.models import Course

    existing = FoundationAward.objects.filter(user=user).select_related("certificate").first()
    if existing:
        return existing
    course = Course.objects.filter(code="champions").first()
    if course is None or not training_selectors.progress_for(user, course).complete:
        return None
    with transaction.atomic():
        certificate = training_services.certificate_issue(user=user, course=course)
        award, _ = FoundationAward.objects.get_or_create(
            user=user, defaults={"certificate": certificate, "awarded_on": certificate.completed_on}
        )
        audit(actor=None, action="champions.award", detail=f"{user.email}: {certificate.number}")
    return award


FAMILY_WARNING = (
    "Do not write anything that could identify a family: no names, initials, addresses, "
    "dates of birth, schools or case numbers."
)
_IDENTIFYING = re.compile(r"(\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b|@|\b\d{6,}\b)")


def activity_log(
    *,
    actor: User,
    date: dt.date,
    kind: str,
    colleagues: int,
    description: str,
    team: Team | None = None,
) -> Activity:
    """A champion logs an activity in their LA. Refused for non-champions, for future
    dates, and for descriptions that look like they identify a family."""
    if not access.is_champion(actor):
        raise PermissionDenied("Only systemic champions log champions' activities.")
    la = access.home_la(actor)
    if date > timezone.localdate():
        raise ValidationError({"date": "The date cannot be in the future."})
    if colleagues < 0:
        raise ValidationError({"colleagues": "Enter how many colleagues took part."})
    description = description.strip()
    if not description:
        raise ValidationError({"description": "Describe briefly what you did."})
    if _IDENTIFYING.search(description):
        raise ValidationError(
            {
                "description": "This looks like it may identify a family (a date, postcode, email or case number). "
                + FAMILY_WARNING
            }
        )
    if team is not None and team.organisation_id != la.pk:
        raise ValidationError({"team": "Choose a team of your own local authority."})
    with transaction.atomic():
        return Activity.objects.create(
            champion=actor,
            la=la,
            team=team,
            date=date,
            kind=kind,
            colleagues=colleagues,
            description=description,
        )
