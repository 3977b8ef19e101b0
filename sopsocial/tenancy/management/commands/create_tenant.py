from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sopsocial.tenancy import tenant_actions
from sopsocial.tenancy.actions import invitation_link


class Command(BaseCommand):
    help = (
        "Start a company: create the tenant and a single-use invitation for its first admin. The link is "
        "printed once here and e-mailed to the admin. A slug already in use or a bad e-mail address is "
        "refused (exit status 1), and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True, help="The tenant's address: /t/<slug>/")
        parser.add_argument("--name", required=True, help="The company's name")
        parser.add_argument("--admin-email", required=True, help="Where the first admin's invitation goes")

    def handle(self, *args, slug, name, admin_email, **options):
        try:
            tenant, invitation, token = tenant_actions.check_start_tenant(
                slug=slug, name=name, admin_email=admin_email
            )
        except ValidationError as error:
            problems = "; ".join(
                f"--{f.replace('_', '-')}: {' '.join(m)}" for f, m in error.message_dict.items()
            )
            raise CommandError(f"Nothing was created. {problems}") from None
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} at /t/{tenant.slug}/"))
        self.stdout.write(f"Invitation for its first admin, {invitation.email} (shown once; also e-mailed):")
        self.stdout.write(f"  {invitation_link(token)}")
