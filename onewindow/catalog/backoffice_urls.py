"""The catalog's back office, mounted at /backoffice/catalog/."""

from django.urls import path

from onewindow.catalog import backoffice_applications as applications
from onewindow.catalog import backoffice_transfer as transfer
from onewindow.catalog import backoffice_views as views

app_name = "backoffice"

urlpatterns = [
    path("", views.index_view, name="index"),
    path("items/new/", views.new_item_view, name="item_new"),
    path("items/<str:code>/", views.item_view, name="item"),
    path("items/<str:code>/edit/", views.edit_item_view, name="item_edit"),
    path("items/<str:code>/submit/", views.submit_item_view, name="item_submit"),
    path("items/<str:code>/withdraw/", views.withdraw_item_view, name="item_withdraw"),
    path(
        "items/<str:code>/application/", applications.item_application_view, name="item_application"
    ),
    path("life-events/", applications.events_view, name="events"),
    path(
        "life-events/<slug:code>/process/",
        applications.event_process_view,
        name="event_process",
    ),
    path("reviews/", views.reviews_view, name="reviews"),
    path("import/", transfer.import_view, name="import"),
    path("export.xlsx", transfer.export_excel_view, name="export_excel"),
    path("export.json", transfer.export_json_view, name="export_json"),
    path("synonyms/", views.synonyms_view, name="synonyms"),
    path("synonyms/delete/", views.delete_synonym_view, name="synonym_delete"),
]
