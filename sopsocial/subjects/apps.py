from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "sopsocial.subjects"
    label = "subjects"

    def ready(self):
        from sopsocial.pages import panels

        panels.register(panels.Panel("Sharing", "subjects:sharing", order=90, planners_only=True))
