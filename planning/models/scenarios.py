"""What-if scenarios: a named set of cell figures on top of a version that never touches it, compared
with its base, then promoted to a new draft or discarded."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, SubjectKind
from sopsocial.tenancy.models import Tenant

from .consensus import ReasonCode
from .master import Customer, Facility, Product
from .plans import PlanVersion


class ScenarioStatus(models.TextChoices):
    OPEN = "open", "Open"
    PROMOTED = "promoted", "Promoted"
    DISCARDED = "discarded", "Discarded"


class Scenario(HasSubject):
    subject_kind = SubjectKind.SCENARIO

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="scenarios")
    base = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="scenarios")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    due = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ScenarioStatus.choices, default=ScenarioStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # the draft a promotion made (its lineage names this scenario)
    promoted_to = models.ForeignKey(
        PlanVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="promoted_from"
    )
    discard_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name", "base"], name="scenario_unique_name")
        ]

    def __str__(self):
        return self.name

    def subject_title(self):
        return f"Scenario {self.name}"

    def subject_parents(self):
        return [self.base]

    def get_absolute_url(self):
        return reverse("planning:scenario", kwargs={"tenant_slug": self.tenant.slug, "scenario_id": self.pk})

    @property
    def is_open(self):
        return self.status == ScenarioStatus.OPEN


class ScenarioDelta(models.Model):
    """The scenario's figure for one cell of its base (absolute, like a layer's figure); cells without
    a delta read the base."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="deltas")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    week = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=2)
    base_qty = models.DecimalField(max_digits=14, decimal_places=2, help_text="The base's figure when edited")
    revision = models.PositiveIntegerField(default=1)
    reason_code = models.ForeignKey(
        ReasonCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scenario", "product", "customer", "facility", "week"],
                condition=models.Q(customer__isnull=False),
                name="scenario_delta_unique_demand",
            ),
            models.UniqueConstraint(
                fields=["scenario", "product", "facility", "week"],
                condition=models.Q(customer__isnull=True),
                name="scenario_delta_unique_supply",
            ),
            models.CheckConstraint(condition=models.Q(qty__gte=0), name="scenario_delta_qty_not_negative"),
        ]

    def __str__(self):
        return f"scenario {self.scenario_id} {self.product_id} {self.week}: {self.qty}"
