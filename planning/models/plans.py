"""Plans: one persistent plan per type (followed as a whole), monthly cycles, versions and their cells."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, SubjectKind
from sopsocial.tenancy.models import Tenant

from .master import Customer, Facility, Product


class PlanType(models.TextChoices):
    DEMAND = "demand", "Demand plan"
    SUPPLY = "supply", "Supply plan"


class Plan(HasSubject):
    """The persistent "Demand plan" / "Supply plan" people follow; versions hang below it."""

    subject_kind = SubjectKind.PLAN

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="plans")
    plan_type = models.CharField(max_length=10, choices=PlanType.choices)

    class Meta:
        ordering = ["plan_type"]
        constraints = [models.UniqueConstraint(fields=["tenant", "plan_type"], name="plan_unique_type")]

    def __str__(self):
        return self.get_plan_type_display()

    def get_absolute_url(self):
        return reverse("planning:versions", kwargs={"tenant_slug": self.tenant.slug})


class PlanCycle(models.Model):
    """The monthly S&OP cycle a version belongs to."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="plan_cycles")
    month = models.DateField(help_text="First day of the month")
    # What the cycle plans: its versions start on `start_week` (may be in the past, to load history)
    # and run `horizon_weeks`. Cycles made before these existed (or on the fly) leave start_week empty.
    start_week = models.DateField(null=True, blank=True, help_text="ISO week start of the first bucket")
    horizon_weeks = models.PositiveSmallIntegerField(default=26)

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["tenant", "month"], name="cycle_unique_month")]

    def __str__(self):
        return self.month.strftime("%B %Y")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    SUPERSEDED = "superseded", "Superseded"


FROZEN_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


class PlanVersion(HasSubject):
    subject_kind = SubjectKind.PLAN_VERSION

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="plan_versions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    cycle = models.ForeignKey(PlanCycle, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    start_week = models.DateField(help_text="ISO week start of the first bucket")
    weeks = models.PositiveSmallIntegerField(default=26)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The plan's budget: other versions show their gap to it in money (`planning.money`).
    is_budget = models.BooleanField(default=False)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(is_budget=True), name="version_one_budget_per_plan"
            ),
            models.UniqueConstraint(fields=["plan", "number"], name="version_unique_number"),
            models.UniqueConstraint(
                fields=["plan"], condition=models.Q(status="published"), name="version_one_published_per_plan"
            ),
        ]

    def __str__(self):
        return f"{self.plan} v{self.number}"

    def subject_title(self):
        label = f" {self.name}" if self.name else ""
        return f"{self.plan.get_plan_type_display()} v{self.number}{label} ({self.cycle})"

    def subject_parents(self):
        return [self.plan]

    def get_absolute_url(self):
        return reverse("planning:grid", kwargs={"tenant_slug": self.tenant.slug, "version_id": self.pk})

    @property
    def is_demand(self):
        return self.plan.plan_type == PlanType.DEMAND

    @property
    def is_frozen(self):
        return self.status in FROZEN_STATUSES

    @property
    def is_editable(self):
        return self.status == VersionStatus.DRAFT


class PlanEntry(models.Model):
    """One cell: demand is product x customer x facility x week, supply product x facility x week
    (customer empty). `revision` grows with each save so a stale edit is refused."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=2)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "product", "customer", "facility", "week"],
                condition=models.Q(customer__isnull=False),
                name="entry_unique_demand",
            ),
            models.UniqueConstraint(
                fields=["version", "product", "facility", "week"],
                condition=models.Q(customer__isnull=True),
                name="entry_unique_supply",
            ),
            models.CheckConstraint(condition=models.Q(qty__gte=0), name="entry_qty_not_negative"),
        ]
        indexes = [models.Index(fields=["version", "product", "week"], name="entry_version_product_week")]

    def __str__(self):
        return f"v{self.version_id} {self.product_id}/{self.customer_id}/{self.facility_id} {self.week}"


class PlanChange(models.Model):
    """The decision log: every cell save, old -> new, who, when, why."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="changes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    old_qty = models.DecimalField(max_digits=14, decimal_places=2)
    new_qty = models.DecimalField(max_digits=14, decimal_places=2)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_by_label = models.CharField(max_length=200, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    # A demand layer's override (empty: the consensus, i.e. the version's own cell) and its reason code.
    layer = models.ForeignKey(
        "planning.ForecastLayer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason_code = models.ForeignKey(
        "planning.ReasonCode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # the audit event that recorded this change: a cell's lineage verifies it against the chain
    audit_event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["version", "product", "week"], name="change_cell")]

    def __str__(self):
        return f"{self.old_qty} -> {self.new_qty} ({self.week})"


class EvaluationRequest(models.Model):
    """Planning's outbox of "these numbers changed": written in the same transaction as the change;
    the alerts app's task (queued by name on commit) and its periodic sweeper consume it."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=100)
    # what changed: planning.outbox.EvaluationScope, written by to_json() and read by from_json()
    scope = models.JSONField(default=dict)
    processed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["processed_at", "created"], name="evalreq_pending")]

    def __str__(self):
        return f"evaluate {self.reason} ({self.created})"


class CellNote(models.Model):
    """Anchors a conversation (a feed post) to one plan cell, so the grid can mark the cell and open
    its notes beside its change history. The post itself lives in feeds."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="cell_notes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    post = models.ForeignKey("feeds.FeedItem", on_delete=models.CASCADE, related_name="+")
    change = models.ForeignKey(PlanChange, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["version", "product", "week"], name="cellnote_cell")]

    def __str__(self):
        return f"note {self.post_id} on v{self.version_id} {self.week}"


class PlanCycleLock(models.Model):
    """A cycle's versions of one plan type are frozen: no cell edit, load, workflow step or new draft
    until the lock is lifted. Written by whoever owns the freeze (the S&OP cycle locks a plan when the
    phase that reviews it closes): `reason` says why, `unlock_hint` how to lift it, both shown in every
    refusal, so planning need not know what a phase is."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="locks")
    plan_type = models.CharField(max_length=10, choices=PlanType.choices)
    reason = models.CharField(max_length=300)
    unlock_hint = models.CharField(max_length=300, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan_type"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "plan_type"], name="plan_cycle_lock_unique"),
        ]

    def __str__(self):
        return f"{self.get_plan_type_display()} of {self.cycle} locked"

    def message(self) -> str:
        """The refusal every write to a locked version shows."""
        plan = self.get_plan_type_display().lower()
        hint = f" {self.unlock_hint}" if self.unlock_hint else ""
        return f"The {plan} of {self.cycle} is locked: {self.reason}.{hint}"
