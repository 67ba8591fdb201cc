from decimal import Decimal

from django.db import migrations

COURSES = [
    dict(
        code="cpd5",
        name="Five-day CPD in systemic practice",
        description="Five days for all keyworkers of a treatment local authority, delivered within ten weeks.",
        days=5,
        cpd_hours_per_day=Decimal("6.0"),
        cpd_certified=True,
        audience="keyworkers",
        arm="treatment",
        span_days=70,
        certificate_title="Continuing professional development in systemic practice",
    ),
    dict(
        code="leaders",
        name="Leaders' day",
        description="One day for senior leaders and managers of treatment local authorities.",
        days=1,
        cpd_hours_per_day=Decimal("6.0"),
        cpd_certified=True,
        audience="leaders",
        arm="treatment",
        certificate_title="Leading systemic practice",
    ),
    dict(
        code="postpilot",
        name="Two-day post-pilot CPD",
        description="Two days for keyworkers of control local authorities, after the pilot has ended.",
        days=2,
        cpd_hours_per_day=Decimal("6.0"),
        cpd_certified=True,
        audience="keyworkers",
        arm="control",
        after_pilot_only=True,
        certificate_title="Continuing professional development in systemic practice",
    ),
    dict(
        code="targeted",
        name="Targeted training day",
        description="A training day a systemic practitioner runs in their own local authority.",
        days=1,
        cpd_hours_per_day=Decimal("3.0"),
        audience="keyworkers",
        arm="treatment",
        run_by_practitioner=True,
    ),
    dict(
        code="champions",
        name="Systemic champions' ten-day course",
        description="Ten days for approved systemic champions, equivalent to a Foundation Course in Systemic Practice.",
        days=10,
        cpd_hours_per_day=Decimal("6.0"),
        cpd_certified=True,
        audience="champions",
        arm="treatment",
        certificate_title="Equivalent to a Foundation Course in Systemic Practice",
    ),
]


def seed(apps, schema_editor):
    Course = apps.get_model("training", "Course")
    for data in COURSES:
        Course.objects.update_or_create(code=data["code"], defaults=data)


def unseed(apps, schema_editor):
    apps.get_model("training", "Course").objects.filter(code__in=[c["code"] for c in COURSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
