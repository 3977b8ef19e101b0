"""manage.py import_planning PATH --tenant SLUG --kind KIND [--plan-version ID]
manage.py import_planning --frepple [DIR] --tenant SLUG [--shift]   (either frePPLe demo: distribution or
                                                                   manufacturing, told apart by its files)

Every row is validated first; on any error the row-level report is printed and nothing is written.
Re-running with the same file changes nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from planning import actions, frepple, imports
from planning.models import PlanVersion
from sopsocial.tenancy.models import Tenant


class ProgressBar:
    def __init__(self, total, out, width=40):
        self.total, self.out, self.width, self.last = max(total, 1), out, width, -1

    def __call__(self, index):
        done = (index + 1) * self.width // self.total
        if done != self.last:
            self.last = done
            self.out.write(f"\r[{'#' * done}{'.' * (self.width - done)}] {index + 1}/{self.total}", ending="")
            self.out.flush()


class Command(BaseCommand):
    help = "Import planning data (CSV or XLSX) or a frePPLe demo, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="CSV/XLSX file, or the frePPLe directory with --frepple")
        parser.add_argument("--tenant", required=True, help="tenant slug")
        parser.add_argument("--kind", choices=[k for k in imports.KINDS if k != "sales_orders"])
        parser.add_argument(
            "--plan-version", dest="plan_version_id", type=int, help="draft plan version id (plan_entries)"
        )
        parser.add_argument(
            "--numbers",
            choices=["auto", "point", "comma"],
            default="auto",
            help="decimal mark of a CSV: auto = a decimal comma when columns are separated by semicolons",
        )
        parser.add_argument(
            "--round-to-cents",
            action="store_true",
            help="round numbers with more than two decimals instead of refusing them",
        )
        parser.add_argument(
            "--frepple", action="store_true", help="import a frePPLe demo (distribution or manufacturing)"
        )
        parser.add_argument("--shift", action="store_true", help="frePPLe: move dates so history ends now")

    def handle(self, *args, path=None, tenant=None, kind=None, plan_version_id=None, **options):
        tenant_obj = Tenant.objects.filter(slug=tenant).first()
        if tenant_obj is None:
            raise CommandError(f"No tenant {tenant!r}")
        if options["frepple"]:
            directory = Path(path) if path else frepple.DEFAULT_DIR
            try:
                results = frepple.import_demo(
                    tenant_obj, directory, shift=options["shift"], stdout=self.stdout
                )
            except frepple.FreppleImportError as e:
                self._report(e.errors)
                raise CommandError(f"{e.kind}: invalid rows, nothing imported") from None
            self.stdout.write(self.style.SUCCESS(f"frePPLe demo imported from {directory}: {results}"))
            return
        if not path or not kind:
            raise CommandError("Give PATH and --kind (or --frepple).")
        plan_version = None
        if kind == "plan_entries":
            plan_version = (
                PlanVersion.objects.filter(tenant=tenant_obj, pk=plan_version_id)
                .select_related("plan")
                .first()
            )
        try:
            with open(path, "rb") as source:  # an XLSX is checked (imports.check_workbook) before reading
                table = imports.read_table(
                    path,
                    source,
                    kind=kind,
                    numbers=options["numbers"],
                    round_to_cents=options["round_to_cents"],
                )
        except (OSError, ValueError) as e:
            raise CommandError(str(e)) from None
        for note in table.notes:
            self.stdout.write(note)
        self.stdout.write(f"Checking {len(table.rows)} rows…")
        clean, errors = imports.validate(
            tenant_obj, kind, table.rows, first_row=2, version=plan_version, fmt=table.fmt
        )
        if errors:
            self._report(errors)
            raise CommandError(f"{len(errors)} problems; nothing imported")
        bar = ProgressBar(len(clean), self.stdout)
        counts = actions.do_load_rows(
            tenant_obj,
            kind,
            clean,
            version=plan_version,
            actor_label="import_planning",
            source=f"file {Path(path).name}",
            progress=bar,
        )
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"{kind}: {counts['created']} new, {counts['updated']} changed, "
                f"{counts['unchanged']} unchanged"
            )
        )

    def _report(self, errors):
        self.stderr.write("row\tcolumn\tproblem")
        for e in errors[:1000]:
            self.stderr.write(
                f"{e['row'] if e['row'] is not None else '-'}\t{e['field'] or '-'}\t{e['message']}"
            )
        if len(errors) > 1000:
            self.stderr.write(f"… and {len(errors) - 1000} more")
