"""Supervision pages, mounted at /supervision/."""

from django.urls import path

from onewindow.supervision import views

app_name = "supervision"

urlpatterns = [
    path("time-limits/", views.time_limits, name="time_limits"),
]
