"""Cases pages, mounted at /cases/."""

from django.urls import path

from onewindow.cases import application_views, diagram, officer_views, timelimit_views, views

app_name = "cases"

urlpatterns = [
    path("", views.my_cases, name="mine"),
    path("inbox/", officer_views.inbox, name="inbox"),
    path("tasks/<int:task_id>/", officer_views.task_detail, name="task"),
    path("tasks/<int:task_id>/claim/", officer_views.claim, name="claim"),
    path("tasks/<int:task_id>/release/", officer_views.release, name="release"),
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
    path("events/<slug:code>/apply/", application_views.apply_event, name="apply_event"),
    path("drafts/<str:code>/discard/", application_views.discard_draft, name="discard_draft"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/receipt/", views.receipt, name="receipt"),
    path("<str:number>/supplement/", timelimit_views.resupply, name="resupply"),
    path("<str:number>/diagram.json", diagram.case_diagram, name="diagram"),
]
