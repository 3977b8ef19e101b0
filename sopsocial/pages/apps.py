from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sopsocial.pages"
    label = "pages"
