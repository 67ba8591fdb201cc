from __future__ import annotations

from tests.access_table import Url

LEADS = {"delivery_lead", "hub_admin"}
EXPORTERS = {"evaluator", "hub_admin"}

RULES = [
    Url("fidelity_dashboard", "/fidelity/", LEADS | {"t_la_lead"}),
    Url("fidelity_la", lambda w: f"/fidelity/la/{w.treatment.pk}/", LEADS | {"t_la_lead"}),
    # An LA lead sees their own LA only.
    Url("fidelity_la", lambda w: f"/fidelity/la/{w.other_treatment.pk}/", LEADS),
    # Control LAs have no fidelity page.
    Url("fidelity_la", lambda w: f"/fidelity/la/{w.control.pk}/", set()),
    Url("fidelity_thresholds", "/fidelity/thresholds/", LEADS),
    Url("fidelity_export", "/fidelity/export/", EXPORTERS),
    Url("fidelity_export_xlsx", "/fidelity/export/all.xlsx", EXPORTERS),
    Url("fidelity_export_csv", "/fidelity/export/people.csv", EXPORTERS),
    Url("fidelity_export_log", "/fidelity/export/log/", LEADS),
]
