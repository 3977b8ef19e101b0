from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "sopsocial.subjects"
    label = "subjects"
