from __future__ import annotations

import random

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from hub import access
from hub.models import Arm, AuditEvent, Organisation, OrganisationKind, Role
from hub.recruitment import randomisation as algorithm
from hub.recruitment import selectors, services
from hub.recruitment.models import Outcome, OutcomeEmail, OutcomeEmailTemplate, Randomisation
from tests.factories import make_la, make_user
from tests.hub.recruitment.helpers import assess, assessor, close, eligible_round, submitted_eoi

NAMES = [f"Borough {c}" for c in "ABCDEFGHIJKLMNO"]  # fifteen


def test_the_algorithm_picks_twelve_and_splits_them_six_and_six():
    result = algorithm.allocate(NAMES, 12345)
    assert len(result.treatment) == 6 and len(result.control) == 6
    assert not set(result.treatment) & set(result.control)
    assert set(result.selected) <= set(NAMES)


def test_the_allocation_is_reproduced_from_the_seed_and_list_whatever_their_order():
    seed = algorithm.new_seed()
    first = algorithm.allocate(NAMES, seed)
    shuffled = list(NAMES)
    random.Random(7).shuffle(shuffled)
    assert algorithm.allocate(shuffled, seed) == first
    # The documented recipe, written out independently, gives the same answer.
    names = sorted(set(NAMES), key=lambda n: (n.casefold(), n))
    rng = random.Random(seed)
    chosen = rng.sample(names, 12)
    rng.shuffle(chosen)
    assert (chosen[:6], chosen[6:]) == (first.treatment, first.control)


def test_different_seeds_give_different_allocations():
    results = {tuple(algorithm.allocate(NAMES, s).treatment) for s in range(20)}
    assert len(results) > 15


def test_fewer_than_twelve_are_all_selected():
    result = algorithm.allocate(NAMES[:9], 99)
    assert sorted(result.selected) == sorted(NAMES[:9])
    assert len(result.treatment) == 4 and len(result.control) == 5


def test_an_unknown_algorithm_version_is_refused():
    with pytest.raises(ValueError):
        algorithm.allocate(NAMES, 1, version="v0")


def test_find_seed_for_reproduces_a_given_treatment_arm():
    wanted = set(NAMES[:6])
    seed = algorithm.find_seed_for(NAMES[:12], wanted)
    assert set(algorithm.allocate(NAMES[:12], seed).treatment) == wanted


@pytest.fixture
def admin(world):
    return world["hub_admin"]


def test_a_run_is_recorded_with_who_when_the_eligible_list_seed_version_and_result(round, admin):
    marker = assessor()
    eligible_round(round, NAMES, marker)
    excluded = submitted_eoi(round, "Excludedshire")
    assess(excluded, marker, eligible=False)
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    assert run.sequence == 1 and run.run_by == admin and run.run_at is not None
    assert run.eligible == sorted(NAMES, key=str.casefold)
    assert "Excludedshire" not in run.eligible
    assert run.algorithm_version == "v1"
    assert int(run.seed) > 0
    assert run.warning == ""
    assert len(run.treatment) == 6 and len(run.control) == 6
    assert selectors.randomisation_check(run).matches
    assert AuditEvent.objects.filter(
        action="recruitment.randomise", actor=admin, detail__contains=run.seed
    ).exists()


def test_a_run_sets_each_selected_las_arm_creating_the_organisation_if_missing(round, admin):
    existing = make_la("Borough A", Arm.UNASSIGNED)
    eligible_round(round, NAMES, assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    for name in run.treatment:
        assert Organisation.objects.get(name=name).arm == Arm.TREATMENT
    for name in run.control:
        assert Organisation.objects.get(name=name, kind=OrganisationKind.LOCAL_AUTHORITY).arm == Arm.CONTROL
    not_selected = set(NAMES) - set(run.selected)
    assert not Organisation.objects.filter(name__in=not_selected).exclude(pk=existing.pk).exists()
    existing.refresh_from_db()
    assert existing.arm == (
        Arm.TREATMENT
        if "Borough A" in run.treatment
        else Arm.CONTROL
        if "Borough A" in run.control
        else Arm.UNASSIGNED
    )
    assert AuditEvent.objects.filter(action="recruitment.arm").count() == 12


def test_the_arm_set_by_the_randomisation_reaches_the_access_policy(round, admin):
    names = NAMES[:12]
    las = {name: make_la(name, Arm.UNASSIGNED) for name in names}
    people = {name: make_user(Role.KEYWORKER, la) for name, la in las.items()}
    for person in people.values():
        assert access.can_view_treatment_content(person) is False
    eligible_round(round, names, assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    for name, person in people.items():
        access.forget(person)
        person = type(person).objects.get(pk=person.pk)
        assert access.can_view_treatment_content(person) is (name in run.treatment), name


def test_fewer_than_twelve_eligible_are_all_selected_with_a_warning(round, admin):
    eligible_round(round, NAMES[:8], assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    assert sorted(run.selected) == sorted(NAMES[:8])
    assert "Only 8" in run.warning


def test_a_silent_rerun_is_refused_and_a_reasoned_one_keeps_the_first(round, admin):
    eligible_round(round, NAMES, assessor())
    close(round)
    first = services.randomisation_run(actor=admin, round=round)
    with pytest.raises(ValidationError) as exc:
        services.randomisation_run(actor=admin, round=round)
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.randomisation_run(actor=admin, round=round, reason="   ")
    assert Randomisation.objects.count() == 1
    second = services.randomisation_run(
        actor=admin, round=round, reason="An LA withdrew before the results went out."
    )
    assert second.sequence == 2
    first.refresh_from_db()
    assert first.treatment and Randomisation.objects.count() == 2
    assert selectors.latest_randomisation(round) == second
    # The arms follow the run in force; LAs it did not select go back to unassigned.
    for name in NAMES:
        org = Organisation.objects.filter(name=name).first()
        expected = (
            Arm.TREATMENT
            if name in second.treatment
            else Arm.CONTROL
            if name in second.control
            else Arm.UNASSIGNED
        )
        assert (org.arm if org else Arm.UNASSIGNED) == expected


def test_the_database_refuses_a_rerun_without_a_reason(round, admin):
    from django.db import IntegrityError, transaction

    eligible_round(round, NAMES[:4], assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    with pytest.raises(IntegrityError), transaction.atomic():
        Randomisation.objects.create(
            round=round,
            sequence=2,
            seed="1",
            algorithm_version="v1",
            target=12,
            eligible=run.eligible,
            treatment=[],
            control=[],
            reason="",
        )


def test_randomising_needs_at_least_two_eligible_las(round, admin):
    eligible_round(round, NAMES[:1], assessor())
    close(round)
    with pytest.raises(ValidationError):
        services.randomisation_run(actor=admin, round=round)


def test_the_verify_command_reproduces_a_run_and_catches_a_tampered_one(round, admin, capsys):
    from django.core.management.base import CommandError

    eligible_round(round, NAMES, assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    call_command("randomisation_verify", str(run.pk))
    assert "matches" in capsys.readouterr().out
    Randomisation.objects.filter(pk=run.pk).update(treatment=run.control, control=run.treatment)
    with pytest.raises(CommandError):
        call_command("randomisation_verify", str(run.pk))


def test_outcome_emails_go_once_to_each_lead_from_the_editable_templates(
    round, admin, mailoutbox, django_capture_on_commit_callbacks
):
    marker = assessor()
    eligible_round(round, NAMES[:13], marker)
    assess(submitted_eoi(round, "Excludedshire"), marker, eligible=False)
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    template = next(t for t in selectors.outcome_templates() if t.outcome == Outcome.CONTROL)
    services.outcome_template_update(
        actor=admin,
        template=template,
        subject="Control: {{ local_authority }}",
        body="Dear {{ first_name }}, control.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.outcome_emails_send(actor=admin, run=run)
    assert len(sent) == 14 and len(mailoutbox) == 14
    by_to = {m.to[0]: m for m in mailoutbox}
    control_la = run.control[0]
    mail = by_to[f"lead@{control_la.lower().replace(' ', '')}.example"]
    assert mail.subject.endswith(f"Control: {control_la}")
    assert mail.body == "Dear Lead, control."
    assert OutcomeEmail.objects.filter(outcome=Outcome.NOT_SELECTED).count() == 2
    with pytest.raises(ValidationError):
        services.outcome_emails_send(actor=admin, run=run)


def test_a_template_with_a_broken_placeholder_is_refused(admin):
    template = selectors.outcome_templates()[0]
    with pytest.raises(ValidationError) as exc:
        services.outcome_template_update(actor=admin, template=template, subject="Hi", body="{% if %}")
    assert "body" in exc.value.message_dict


def test_a_template_that_compiles_but_cannot_be_filled_in_is_refused_and_not_saved(admin):
    template = selectors.outcome_templates()[0]
    before = (template.subject, template.body)
    with pytest.raises(ValidationError) as exc:
        services.outcome_template_update(
            actor=admin, template=template, subject="{% url 'nowhere' %}", body="{% include 'nope.html' %}"
        )
    errors = exc.value.message_dict
    assert "page that does not exist (nope.html)" in errors["body"][0]
    assert "could not be filled in" in errors["subject"][0]
    template.refresh_from_db()
    assert (template.subject, template.body) == before


def test_a_stored_template_that_cannot_be_filled_in_stops_the_sending_with_nothing_sent(
    round, admin, mailoutbox, django_capture_on_commit_callbacks
):
    eligible_round(round, NAMES[:4], assessor())
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    # As saved before templates were tried out on saving: the service now refuses it.
    selectors.outcome_templates()  # the default wording, stored on first use
    OutcomeEmailTemplate.objects.filter(outcome=Outcome.CONTROL).update(body="{% include 'nope.html' %}")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        services.outcome_emails_send(actor=admin, run=run)
    assert "No emails were sent" in exc.value.messages[0]
    assert mailoutbox == [] and not OutcomeEmail.objects.exists()
    run.refresh_from_db()
    assert run.emails_sent_at is None


def test_only_the_latest_run_sends_outcome_emails(round, admin):
    eligible_round(round, NAMES[:4], assessor())
    close(round)
    first = services.randomisation_run(actor=admin, round=round)
    services.randomisation_run(actor=admin, round=round, reason="Corrected an assessment.")
    with pytest.raises(ValidationError):
        services.outcome_emails_send(actor=admin, run=first)


def test_a_submitted_eoi_still_unassessed_stops_the_randomisation_until_it_is_assessed(round, admin):
    marker = assessor()
    eligible_round(round, NAMES[:4], marker)
    waiting = submitted_eoi(round, "Unassessed Vale")
    services.eoi_save(round=round, answers={"lead_email": "draft@example.org"})  # a draft never blocks
    close(round)
    with pytest.raises(ValidationError) as exc:
        services.randomisation_run(actor=admin, round=round)
    assert "Still to do (1): Unassessed Vale." in exc.value.messages[0]
    assert not Randomisation.objects.exists()
    assert not AuditEvent.objects.filter(action="recruitment.arm").exists()
    assess(waiting, marker)
    run = services.randomisation_run(actor=admin, round=round)
    assert "Unassessed Vale" in run.eligible


def test_an_open_round_is_not_randomised(round, admin):
    eligible_round(round, NAMES[:4], assessor())
    with pytest.raises(ValidationError) as exc:
        services.randomisation_run(actor=admin, round=round)
    assert "still open for expressions of interest" in exc.value.messages[0]
    assert not Randomisation.objects.exists()
