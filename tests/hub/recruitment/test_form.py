"""Field validation for every kind of field on the public form."""

from __future__ import annotations

import pytest

from hub.recruitment.forms import EoiForm
from tests.hub.recruitment.helpers import PDF_BYTES, answers, pdf, words

CHOICES = ["Kent", "Leeds", "York"]


def form(
    data: dict, files: dict | None = None, *, submitting: bool = True, has_letter: bool = False
) -> EoiForm:
    return EoiForm(
        data,
        files if files is not None else {"dcs_letter": pdf()},
        choices=CHOICES,
        submitting=submitting,
        has_letter=has_letter,
    )


def errors_for(field: str, value, **kw) -> list[str]:
    data = answers() | {field: value}
    f = form(data, **kw)
    f.is_valid()
    return f.errors.get(field, [])


def test_complete_answers_are_valid():
    f = form(answers())
    assert f.is_valid(), f.errors
    assert f.cleaned_data["keyworkers"] == 10
    assert f.cleaned_data["families_first_pathfinder"] is False


def test_the_local_authority_must_come_from_the_list():
    assert errors_for("local_authority", "Atlantis") == ["Choose your local authority from the list."]
    assert errors_for("local_authority", "") == ["This field is required."]


@pytest.mark.parametrize("prefix", ["lead", "sf_lead", "dcs", "data_lead"])
def test_each_contacts_names_are_required(prefix):
    assert errors_for(f"{prefix}_first_name", "   ")
    assert errors_for(f"{prefix}_surname", "")
    assert errors_for(f"{prefix}_job_title", "")


@pytest.mark.parametrize("prefix", ["lead", "sf_lead", "dcs", "data_lead"])
@pytest.mark.parametrize("bad", ["not-an-email", "name@", "@council.gov.uk", "a b@council.gov.uk"])
def test_each_contacts_email_must_be_an_email_address(prefix, bad):
    assert errors_for(f"{prefix}_email", bad) == ["Enter an email address like name@council.gov.uk."]


@pytest.mark.parametrize("prefix", ["lead", "sf_lead", "dcs", "data_lead"])
@pytest.mark.parametrize("bad", ["01632-960123", "+44 1632 960123", "phone me", "(01632) 960123", "12345"])
def test_each_contacts_phone_takes_digits_and_spaces_only(prefix, bad):
    assert errors_for(f"{prefix}_phone", bad)


@pytest.mark.parametrize("good", ["01632960123", "01632 960 123", "07700 900 461"])
def test_a_phone_number_with_digits_and_spaces_is_accepted(good):
    assert errors_for("lead_phone", good) == []


@pytest.mark.parametrize(
    "field", ["systemic_practice_recently", "families_first_pathfinder", "ofsted_inadequate_recently"]
)
def test_yes_no_questions_need_yes_or_no(field):
    assert errors_for(field, "") == ["This field is required."]
    assert errors_for(field, "maybe")
    assert errors_for(field, "yes") == []


def test_details_are_required_only_when_systemic_practice_was_implemented():
    data = answers() | {"systemic_practice_recently": "yes", "systemic_practice_details": ""}
    f = form(data)
    assert not f.is_valid()
    assert f.errors["systemic_practice_details"] == [
        "You answered yes: give details of the systemic practice."
    ]
    assert form(data | {"systemic_practice_details": "Training in 2022."}).is_valid()


@pytest.mark.parametrize("bad", ["12.5", "12.0", "-3", "twelve", "1e3", "12 teams", "١٢"])
def test_numbers_must_be_whole_numbers(bad):
    assert errors_for("keyworkers", bad) == [
        "Enter a whole number, like 24, with no decimals, letters or minus sign."
    ]


@pytest.mark.parametrize("huge", ["2000000001", "9" * 11, "9" * 5000, "1" + "0" * 4400])
def test_a_number_too_large_is_refused_however_many_digits_it_has(huge):
    assert errors_for("keyworkers", huge) == ["That number is too large. Check it and enter it again."]


def test_leading_zeros_do_not_make_a_number_too_large():
    f = form(answers() | {"keyworkers": "0" * 20 + "24"})
    assert f.is_valid(), f.errors
    assert f.cleaned_data["keyworkers"] == 24


@pytest.mark.parametrize(("given", "number"), [("0", 0), ("24", 24), (" 1,200 ", 1200), ("1 200", 1200)])
def test_whole_numbers_may_use_thousands_separators(given, number):
    f = form(answers() | {"families_2022_23": given})
    assert f.is_valid(), f.errors
    assert f.cleaned_data["families_2022_23"] == number


def test_a_missing_number_is_refused_on_submission():
    assert errors_for("children_2022_23", "") == ["This field is required."]


@pytest.mark.parametrize(
    "field", ["integration", "practice_model", "project_support", "hiring", "training_embedding"]
)
def test_250_word_answers_are_accepted_and_251_refused(field):
    assert errors_for(field, words(250)) == []
    assert errors_for(field, words(251)) == ["Use 250 words or fewer. You have used 251 words, 1 too many."]


@pytest.mark.parametrize("field", ["sustainability", "supporting_evaluation"])
def test_500_word_answers_are_accepted_and_501_refused(field):
    assert errors_for(field, words(500)) == []
    assert errors_for(field, words(501)) == ["Use 500 words or fewer. You have used 501 words, 1 too many."]


def test_words_are_counted_across_lines_and_extra_spaces():
    text = "\n\n".join(["  ".join(["word"] * 50)] * 5)  # 250 words with odd spacing
    assert errors_for("hiring", text) == []


def test_the_letter_must_be_a_real_pdf_not_just_named_one():
    f = form(answers(), {"dcs_letter": pdf("letter.pdf", b"<html>not a pdf</html>")})
    assert not f.is_valid()
    assert f.errors["dcs_letter"] == ["The letter must be a PDF file. Save it as a PDF and upload it again."]


def test_the_letter_must_not_be_too_big(settings):
    settings.EOI_LETTER_MAX_BYTES = 1024 * 1024
    f = form(answers(), {"dcs_letter": pdf(content=PDF_BYTES + b"0" * (1024 * 1024))})
    assert not f.is_valid()
    assert "smaller than 1 MB" in f.errors["dcs_letter"][0]


def test_the_letter_is_required_unless_already_uploaded():
    assert not form(answers(), {}).is_valid()
    assert form(answers(), {}, has_letter=True).is_valid()


def test_saving_a_draft_needs_only_the_leads_email_but_still_checks_what_is_given():
    assert form({"lead_email": "lead@kent.example"}, {}, submitting=False).is_valid()
    f = form({"lead_email": "", "keyworkers": "1.5", "lead_phone": "abc"}, {}, submitting=False)
    assert not f.is_valid()
    assert set(f.errors) == {"lead_email", "keyworkers", "lead_phone"}
