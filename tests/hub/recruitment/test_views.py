from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from hub.models import Arm, AuditEvent, Organisation, Role
from hub.recruitment import selectors, services
from hub.recruitment.models import EoiStatus, ExpressionOfInterest, OutcomeEmailTemplate, Randomisation
from tests.factories import make_la, make_org, make_user
from tests.hub.recruitment.helpers import (
    answers,
    assess,
    assessor,
    close,
    eligible_round,
    make_round,
    pdf,
    submitted_eoi,
    words,
)


def post_form(client, url, data, letter=True, action="submit"):
    payload = dict(data) | {"action": action}
    if letter:
        payload["dcs_letter"] = pdf()
    return client.post(url, payload)


def test_the_public_form_needs_no_account_and_offers_the_english_las(client, round):
    response = client.get("/eoi/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>" in body and body.count("<h1") == 1
    assert '<option value="Westmorland and Furness">' in body
    assert '<option value="Kingston upon Hull">' in body
    assert "<script>" not in body and "onclick" not in body
    assert 'data-word-limit="250"' in body and 'aria-live="polite"' in body


def test_the_la_list_holds_the_153_english_las_with_childrens_services():
    names = selectors.english_local_authorities()
    assert len(names) == 153 == len(set(names))
    assert {"Cornwall", "Isles of Scilly", "City of London", "North Yorkshire", "Cumberland"} <= set(names)


def test_the_choices_add_the_hubs_las_and_the_rounds_extras(round):
    make_la("Ashdown Council", Arm.TREATMENT)
    round.extra_local_authorities = "Marshfield Council\n"
    choices = selectors.local_authority_choices(round)
    assert "Ashdown Council" in choices and "Marshfield Council" in choices and "Kent" in choices


def test_with_no_open_round_the_form_says_so(client, db):
    response = client.get("/eoi/")
    assert response.status_code == 200
    assert "closed" in response.content.decode()


def test_submitting_a_complete_eoi_confirms_by_email_with_the_answers(
    client, round, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(client, "/eoi/", answers("Leeds", "lead@leeds.example"))
    assert response.status_code == 302
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.status == EoiStatus.SUBMITTED and eoi.local_authority == "Leeds"
    assert bytes(eoi.dcs_letter).startswith(b"%PDF-") and eoi.dcs_letter_name == "letter.pdf"
    confirmation = [m for m in mailoutbox if "received" in m.subject]
    assert len(confirmation) == 1 and confirmation[0].to == ["lead@leeds.example"]
    assert "Our answer on sustainability." in confirmation[0].body
    assert "Current number of Supporting Families keyworkers: 10" in confirmation[0].body
    # The link shows what was submitted, and nothing can be changed through it.
    page = client.get(response["Location"])
    assert "Submitted on" in page.content.decode()


def test_a_refused_upload_keeps_every_other_answer(client, round):
    data = answers("York", "lead@york.example") | {"sustainability": "We plan to keep going."}
    payload = data | {"action": "submit", "dcs_letter": pdf("letter.pdf", b"GIF89a not a pdf")}
    response = client.post("/eoi/", payload)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The letter must be a PDF file." in body
    assert 'value="lead@york.example"' in body
    assert "We plan to keep going." in body
    assert '<option value="York" selected>' in body
    assert not ExpressionOfInterest.objects.exists()


def test_a_five_thousand_digit_number_is_refused_next_to_the_field_with_the_answers_kept(client, round):
    huge = "9" * 5000
    data = answers("York", "lead@york.example") | {"keyworkers": huge, "sustainability": "We keep going."}
    response = client.post("/eoi/", data | {"action": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "That number is too large. Check it and enter it again." in body
    assert 'href="#id_keyworkers"' in body
    assert huge in body
    assert "We keep going." in body
    assert not ExpressionOfInterest.objects.exists()


def test_a_too_long_answer_is_refused_next_to_the_field_with_the_text_kept(client, round):
    text = words(251)
    response = post_form(client, "/eoi/", answers() | {"hiring": text})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Use 250 words or fewer. You have used 251 words, 1 too many." in body
    assert text in body
    assert 'href="#id_hiring"' in body


def test_save_and_resume_through_the_emailed_private_link(
    client, round, mailoutbox, django_capture_on_commit_callbacks
):
    partial = {"local_authority": "Kent", "lead_first_name": "Kim", "lead_email": "kim@kent.example"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/eoi/", partial | {"action": "save"})
    assert response.status_code == 302
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.status == EoiStatus.DRAFT
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["kim@kent.example"]
    link = next(line for line in mailoutbox[0].body.splitlines() if "/eoi/resume/" in line)
    path = link[link.index("/eoi/resume/") :]
    assert path == response["Location"]
    page = client.get(path)
    assert 'value="Kim"' in page.content.decode()
    # Finishing it later, from another browser, with the link only.
    other = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_form(other, path, answers("Kent", "kim@kent.example"))
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.status == EoiStatus.SUBMITTED
    assert ExpressionOfInterest.objects.count() == 1
    assert len(mailoutbox) == 2  # no second link; the confirmation


def test_a_draft_keeps_an_uploaded_letter_for_the_submission(client, round):
    saved = client.post("/eoi/", {"lead_email": "a@kent.example", "action": "save", "dcs_letter": pdf()})
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.has_letter
    assert "Letter uploaded: letter.pdf" in client.get(saved["Location"]).content.decode()
    response = client.post(saved["Location"], answers("Kent", "a@kent.example") | {"action": "submit"})
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.is_submitted


def test_an_unknown_resume_link_is_not_found(client, db):
    assert client.get("/eoi/resume/not-a-token/").status_code == 404


def test_one_submission_per_la_per_round(client, round):
    submitted_eoi(round, "Kent")
    response = post_form(client, "/eoi/", answers("Kent", "other@kent.example"))
    assert response.status_code == 200
    assert "Kent has already submitted" in response.content.decode()
    assert ExpressionOfInterest.objects.filter(status=EoiStatus.SUBMITTED).count() == 1


def test_the_form_is_protected_against_cross_site_posts(round):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/eoi/", answers() | {"action": "submit"})
    assert response.status_code == 403
    assert not ExpressionOfInterest.objects.exists()


def test_the_form_is_rate_limited_per_address(client, round, settings):
    settings.EOI_RATE_LIMIT = 3
    for _ in range(3):
        assert client.post("/eoi/", {"action": "save"}, REMOTE_ADDR="203.0.113.5").status_code == 200
    assert client.post("/eoi/", {"action": "save"}, REMOTE_ADDR="203.0.113.5").status_code == 429
    # Another address is not affected; reading the form is never limited.
    assert client.post("/eoi/", {"action": "save"}, REMOTE_ADDR="203.0.113.6").status_code == 200
    assert client.get("/eoi/", REMOTE_ADDR="203.0.113.5").status_code == 200


# --- assessors and hub admins ---------------------------------------------------------


@pytest.fixture
def marker(db):
    return assessor()


def test_an_assessor_marks_an_eoi_and_sees_the_outcome_and_why(client, round, marker):
    eoi = submitted_eoi(round, "Leeds")
    client.force_login(marker)
    assert client.get("/eoi/assess/").status_code == 200
    data = {"action": "marks"}
    for code in ["systemic_practice", "pathfinder", "ofsted", "dcs_letter"]:
        data[f"{code}_value"] = "pass"
    for code in [
        "project_support",
        "hiring",
        "training_embedding",
        "sustainability",
        "supporting_evaluation",
    ]:
        data[f"{code}_value"] = "2"
        data[f"{code}_comment"] = "Good evidence."
    data["hiring_value"] = "1"
    response = client.post(f"/eoi/assess/{eoi.pk}/", data)
    assert response.status_code == 302
    eoi.assessment.refresh_from_db()
    assert eoi.assessment.eligible is False
    listing = client.get("/eoi/assess/").content.decode()
    assert (
        "Excluded from randomisation" in listing
        and "Hiring of systemic practitioners: a score of 1" in listing
    )


def test_an_assessor_logs_a_clarification_call_with_errors_kept(client, round, marker):
    eoi = submitted_eoi(round, "Leeds")
    client.force_login(marker)
    response = client.post(
        f"/eoi/assess/{eoi.pk}/",
        {"action": "call", "called_on": "2024-03-12", "spoke_with": "", "notes": "About hiring."},
    )
    assert response.status_code == 200
    assert "About hiring." in response.content.decode()
    response = client.post(
        f"/eoi/assess/{eoi.pk}/",
        {
            "action": "call",
            "called_on": "2024-03-12",
            "spoke_with": "Head of Early Help",
            "notes": "About hiring.",
        },
    )
    assert response.status_code == 302
    assert eoi.calls.get().spoke_with == "Head of Early Help"


def test_an_assessor_downloads_the_letter(client, round, marker):
    eoi = submitted_eoi(round, "Leeds")
    client.force_login(marker)
    response = client.get(f"/eoi/assess/{eoi.pk}/letter/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == 'attachment; filename="Leeds DCS letter.pdf"'


def test_drafts_are_not_shown_to_assessors(client, round, marker):
    eoi, _ = services.eoi_save(round=round, answers={"lead_email": "x@kent.example"})
    client.force_login(marker)
    assert client.get(f"/eoi/assess/{eoi.pk}/").status_code == 404


@pytest.mark.parametrize("chosen", ["abc", "²", "99999"])
def test_a_round_in_the_link_that_names_no_round_shows_the_newest_round(client, round, marker, chosen):
    older = make_round("Earlier round")
    older.created_at = round.created_at - dt.timedelta(days=30)
    older.save(update_fields=["created_at"])
    submitted_eoi(round, "Leeds")
    client.force_login(marker)
    response = client.get("/eoi/assess/", {"round": chosen})
    assert response.status_code == 200
    text = response.content.decode()
    assert f"Expressions of interest: {round.name}" in text and "Leeds" in text


def test_a_round_chosen_in_the_link_is_shown(client, round, marker):
    older = make_round("Earlier round")
    older.created_at = round.created_at - dt.timedelta(days=30)
    older.save(update_fields=["created_at"])
    client.force_login(marker)
    text = client.get("/eoi/assess/", {"round": older.pk}).content.decode()
    assert "Expressions of interest: Earlier round" in text


def test_an_email_that_cannot_be_filled_in_is_refused_next_to_the_field_with_the_text_kept(client, round):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    template = selectors.outcome_templates()[0]
    client.force_login(admin)
    response = client.post(
        "/eoi/emails/",
        {
            "template": template.pk,
            f"t{template.pk}-subject": "Your outcome, {{ local_authority }}",
            f"t{template.pk}-body": "Dear {{ first_name }}, {% include 'nope.html' %}",
        },
    )
    assert response.status_code == 200
    form = dict(response.context["items"])[template]
    assert "page that does not exist" in form.errors["body"][0]
    text = response.content.decode()
    assert "Your outcome, {{ local_authority }}" in text
    assert "Dear {{ first_name }}, {% include &#x27;nope.html&#x27; %}" in text


def test_sending_with_a_stored_email_that_cannot_be_filled_in_says_why_and_sends_nothing(
    client, round, marker, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    eligible_round(round, ["Leeds", "York"], marker)
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    # As saved before templates were tried out on saving: the service now refuses it.
    selectors.outcome_templates()  # the default wording, stored on first use
    OutcomeEmailTemplate.objects.update(body="{% include 'nope.html' %}")
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/eoi/randomisations/{run.pk}/emails/", follow=True)
    assert response.redirect_chain == [(f"/eoi/randomisations/{run.pk}/", 302)]
    assert "No emails were sent" in response.content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize("named", ["abc", "", "99999"])
def test_saving_an_email_template_that_does_not_exist_is_not_found(client, round, named):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    template = selectors.outcome_templates()[0]
    client.force_login(admin)
    response = client.post(
        "/eoi/emails/",
        {"template": named, f"t{template.pk}-subject": "Changed", f"t{template.pk}-body": "Changed."},
    )
    assert response.status_code == 404
    template.refresh_from_db()
    assert template.subject != "Changed"


def test_the_assess_list_queries_stay_flat(client, round, marker, django_assert_max_num_queries):
    client.force_login(marker)
    eligible_round(round, ["Leeds"], marker)
    with django_assert_max_num_queries(20) as one:
        client.get("/eoi/assess/")
    eligible_round(round, [f"Borough {n}" for n in range(30)], marker)
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/eoi/assess/")


def test_a_hub_admin_randomises_and_a_second_run_needs_a_reason(client, round, marker):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    eligible_round(round, [f"Borough {c}" for c in "ABCDEFGHIJKLMN"], marker)
    client.force_login(admin)
    assert client.get(f"/eoi/rounds/{round.pk}/randomise/").status_code == 200
    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"action": "close"})
    assert response["Location"] == f"/eoi/rounds/{round.pk}/randomise/"
    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"reason": ""})
    run = Randomisation.objects.get()
    assert response["Location"] == f"/eoi/randomisations/{run.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert run.seed in detail and "Yes: the recorded seed" in detail
    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"reason": ""})
    assert response.status_code == 200
    assert "write why" in response.content.decode()
    assert Randomisation.objects.count() == 1
    for name in run.treatment:
        assert Organisation.objects.get(name=name).arm == Arm.TREATMENT


def test_a_hub_admin_sends_the_outcome_emails_and_edits_the_templates(
    client, round, marker, mailoutbox, django_capture_on_commit_callbacks
):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    eligible_round(round, ["Leeds", "York", "Kent"], marker)
    assess(submitted_eoi(round, "Derby"), marker, eligible=False)
    close(round)
    run = services.randomisation_run(actor=admin, round=round)
    client.force_login(admin)
    assert client.get("/eoi/emails/").status_code == 200
    template = next(t for t in selectors.outcome_templates() if t.outcome == "not_selected")
    response = client.post(
        "/eoi/emails/",
        {
            "template": template.pk,
            f"t{template.pk}-subject": "Sorry, {{ local_authority }}",
            f"t{template.pk}-body": "{% if %}",
        },
    )
    assert response.status_code == 200 and "placeholders" in response.content.decode()
    client.post(
        "/eoi/emails/",
        {
            "template": template.pk,
            f"t{template.pk}-subject": "Sorry, {{ local_authority }}",
            f"t{template.pk}-body": "No.",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/eoi/randomisations/{run.pk}/emails/")
    assert len(mailoutbox) == 4
    assert any(m.subject.endswith("Sorry, Derby") for m in mailoutbox)


def test_randomising_an_open_round_is_refused_on_the_page_until_it_is_closed_there(client, round, marker):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    eligible_round(round, ["Leeds", "York", "Kent"], marker)
    client.force_login(admin)
    page = client.get(f"/eoi/rounds/{round.pk}/randomise/").content.decode()
    assert "Close the round" in page
    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"reason": ""})
    assert response.status_code == 200
    assert "still open for expressions of interest. Close it first" in response.content.decode()
    assert not Randomisation.objects.exists()

    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"action": "close"}, follow=True)
    assert "accepts no more expressions of interest" in response.content.decode()
    round.refresh_from_db()
    assert round.is_open is False
    assert AuditEvent.objects.filter(action="recruitment.close", actor=admin).count() == 1
    assert "Close the round" not in response.content.decode()
    # The public form no longer takes submissions for it.
    assert "closed" in client.get("/eoi/").content.decode().lower()

    client.post(f"/eoi/rounds/{round.pk}/randomise/", {"reason": ""})
    assert Randomisation.objects.count() == 1


def test_randomising_with_a_submitted_eoi_still_unassessed_is_refused_and_names_it(client, round, marker):
    admin = make_user(Role.HUB_ADMIN, make_org("ift", "IFT"))
    eligible_round(round, ["Leeds", "York", "Kent"], marker)
    submitted_eoi(round, "Derby")  # submitted, never marked
    half_marked = submitted_eoi(round, "Bristol")
    services.assessment_save(actor=marker, eoi=half_marked, marks={"hiring": ("2", "Seen.")})
    close(round)
    client.force_login(admin)
    page = client.get(f"/eoi/rounds/{round.pk}/randomise/").content.decode()
    assert "Still to assess (2)" in page
    response = client.post(f"/eoi/rounds/{round.pk}/randomise/", {"reason": ""})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Finish the assessment of every submitted expression of interest first" in text
    assert "Bristol, Derby" in text
    assert not Randomisation.objects.exists()
    assert Organisation.objects.filter(name="Leeds").first() is None
