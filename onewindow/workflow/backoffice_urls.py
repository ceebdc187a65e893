"""The processes' back office, mounted at /backoffice/processes/."""

from django.urls import path

from onewindow.workflow import backoffice_views as views

app_name = "processes"

urlpatterns = [
    path("", views.processes_view, name="list"),
    path("upload/", views.upload_view, name="upload"),
    path("process/<slug:key>/", views.process_view, name="process"),
    path("process/<slug:key>/v<int:version>/diagram.json", views.diagram_view, name="diagram"),
    path("process/<slug:key>/v<int:version>/try/", views.trial_view, name="trial"),
    path(
        "process/<slug:key>/v<int:version>/files/<str:name>",
        views.download_view,
        name="download",
    ),
]
