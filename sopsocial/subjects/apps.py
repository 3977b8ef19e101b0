from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "sopsocial.subjects"
    label = "subjects"

    def ready(self):
        from sopsocial.pages import panels
        from sopsocial.tenancy.policy import Perm

        panels.register(panels.Panel("Sharing", "subjects:sharing", order=90, perm=Perm.SHARE_SUBJECTS))
