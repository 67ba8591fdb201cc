from django.db import migrations

# The design's defaults, frozen here so later edits to the code do not rewrite history.
DEFAULTS = {
    "practitioner": (None, 0, None, 60),
    "cpd_completion": (90, None, 75, None),
    "cpd_attendance": (85, None, 70, None),
    "champions_ratio": (10, 20, 5, 25),
    "champions_course": (85, None, 70, None),
    "leaders_day": (1, None, None, None),
    "reflective_sessions": (100, None, 80, None),
    "reflective_attendance": (60, None, 45, None),
    "consultations": (50, None, 35, None),
    "engagement": (70, None, 50, None),
    "contamination": (None, 0, None, 2),
}


def add_defaults(apps, schema_editor):
    Threshold = apps.get_model("fidelity", "Threshold")
    for key, (green_low, green_high, amber_low, amber_high) in DEFAULTS.items():
        Threshold.objects.get_or_create(
            indicator=key,
            defaults={
                "green_low": green_low,
                "green_high": green_high,
                "amber_low": amber_low,
                "amber_high": amber_high,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("fidelity", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
