from django.contrib import admin
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from onewindow.api import api

urlpatterns = [
    path("", include("onewindow.core.urls")),
    path("", include("onewindow.identity.urls")),
    path("services/", include("onewindow.catalog.urls")),
    path("backoffice/catalog/", include("onewindow.catalog.backoffice_urls")),
    path("backoffice/processes/", include("onewindow.workflow.backoffice_urls")),
    path("backoffice/forms/", include("onewindow.forms.backoffice_urls")),
    path("forms/", include("onewindow.forms.urls")),
    path("cases/", include("onewindow.cases.urls")),
    path("supervision/", include("onewindow.supervision.urls")),
    path("notifications/", include("onewindow.notifications.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The API's own address answers with its documentation, not a 404.
    path("api/v1/", RedirectView.as_view(url=reverse_lazy("api:openapi-view")), name="api_root"),
    path("api/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

# 403, 400 and 500 are Django's own handlers drawing the site's templates.
handler404 = "onewindow.core.views.page_not_found"
