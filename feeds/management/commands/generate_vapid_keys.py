"""`manage.py generate_vapid_keys`: a new VAPID key pair for phone notifications (Web Push), printed as
the environment lines to set. Keep the private key secret; changing the keys later ends every browser's
subscription (browsers must subscribe again from the notification settings page)."""

from django.core.management.base import BaseCommand

from feeds.push import generate_vapid_keys


class Command(BaseCommand):
    help = "Print a new VAPID key pair (VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY) for phone notifications."

    def handle(self, *args, **options):
        keys = generate_vapid_keys()
        self.stdout.write(f"VAPID_PUBLIC_KEY={keys.public_key}")
        self.stdout.write(f"VAPID_PRIVATE_KEY={keys.private_key}")
        self.stderr.write(
            "Set both in the environment of the web server and the Celery worker (and VAPID_SUBJECT to a "
            "mailto: or https: contact); keep the private key secret."
        )
