"""Signals other apps listen to (training does not import them)."""

from django.dispatch import Signal

#: Sent inside the transaction after a mark is given or changed: kwargs `attendance`.
attendance_changed = Signal()
