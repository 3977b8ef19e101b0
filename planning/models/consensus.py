"""Consensus demand: the layers a demand version's numbers are built from, the reason codes their
overrides carry, the statistical baseline runs that fill the first layer, and forecasts kept by lag.

How the numbers compose (`planning.consensus`): each layer holds, per cell, an optional absolute
figure; a cell's *proposal* is the figure of the last layer (by position) that has one, else the
baseline. The version's own `PlanEntry` is the **consensus**: it follows the proposal while it equals
it, and keeps its own figure once someone sets it otherwise (the waterfall shows that step as the
consensus override). Supply versions have no layers."""

from django.conf import settings
from django.db import models

from sopsocial.tenancy.models import Team, Tenant

from .master import Customer, Facility, Product
from .plans import PlanVersion


class LayerKind(models.TextChoices):
    STATISTICAL = "statistical", "Statistical baseline"
    INPUT = "input", "Input"


class ForecastLayer(models.Model):
    """One step of the demand waterfall. Every tenant has exactly one statistical layer (key
    `statistical`, filled by the forecast run, never typed over) and any number of input layers
    (default: sales input, marketing input), renamed, added or switched off on the settings screen."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="forecast_layers")
    key = models.SlugField(max_length=40, help_text="Stable name used by the API and imports")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=LayerKind.choices, default=LayerKind.INPUT)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the waterfall")
    reason_required = models.BooleanField(
        default=True, help_text="Every override in this layer must carry a reason code"
    )
    # Who may type in the layer besides planners (e.g. the sales team types sales input).
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="layer_unique_key"),
            models.UniqueConstraint(
                fields=["tenant"], condition=models.Q(kind="statistical"), name="layer_one_statistical"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_statistical(self):
        return self.kind == LayerKind.STATISTICAL


class ReasonCode(models.Model):
    """Why an override was made (promotion, new listing, customer intel, supply constraint…): a
    tenant's own list, reported on (`planning.reasons`)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="reason_codes")
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "label"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="reason_unique_code")]

    def __str__(self):
        return self.label


class LayerEntry(models.Model):
    """One layer's figure for one demand cell of a version. The statistical layer's rows are written
    by the forecast run; input layers' rows by people, each with its reason code (and, through
    `PlanChange.layer`, its history)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="layer_entries")
    layer = models.ForeignKey(ForecastLayer, on_delete=models.PROTECT, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=2)
    revision = models.PositiveIntegerField(default=1)
    reason_code = models.ForeignKey(
        ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "layer", "product", "customer", "facility", "week"],
                name="layer_entry_unique",
            ),
            models.CheckConstraint(condition=models.Q(qty__gte=0), name="layer_entry_qty_not_negative"),
        ]
        indexes = [models.Index(fields=["version", "product", "week"], name="layer_entry_cell")]

    def __str__(self):
        return f"{self.layer_id} v{self.version_id} {self.product_id}/{self.customer_id} {self.week}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ForecastRun(models.Model):
    """One statistical baseline computation for a demand version: queued from the page, the API or
    `manage.py forecast_baseline`, run by the worker, its progress shown while it runs."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="forecast_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    series_total = models.PositiveIntegerField(default=0)
    series_done = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True, help_text="What went wrong, or a summary when done")
    # what the run was asked for: history window, horizon, season length, backtest windows, models
    settings = models.JSONField(default=dict, blank=True)
    # the event that recorded the finished run (the baseline's step in a cell's lineage)
    audit_event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"baseline run {self.pk} of v{self.version_id} ({self.status})"

    @property
    def percent(self) -> int:
        return int(100 * self.series_done / self.series_total) if self.series_total else 0


class BaselineSeries(models.Model):
    """Which model a run chose for one series and how it did in the backtest. `customer` empty is the
    series aggregated to product × facility."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="series")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    model = models.CharField(max_length=60, help_text="The chosen model, or the fallback method")
    fallback = models.BooleanField(default=False, help_text="Too little history: the stated simple method")
    history_weeks = models.PositiveIntegerField(default=0)
    backtest_error = models.FloatField(null=True, blank=True, help_text="The chosen model's backtest error")
    # every candidate's backtest error, {model: error}, so the page can show why this one won
    candidates = models.JSONField(default=dict, blank=True)
    # product x facility series: the aggregated forecast per week, {"YYYY-MM-DD": qty}
    forecast = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["run", "product", "facility"], name="baseline_series_cell")]

    def __str__(self):
        return f"{self.model} for {self.product_id}/{self.customer_id}/{self.facility_id}"


class ForecastSnapshot(models.Model):
    """A forecast kept by lag: what `layer_key` (a layer's key, or `consensus`) held for `week`,
    `lag` weeks before that week became current. Taken weekly (`planning.snapshots`)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(help_text="The week forecast")
    lag = models.PositiveSmallIntegerField(help_text="Weeks before `week` the figure was held")
    layer_key = models.CharField(max_length=40, help_text="A layer's key, or 'consensus'")
    qty = models.DecimalField(max_digits=14, decimal_places=2)
    version = models.ForeignKey(
        PlanVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "product", "customer", "facility", "week", "lag", "layer_key"],
                name="snapshot_unique",
            ),
        ]
        indexes = [models.Index(fields=["tenant", "week", "lag"], name="snapshot_tenant_week_lag")]

    def __str__(self):
        return f"{self.layer_key} lag {self.lag} for {self.week}: {self.qty}"
