from django.urls import path

from onewindow.forms import views

app_name = "forms"

urlpatterns = [
    path(
        "attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
]
