from __future__ import annotations

from tests.access_table import IFT, TREATMENT, Url

DECIDERS = {"tutor", "delivery_lead"}


def _nomination(w) -> int:
    return w.extra["champions_nomination"].pk


RULES = [
    Url("champions_index", "/champions/", TREATMENT | IFT, treatment=True),
    Url("champions_directory", "/champions/directory/", TREATMENT | IFT, treatment=True),
    Url("champions_nominate", "/champions/nominate/", {"t_la_lead"}),
    Url("champions_decide", lambda w: f"/champions/nominations/{_nomination(w)}/decide/", DECIDERS),
    Url(
        "champions_withdraw",
        lambda w: f"/champions/nominations/{_nomination(w)}/withdraw/",
        DECIDERS | {"t_la_lead"},
    ),
    # The sample champion is not one of the matrix roles (t_keyworker stays an ordinary
    # keyworker for other apps' rows); champions' own pages are tested in tests/champions.
    Url("champions_activities", "/champions/activities/", DECIDERS | {"hub_admin", "t_la_lead"}),
    Url("champions_activity_new", "/champions/activities/new/", set()),
    # The award is for champions who completed the course; others are sent back.
    Url("champions_award", "/champions/award.pdf", TREATMENT | IFT, ok_status=302, treatment=True),
]


def build(world) -> None:
    from champions import services
    from hub.models import Role
    from tests.factories import make_user

    champion = make_user(Role.KEYWORKER, world.treatment, email="champion@example.org", name="Cham Pion")
    nomination = services.nomination_create(
        actor=world["t_la_lead"], la=world.treatment, user=champion, reason="Leads team huddles"
    )
    services.nomination_approve(actor=world["tutor"], nomination=nomination)
    world.extra["champions_nomination"] = nomination
