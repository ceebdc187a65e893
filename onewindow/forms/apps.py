from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "onewindow.forms"
    label = "forms"
    verbose_name = "Forms"
