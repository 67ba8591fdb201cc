from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from champions import selectors, services
from champions.models import FoundationAward, Nomination, NominationStatus
from hub import access, privacy
from hub import services as hub
from hub.models import Arm, Membership, OrganisationKind, Role
from tests.factories import make_la, make_org, make_user
from training import services as training
from training.models import Course

DAY = dt.date(2025, 3, 1)


@pytest.fixture
def ift(db):
    org = make_org(OrganisationKind.IFT)
    return {"tutor": make_user(Role.TUTOR, org), "delivery": make_user(Role.DELIVERY_LEAD, org)}


def la_with(keyworkers: int, arm=Arm.TREATMENT):
    la = make_la(arm=arm)
    lead = make_user(Role.LA_LEAD, la)
    people = [make_user(Role.KEYWORKER, la) for _ in range(keyworkers)]
    return la, lead, people


def champion(la, lead, person, approver, on=DAY):
    nomination = services.nomination_create(actor=lead, la=la, user=person, reason="Keen on genograms")
    return services.nomination_approve(actor=approver, nomination=nomination, on=on)


def test_approval_up_to_exactly_20_percent_and_refused_above_with_the_numbers(ift):
    la, lead, people = la_with(10)
    champion(la, lead, people[0], ift["tutor"])
    champion(la, lead, people[1], ift["delivery"])
    assert selectors.ratio_for(la, DAY).percent == 20
    third = services.nomination_create(actor=lead, la=la, user=people[2], reason="Also keen")
    with pytest.raises(ValidationError) as exc:
        services.nomination_approve(actor=ift["tutor"], nomination=third, on=DAY)
    assert "3 champions of 10 keyworkers (30%), above the 20% limit (at most 2)" in str(exc.value)
    third.refresh_from_db()
    assert third.status == NominationStatus.PENDING


def test_exactly_10_percent_is_within_the_band_and_below_is_flagged(ift):
    la, lead, people = la_with(20)
    champion(la, lead, people[0], ift["tutor"])
    assert selectors.ratio_for(la, DAY).status == "below"
    champion(la, lead, people[1], ift["tutor"])
    ratio = selectors.ratio_for(la, DAY)
    assert (ratio.percent, ratio.status) == (10, "within")


def test_a_small_la_rounds_down_but_may_always_have_one_champion(ift):
    assert [selectors.max_champions(n) for n in (0, 3, 7, 9, 10, 14, 15)] == [0, 1, 1, 1, 2, 2, 3]
    assert [selectors.min_champions(n) for n in (3, 10, 11, 20)] == [1, 1, 2, 2]
    la, lead, people = la_with(7)
    champion(la, lead, people[0], ift["tutor"])
    second = services.nomination_create(actor=lead, la=la, user=people[1], reason="r")
    with pytest.raises(ValidationError):
        services.nomination_approve(actor=ift["tutor"], nomination=second, on=DAY)


def test_a_withdrawal_frees_a_place_and_keeps_the_history(ift):
    la, lead, people = la_with(5)
    first = champion(la, lead, people[0], ift["tutor"])
    services.champion_withdraw(
        actor=lead, nomination=first, on=dt.date(2025, 6, 1), reason="Left the service"
    )
    replacement = services.nomination_create(actor=lead, la=la, user=people[1], reason="Replacement")
    services.nomination_approve(actor=ift["tutor"], nomination=replacement, on=dt.date(2025, 6, 1))
    assert [n.user for n in selectors.approved_champions(la, on=dt.date(2025, 5, 31))] == [people[0]]
    assert [n.user for n in selectors.approved_champions(la, on=dt.date(2025, 6, 1))] == [people[1]]
    first.refresh_from_db()
    assert first.withdrawn_reason == "Left the service" and first.approved_on == DAY


def test_only_the_las_own_lead_nominates_and_only_its_keyworkers(ift):
    la, lead, people = la_with(5)
    other, other_lead, _ = la_with(5)
    with pytest.raises(PermissionDenied):
        services.nomination_create(actor=other_lead, la=la, user=people[0], reason="r")
    with pytest.raises(PermissionDenied):
        services.nomination_create(actor=ift["tutor"], la=la, user=people[0], reason="r")
    with pytest.raises(ValidationError):
        services.nomination_create(actor=lead, la=la, user=make_user(Role.KEYWORKER, other), reason="r")


def test_control_la_keyworkers_cannot_be_nominated(ift):
    la, lead, people = la_with(5, arm=Arm.CONTROL)
    with pytest.raises(PermissionDenied):
        services.nomination_create(actor=lead, la=la, user=people[0], reason="r")


def test_a_keyworker_cannot_be_nominated_twice(ift):
    la, lead, people = la_with(5)
    services.nomination_create(actor=lead, la=la, user=people[0], reason="r")
    with pytest.raises(ValidationError):
        services.nomination_create(actor=lead, la=la, user=people[0], reason="again")


def test_a_decline_on_a_copy_read_before_an_approval_is_refused(ift):
    la, lead, people = la_with(10)
    nomination = services.nomination_create(actor=lead, la=la, user=people[0], reason="r")
    read_earlier = Nomination.objects.get(pk=nomination.pk)
    services.nomination_approve(actor=ift["tutor"], nomination=nomination)
    with pytest.raises(ValidationError, match="already been decided"):
        services.nomination_decline(actor=ift["delivery"], nomination=read_earlier, note="Not yet")
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.APPROVED and nomination.decision_note == ""


def test_a_withdrawal_on_a_copy_read_before_another_decision_is_refused(ift):
    la, lead, people = la_with(10)
    nomination = champion(la, lead, people[0], ift["tutor"])
    read_earlier = Nomination.objects.get(pk=nomination.pk)
    services.champion_withdraw(actor=lead, nomination=nomination, on=DAY, reason="Left the service")
    with pytest.raises(ValidationError, match="Only an approved champion"):
        services.champion_withdraw(actor=ift["tutor"], nomination=read_earlier, on=DAY, reason="Stepped down")
    nomination.refresh_from_db()
    assert nomination.withdrawn_reason == "Left the service" and nomination.withdrawn_by == lead


def test_a_withdrawal_cannot_be_dated_ahead_so_no_one_counts_twice(ift):
    la, lead, people = la_with(10)
    first = champion(la, lead, people[0], ift["tutor"], on=dt.date.today())
    with pytest.raises(ValidationError) as exc:
        services.champion_withdraw(
            actor=lead, nomination=first, on=dt.date.today() + dt.timedelta(days=30), reason="Stepping down"
        )
    assert "cannot be in the future" in exc.value.message_dict["on"][0]
    services.champion_withdraw(actor=lead, nomination=first, on=dt.date.today(), reason="Stepping down")
    again = services.nomination_create(actor=lead, la=la, user=people[0], reason="Back again")
    services.nomination_approve(actor=ift["tutor"], nomination=again)
    assert selectors.ratio_for(la).champions == 1


def test_someone_still_a_champion_until_a_later_date_cannot_be_nominated_again(ift):
    la, lead, people = la_with(10)
    first = champion(la, lead, people[0], ift["tutor"], on=dt.date.today())
    services.champion_withdraw(actor=lead, nomination=first, on=dt.date.today(), reason="Stepping down")
    # A withdrawal dated ahead, as could be recorded before such dates were refused.
    Nomination.objects.filter(pk=first.pk).update(withdrawn_on=dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError) as exc:
        services.nomination_create(actor=lead, la=la, user=people[0], reason="Again")
    assert exc.value.message_dict["user"] == [f"{people[0]} is a systemic champion already."]


def test_a_nomination_is_not_approved_once_the_nominee_has_left_the_la(ift):
    la, lead, people = la_with(10)
    nomination = services.nomination_create(actor=lead, la=la, user=people[0], reason="r")
    hub.membership_end(actor=None, membership=Membership.objects.get(user=people[0], organisation=la))
    with pytest.raises(ValidationError, match="no longer a keyworker of"):
        services.nomination_approve(actor=ift["tutor"], nomination=nomination)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.PENDING


def test_a_nomination_is_not_approved_once_the_la_has_left_the_treatment_arm(ift):
    la, lead, people = la_with(10)
    nomination = services.nomination_create(actor=lead, la=la, user=people[0], reason="r")
    hub.organisation_update(actor=None, organisation=la, name=la.name, arm=Arm.CONTROL)
    with pytest.raises(ValidationError, match="no longer a treatment local authority"):
        services.nomination_approve(actor=ift["tutor"], nomination=nomination)


def test_leads_cannot_approve_their_own_nominations(ift):
    la, lead, people = la_with(10)
    nomination = services.nomination_create(actor=lead, la=la, user=people[0], reason="r")
    with pytest.raises(PermissionDenied):
        services.nomination_approve(actor=lead, nomination=nomination)


def _champions_cohort(la, tutor):
    cohort = training.cohort_create(
        actor=tutor, course=Course.objects.get(code="champions"), name="Champions", local_authorities=[la]
    )
    for n in range(10):
        training.day_schedule(actor=tutor, cohort=cohort, date=DAY + dt.timedelta(weeks=n))
    return cohort


def test_the_champions_course_accepts_approved_champions_only(ift):
    la, lead, people = la_with(10)
    champion(la, lead, people[0], ift["tutor"])
    services.nomination_create(actor=lead, la=la, user=people[1], reason="pending")
    cohort = _champions_cohort(la, ift["tutor"])
    result = training.enrolment_add_bulk(actor=ift["tutor"], cohort=cohort, la=la)
    assert result.added == [people[0]]
    assert all("not an approved systemic champion" in why for _, why in result.refused)
    assert len(result.refused) == 9


def test_the_award_comes_on_the_tenth_day_and_not_before(ift):
    la, lead, people = la_with(10)
    person = people[0]
    champion(la, lead, person, ift["tutor"])
    access.forget(person)
    cohort = _champions_cohort(la, ift["tutor"])
    training.enrolment_add_bulk(actor=ift["tutor"], cohort=cohort, users=[person])
    days = list(cohort.days.order_by("number"))
    for day in days[:9]:
        training.attendance_mark(
            actor=ift["tutor"], day=day, user=person, status="present", today=dt.date(2030, 1, 1)
        )
    assert not FoundationAward.objects.filter(user=person).exists()
    training.attendance_mark(
        actor=ift["tutor"], day=days[9], user=person, status="late", today=dt.date(2030, 1, 1)
    )
    award = FoundationAward.objects.get(user=person)
    assert award.certificate.course.code == "champions"
    assert award.awarded_on == days[9].date


def test_activities_are_for_champions_and_warn_about_identifying_families(ift):
    la, lead, people = la_with(10)
    with pytest.raises(PermissionDenied):
        services.activity_log(actor=people[0], date=DAY, kind="huddle", colleagues=4, description="Huddle")
    champion(la, lead, people[0], ift["tutor"])
    person = people[0]
    person.__dict__.pop("_hub_is_champion", None)
    with pytest.raises(ValidationError) as exc:
        services.activity_log(
            actor=person,
            date=DAY,
            kind="genogram",
            colleagues=3,
            description="Genogram for child born 03/04/2019",
        )
    assert "identify a family" in str(exc.value)
    services.activity_log(
        actor=person, date=DAY, kind="genogram", colleagues=3, description="Genogram practice"
    )
    rows = selectors.activity_counts_by_month(la=la)
    assert rows[0]["count"] == 1 and rows[0]["colleagues"] == 3


def test_a_champion_who_has_left_the_la_no_longer_takes_a_place(ift):
    la, lead, people = la_with(11)
    champion(la, lead, people[0], ift["tutor"])
    champion(la, lead, people[1], ift["tutor"])
    hub.membership_end(actor=lead, membership=Membership.objects.get(user=people[0], organisation=la))
    ratio = selectors.ratio_for(la, DAY)
    assert (ratio.champions, ratio.keyworkers, ratio.room) == (1, 10, 1)
    replacement = services.nomination_create(actor=lead, la=la, user=people[2], reason="Replacement")
    services.nomination_approve(actor=ift["tutor"], nomination=replacement, on=DAY)
    assert selectors.ratio_for(la, DAY).champions == 2


def test_an_anonymised_champion_is_not_counted_among_the_champions(ift):
    la, lead, people = la_with(10)
    champion(la, lead, people[0], ift["tutor"])
    champion(la, lead, people[1], ift["tutor"])
    privacy.person_anonymise(actor=None, person=people[0], reason="Erasure request")
    ratio = selectors.ratio_for(la, DAY)
    assert (ratio.champions, ratio.keyworkers) == (1, 9)
