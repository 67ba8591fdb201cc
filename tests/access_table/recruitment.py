"""Recruitment: the public EOI form and its private resume link are open to anyone;
assessment is for EOI assessors and hub admins; the randomisation for hub admins only.
(The walked roles hold no assessor; tests/hub/recruitment/test_access.py covers one.)"""

from __future__ import annotations

from tests.access_table import EVERYONE, Url

ADMINS = {"hub_admin"}

RULES = [
    Url("eoi_start", "/eoi/", EVERYONE),
    Url("eoi_resume", lambda w: f"/eoi/resume/{w.extra['recruitment_token']}/", EVERYONE),
    Url("eoi_assess_list", "/eoi/assess/", ADMINS),
    Url("eoi_assess", lambda w: f"/eoi/assess/{w.extra['recruitment_eoi'].pk}/", ADMINS),
    Url("eoi_letter", lambda w: f"/eoi/assess/{w.extra['recruitment_eoi'].pk}/letter/", ADMINS),
    Url("round_randomise", lambda w: f"/eoi/rounds/{w.extra['recruitment_round'].pk}/randomise/", ADMINS),
    Url("randomisation_detail", lambda w: f"/eoi/randomisations/{w.extra['recruitment_run'].pk}/", ADMINS),
    Url(
        "randomisation_send_emails",
        lambda w: f"/eoi/randomisations/{w.extra['recruitment_run'].pk}/emails/",
        ADMINS,
        ok_status=405,
    ),
    Url("outcome_templates", "/eoi/emails/", ADMINS),
]


def build(world):
    from hub.recruitment import services
    from tests.hub.recruitment.helpers import answers, assess, cleaned, make_round, pdf

    round = make_round("Matrix round")
    admin = world["hub_admin"]
    eois = []
    for name in ("Matrixford", "Tablebury", "Gridley"):
        eoi, token = services.eoi_save(round=round, answers=cleaned(answers(name)), letter=pdf())
        services.eoi_submit(eoi=eoi)
        assess(eoi, admin)
        eois.append(eoi)
    draft, draft_token = services.eoi_save(round=round, answers={"lead_email": "draft@example.org"})
    services.round_close(actor=admin, round=round)
    world.extra |= {
        "recruitment_round": round,
        "recruitment_eoi": eois[0],
        "recruitment_token": draft_token,
        "recruitment_run": services.randomisation_run(actor=admin, round=round),
    }
