from django.core.management.base import BaseCommand, CommandError

from sopsocial.audit.chain import verify_tenant
from sopsocial.tenancy.models import Tenant


class Command(BaseCommand):
    help = "Recompute each tenant's audit hash chain; exit non-zero naming the first bad event."

    def add_arguments(self, parser):
        parser.add_argument("--tenant", metavar="SLUG", help="verify only this tenant")

    def handle(self, *args, **options):
        tenants = Tenant.objects.order_by("slug")
        if options["tenant"]:
            tenants = tenants.filter(slug=options["tenant"])
            if not tenants.exists():
                raise CommandError(f"no tenant with slug {options['tenant']!r}")
        failures = []
        for tenant in tenants:
            result = verify_tenant(tenant)
            if result.ok:
                self.stdout.write(self.style.SUCCESS(result.describe()))
            else:
                self.stderr.write(self.style.ERROR(result.describe()))
                failures.append(result)
        if failures:
            raise CommandError(f"audit chain broken in {len(failures)} tenant(s)", returncode=2)
