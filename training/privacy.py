"""Training's part of a person's own data and of their anonymisation (hub/privacy.py).
Enrolments and marks are pseudonymous research records and stay; the free text the hub
holds about the person, and the name printed on their certificates, do not."""

from __future__ import annotations

from hub.privacy import iso
from training.models import Attendance, Certificate, Cohort, Enrolment


def export_for(user) -> dict:
    return {
        "enrolments": [
            {
                "course": e.cohort.course.name,
                "cohort": e.cohort.name,
                "enrolled_at": iso(e.enrolled_at),
                "removed_at": iso(e.removed_at),
                "removal_reason": e.removal_reason,
            }
            for e in Enrolment.objects.filter(user=user)
            .select_related("cohort__course")
            .order_by("enrolled_at")
        ],
        "attendance": [
            {
                "course": a.day.cohort.course.name,
                "cohort": a.day.cohort.name,
                "day": a.day.number,
                "date": iso(a.day.date),
                "status": a.get_status_display(),
                "marked_at": iso(a.marked_at),
            }
            for a in Attendance.objects.filter(user=user)
            .select_related("day__cohort__course")
            .order_by("day__date", "day__number")
        ],
        "certificates": [
            {
                "number": c.number,
                "course": c.course.name,
                "name_printed": c.full_name,
                "completed_on": iso(c.completed_on),
                "hours": str(c.hours),
                "issued_at": iso(c.issued_at),
            }
            for c in Certificate.objects.filter(user=user).select_related("course").order_by("issued_at")
        ],
        "cohorts_taught": sorted(Cohort.objects.filter(tutors=user).values_list("name", flat=True)),
    }


def anonymise(user) -> None:
    Certificate.objects.filter(user=user).update(full_name=user.pseudonym)
    Enrolment.objects.filter(user=user).exclude(removal_reason="").update(removal_reason="")
