"""The forms' back office, mounted at /backoffice/forms/."""

from django.urls import path

from onewindow.forms import backoffice_views as views

app_name = "form_definitions"

urlpatterns = [
    path("", views.forms_view, name="list"),
    path("upload/", views.upload_view, name="upload"),
    path("form/<slug:key>/", views.form_view, name="form"),
    path("form/<slug:key>/v<int:version>.json", views.download_view, name="download"),
]
