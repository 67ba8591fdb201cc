from __future__ import annotations

from django.urls import path

from reflective_practice import views

urlpatterns = [
    path("", views.home, name="reflective_home"),
    path("series/new/", views.series_create, name="reflective_series_create"),
    path("sessions/<int:pk>/", views.session_detail, name="reflective_session_detail"),
    path("sessions/<int:pk>.ics", views.session_ics, name="reflective_session_ics"),
    path("sessions/<int:pk>/rsvp/", views.session_rsvp, name="reflective_session_rsvp"),
    path("sessions/<int:pk>/change/", views.session_change, name="reflective_session_change"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="reflective_session_attendance"),
    path("consultations/", views.consultations, name="reflective_consultations"),
    path("consultations/times/new/", views.slot_create, name="reflective_slot_create"),
    path("consultations/pattern/new/", views.availability_create, name="reflective_availability_create"),
    path("consultations/times/<int:pk>/book/", views.slot_book, name="reflective_slot_book"),
    path("consultations/bookings/<int:pk>/", views.booking_detail, name="reflective_booking_detail"),
    path("consultations/bookings/<int:pk>.ics", views.booking_ics, name="reflective_booking_ics"),
    path("consultations/waiting-list/", views.waitlist_join, name="reflective_waitlist_join"),
    path(
        "consultations/waiting-list/<int:pk>/leave/", views.waitlist_leave, name="reflective_waitlist_leave"
    ),
    path("feed/", views.feed_settings, name="reflective_feed_settings"),
    # Tokens are URL-safe base64 (letters, digits, - and _), which is what a slug allows.
    path("feed/<slug:token>.ics", views.feed, name="reflective_feed"),
]
