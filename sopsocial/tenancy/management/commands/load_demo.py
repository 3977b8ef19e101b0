import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from sopsocial.tenancy import demo


class Command(BaseCommand):
    help = "Load the STORY.md demo tenant (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        with transaction.atomic():
            tenant = demo.load()
            # Each app may extend the demo with a `demo.load(tenant, stdout)` of its own, run in app order.
            for config in apps.get_app_configs():
                if config.name.startswith("sopsocial."):
                    continue
                try:
                    module = importlib.import_module(f"{config.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.demo":
                        raise
                    continue
                module.load(tenant, self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo tenant '{tenant.name}' ready at /t/{tenant.slug}/"))
        self.stdout.write("Demo logins (username / password):")
        for username, password, who in demo.logins():
            self.stdout.write(f"  {username:8} {password}   {who}")
