"""The shared form templates (templates/includes/form.html and the recruitment field
include): every error-summary link, label and aria-describedby points at an element
that is on the page."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django import forms
from django.template.loader import render_to_string

from hub.forum import services as forum_services
from hub.forum.models import Board, BoardKind


class _Page(HTMLParser):
    """The ids, the elements' attributes, and the error-summary links of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attrs))
        if "id" in attrs:
            self.ids[attrs["id"]] += 1

    def summary_targets(self) -> list[str]:
        return [a["href"][1:] for tag, a in self.elements if tag == "a" and a.get("href", "").startswith("#")]

    def broken_references(self) -> list[str]:
        """Every label `for`, aria-describedby entry and summary link with no element."""
        broken = []
        for tag, attrs in self.elements:
            if tag == "label" and "for" in attrs and attrs["for"] not in self.ids:
                broken.append(f'<label for="{attrs["for"]}">')
            for ref in attrs.get("aria-describedby", "").split():
                if ref not in self.ids:
                    broken.append(f"<{tag} aria-describedby> {ref}")
        broken += [f"summary link #{t}" for t in self.summary_targets() if t not in self.ids]
        return broken


class _Everything(forms.Form):
    name = forms.CharField(help_text="As on your badge.")
    notes = forms.CharField(widget=forms.Textarea, help_text="A few words.")
    teams = forms.MultipleChoiceField(
        choices=[("a", "Team A"), ("b", "Team B")],
        widget=forms.CheckboxSelectMultiple,
        help_text="One or more.",
    )
    arm = forms.ChoiceField(choices=[("t", "Treatment"), ("c", "Control")], widget=forms.RadioSelect)
    day = forms.DateField(widget=forms.SelectDateWidget(years=[2025]))

    def clean_notes(self):
        raise forms.ValidationError(["Notes are too short.", "Notes must name a family."])


def _bound_with_errors() -> _Everything:
    form = _Everything(data={"notes": "x"})
    assert not form.is_valid()
    return form


def test_every_label_description_and_summary_link_of_the_form_include_points_at_an_element():
    form = _bound_with_errors()
    page = _Page(render_to_string("includes/form.html", {"form": form}))
    assert page.broken_references() == []
    # The date's first select follows the date format: id_day_day or id_day_month.
    first_select = form["day"].id_for_label
    assert set(page.summary_targets()) == {"id_name", "id_notes", "id_teams_0", "id_arm_0", first_select}


def test_a_checkbox_group_is_a_fieldset_with_a_legend_described_by_its_hint_and_error():
    html = render_to_string("includes/form.html", {"form": _bound_with_errors()})
    page = _Page(html)
    fieldsets = [attrs for tag, attrs in page.elements if tag == "fieldset"]
    assert {"aria-describedby": "id_teams_helptext id_teams_error", "class": "field-group"} in fieldsets
    assert "<legend>Teams</legend>" in html
    assert '<label for="">' not in html


def test_a_field_with_two_errors_has_one_error_element_holding_both():
    html = render_to_string("includes/form.html", {"form": _bound_with_errors()})
    page = _Page(html)
    assert page.ids["id_notes_error"] == 1
    assert (
        '<p class="error-message" id="id_notes_error">Notes are too short.<br>Notes must name a family.</p>'
        in html
    )
    assert max(page.ids.values()) == 1, "an id appears more than once"


def test_the_inputs_of_a_form_without_errors_are_described_by_their_hints():
    page = _Page(render_to_string("includes/form.html", {"form": _Everything()}))
    assert page.broken_references() == []
    textarea = next(attrs for tag, attrs in page.elements if tag == "textarea")
    assert textarea["aria-describedby"] == "id_notes_helptext"


class _Recruitment(forms.Form):
    answer = forms.CharField(
        widget=forms.Textarea(attrs={"data-word-limit": "50"}), help_text="Up to fifty words."
    )
    arm = forms.ChoiceField(
        choices=[("t", "Treatment"), ("c", "Control")], widget=forms.RadioSelect, help_text="Pick one."
    )


def test_every_description_of_a_recruitment_field_points_at_an_element():
    form = _Recruitment(data={})
    assert not form.is_valid()
    html = "".join(render_to_string("recruitment/includes/field.html", {"field": field}) for field in form)
    page = _Page(html)
    assert page.broken_references() == []
    textarea = next(attrs for tag, attrs in page.elements if tag == "textarea")
    assert textarea["aria-describedby"] == "id_answer_helptext id_answer_error"
    fieldset = next(attrs for tag, attrs in page.elements if tag == "fieldset")
    assert fieldset["aria-describedby"] == "id_arm_helptext id_arm_error"


def test_the_error_summary_of_the_series_form_links_to_the_first_team_checkbox(client, world):
    client.force_login(world["t_practitioner"])
    response = client.post("/reflective/series/new/", {"title": "Group", "ordinal": "1", "weekday": "1"})
    page = _Page(response.content.decode())
    assert "Choose at least one team." in response.content.decode()
    assert "id_teams_0" in page.summary_targets()
    assert page.broken_references() == []


@pytest.fixture
def _no_rate_limit(settings):
    settings.FORUM_POSTS_PER_MINUTE = 1000


def test_an_empty_forum_reply_box_is_described_by_its_hint_and_error(client, world, _no_rate_limit):
    forum_services.board_ensure_all()
    board = Board.objects.get(kind=BoardKind.ALL_TREATMENT)
    thread = forum_services.thread_create(user=world["t_keyworker"], board=board, title="T", body="Hello")
    client.force_login(world["t_keyworker"])
    response = client.post(f"/forum/threads/{thread.pk}/reply/", {"body": ""})
    assert response.status_code == 400
    page = _Page(response.content.decode())
    textarea = next(attrs for tag, attrs in page.elements if tag == "textarea")
    assert textarea["aria-describedby"].split()[-1] == "id_body_error"
    assert page.broken_references() == []
