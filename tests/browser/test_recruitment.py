"""A local authority fills in and submits an expression of interest, correcting one
mistake on the way, with the live word count telling them before the server does."""

from __future__ import annotations

from django.core import mail
from playwright.sync_api import expect

from hub.recruitment.models import (
    CONTACT_FIELDS,
    CONTACTS,
    NUMBERS,
    OPEN_ANSWERS,
    EoiStatus,
    ExpressionOfInterest,
)
from tests.hub.recruitment.helpers import PDF_BYTES, make_round, words

LETTER = {"name": "DCS letter.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}


def test_a_lead_fills_in_and_submits_an_eoi_correcting_a_too_long_answer(page, transactional_db):
    make_round("Pilot recruitment 2024")
    page.goto("/eoi/")
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Expression of interest: Pilot recruitment 2024"
    )

    page.get_by_label("Local authority submitting the expression of interest").select_option("Leeds")
    for prefix, _title in CONTACTS:
        values = {
            "first_name": "Priya",
            "surname": "Shah",
            "job_title": "Head of Early Help",
            "email": f"{prefix.replace('_', '.')}@leeds.example",
            "phone": "0113 496 0000",
        }
        for f, _label in CONTACT_FIELDS:
            page.locator(f"#id_{prefix}_{f}").fill(values[f])
    page.get_by_role("group", name="has your local authority implemented systemic practice").get_by_label(
        "No"
    ).check()
    page.get_by_role("group", name="Families First for Children").get_by_label("No").check()
    page.get_by_role("group", name="inadequate Children's Services Ofsted rating").get_by_label("No").check()
    for n, (f, _label) in enumerate(NUMBERS):
        page.locator(f"#id_{f}").fill(str(20 + n))
    for f, _label, _limit in OPEN_ANSWERS:
        page.locator(f"#id_{f}").fill(f"Our plans for {f.replace('_', ' ')}.")

    # The mistake: one word too many for a 250-word answer. The count says so while typing.
    hiring = page.get_by_label("Hiring of systemic practitioners")
    hiring.fill(words(251))
    counter = page.locator("#id_hiring-count")
    assert counter.get_attribute("aria-live") == "polite"
    expect(counter).to_contain_text("1 word too many")

    page.locator("#id_dcs_letter").set_input_files(LETTER)
    page.get_by_role("button", name="Submit expression of interest").click()

    # The server refuses it next to the field, keeping every answer.
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert (
        "Use 250 words or fewer. You have used 251 words, 1 too many."
        in page.locator(".field-error").inner_text()
    )
    assert page.locator("#id_lead_email").input_value() == "lead@leeds.example"
    assert page.locator("#id_sustainability").input_value() == "Our plans for sustainability."
    assert not ExpressionOfInterest.objects.exists()

    # Corrected: the count agrees before sending again.
    page.get_by_label("Hiring of systemic practitioners").fill(words(250))
    expect(page.locator("#id_hiring-count")).to_contain_text("You have 0 words left")
    page.locator("#id_dcs_letter").set_input_files(LETTER)  # browsers never keep a chosen file
    page.get_by_role("button", name="Submit expression of interest").click()

    assert "your expression of interest is submitted" in page.locator(".messages").inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == "Expression of interest from Leeds"
    eoi = ExpressionOfInterest.objects.get()
    assert eoi.status == EoiStatus.SUBMITTED and len(eoi.hiring.split()) == 250
    assert bytes(eoi.dcs_letter).startswith(b"%PDF-")
    assert any(m.to == ["lead@leeds.example"] and "received" in m.subject for m in mail.outbox)
