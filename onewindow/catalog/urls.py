"""The public portal, mounted at /services/."""

from django.urls import path

from onewindow.catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.browse, name="browse"),
    path("search/", views.search, name="search"),
    path("items/<str:code>/", views.item, name="item"),
    path("items/<str:code>/apply/", views.apply, name="apply"),
    path("events/", views.life_events, name="events"),
    path("events/<slug:code>/", views.life_event, name="event"),
    path("breadth/", views.breadth, name="breadth"),
]
