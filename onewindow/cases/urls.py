"""Cases pages, mounted at /cases/."""

from django.urls import path

from onewindow.cases import diagram, timelimit_views, views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("inbox/", views.inbox, name="inbox"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", views.claim, name="claim"),
    path("tasks/<int:task_id>/release/", views.release, name="release"),
    path(
        "tasks/<int:task_id>/supplement/",
        timelimit_views.request_supplement,
        name="request_supplement",
    ),
    path(
        "tasks/<int:task_id>/extension/",
        timelimit_views.request_extension,
        name="request_extension",
    ),
    path("extensions/", timelimit_views.extension_requests, name="extensions"),
    path("events/<slug:code>/apply/", views.apply_event, name="apply_event"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/supplement/", timelimit_views.resupply, name="resupply"),
    path("<str:number>/diagram.json", diagram.case_diagram, name="diagram"),
]
