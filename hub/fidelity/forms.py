from __future__ import annotations

from django import forms

from hub.fidelity.models import Threshold


class MonthForm(forms.Form):
    month = forms.ChoiceField(label="Month of the pilot")

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["green_low", "green_high", "amber_low", "amber_high"]
        labels = {
            "green_low": "Green from",
            "green_high": "Green up to",
            "amber_low": "Amber from",
            "amber_high": "Amber up to",
        }
        help_texts = {
            "green_low": "Leave empty for no lower limit.",
            "green_high": "Leave empty for no upper limit.",
            "amber_low": "Leave both amber boxes empty for no amber band.",
            "amber_high": "",
        }

    def clean(self):
        data = super().clean()
        for band in ("green", "amber"):
            low, high = data.get(f"{band}_low"), data.get(f"{band}_high")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"{band}_high", f"The {band} band must end at or above where it starts ({low:g})."
                )
        if data.get("green_low") is None and data.get("green_high") is None:
            self.add_error("green_low", "Give the green band at least one limit.")
        return data
