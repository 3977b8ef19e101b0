"""The assumptions register: what a plan rests on, stated, owned, quantified and later confirmed or
invalidated; linked to the cells, scenarios and decisions that rest on it."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, Subject, SubjectKind
from sopsocial.tenancy.models import Tenant

from .master import Customer, Facility, Product
from .plans import PlanVersion


class AssumptionKind(models.TextChoices):
    RISK = "risk", "Risk"
    OPPORTUNITY = "opportunity", "Opportunity"


class AssumptionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    INVALIDATED = "invalidated", "Invalidated"


class EffectUnit(models.TextChoices):
    UNITS = "units", "Units"
    PERCENT = "percent", "Percent"
    MONEY = "money", "Money (tenant currency)"


class Assumption(HasSubject):
    subject_kind = SubjectKind.ASSUMPTION

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="assumptions")
    statement = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=12, choices=AssumptionKind.choices, default=AssumptionKind.RISK)
    status = models.CharField(max_length=12, choices=AssumptionStatus.choices, default=AssumptionStatus.OPEN)
    # the quantified effect: e.g. +3,000 units, -15 percent, +40,000 money, over the weeks covered
    effect = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    effect_unit = models.CharField(max_length=10, choices=EffectUnit.choices, default=EffectUnit.UNITS)
    first_week = models.DateField(null=True, blank=True)
    last_week = models.DateField(null=True, blank=True)
    # optional scope: what the assumption is about (a product, a customer, a facility)
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return self.statement[:80]

    def subject_title(self):
        return f"Assumption: {self.statement[:120]}"

    def get_absolute_url(self):
        return reverse(
            "planning:assumption", kwargs={"tenant_slug": self.tenant.slug, "assumption_id": self.pk}
        )

    @property
    def is_open(self):
        return self.status == AssumptionStatus.OPEN


class AssumptionCell(models.Model):
    """A plan cell that rests on the assumption (the grid marks it while the assumption is open)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="cells")
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="assumption_cells")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["version", "product", "week"], name="assumption_cell")]
        constraints = [
            models.UniqueConstraint(
                fields=["assumption", "version", "product", "customer", "facility", "week"],
                name="assumption_cell_unique",
            )
        ]

    def __str__(self):
        return f"assumption {self.assumption_id} on v{self.version_id} {self.week}"


class AssumptionLink(models.Model):
    """The assumption linked to any subject that rests on it: a scenario, a decision, a promotion…"""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="links")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="assumption_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assumption", "subject"], name="assumption_link_unique")
        ]

    def __str__(self):
        return f"assumption {self.assumption_id} -> subject {self.subject_id}"
