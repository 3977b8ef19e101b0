"""Exception rules and the alerts they raise.

An alert is keyed by (rule, slice key, window): re-evaluation updates, escalates or resolves the live
alert of a slice whose window overlaps, and never creates a second one (a partial unique constraint
backs this up). Order kinds are events keyed by the order.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, Subject, SubjectKind
from sopsocial.tenancy.models import Tenant

from .kinds import KIND_CHOICES, KINDS


class Severity(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class ExceptionRule(HasSubject):
    subject_kind = SubjectKind.RULE

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="exception_rules")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=40, choices=KIND_CHOICES)
    params = models.JSONField(default=dict, blank=True)
    # {"brand_ids": [...], "families": [...], "customer_ids": [...], "facility_ids": [...]}; {} = all
    scope = models.JSONField(default=dict, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    min_consecutive_weeks = models.PositiveSmallIntegerField(default=1)
    enabled = models.BooleanField(default=True)
    # Off: its alerts are internal (never shown to partner users). On: an alert also reaches the users of
    # partners with whom its main subject is shared (pages, feeds, notifications).
    visible_to_partners = models.BooleanField(default=False)
    is_deleted = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "name"],
                condition=models.Q(is_deleted=False),
                name="rule_unique_live_name_per_tenant",
            ),
        ]

    def __str__(self):
        return self.name

    def subject_title(self):
        return f"Rule: {self.name}"

    def get_absolute_url(self):
        return reverse("alerts:rule", kwargs={"tenant_slug": self.tenant.slug, "rule_id": self.pk})

    @property
    def kind_spec(self):
        return KINDS[self.kind]


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    SNOOZED = "snoozed", "Snoozed"
    RESOLVED = "resolved", "Resolved"


LIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SNOOZED)


class Alert(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="alerts")
    rule = models.ForeignKey(ExceptionRule, on_delete=models.PROTECT, related_name="alerts")
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        related_name="alerts",
        help_text="The main thing the alert is about (product, facility, order)",
    )
    subjects = models.ManyToManyField(Subject, through="AlertSubject", related_name="tagged_alerts")
    key = models.CharField(max_length=200, help_text="The slice: e.g. p12.c3.f2 or o55")
    window_start = models.DateField(null=True, blank=True)
    window_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title = models.CharField(max_length=300)
    summary = models.CharField(max_length=500, help_text="The numbers behind it, e.g. 4,800 vs 1,200, +300%")
    numbers = models.JSONField(default=dict)
    link = models.CharField(max_length=500, blank=True, help_text="Where to look: the grid cell, the order")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_alerts",
    )
    snoozed_until = models.DateField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    auto_resolved = models.BooleanField(default=False)
    raised_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    times_escalated = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "key", "window_start"],
                condition=models.Q(status__in=["open", "acknowledged", "snoozed"]),
                name="alert_one_live_per_rule_slice_window",
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "status", "-raised_at"], name="alert_tenant_status"),
            models.Index(fields=["rule", "key"], name="alert_rule_key"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("alerts:alert", kwargs={"tenant_slug": self.tenant.slug, "alert_id": self.pk})

    @property
    def is_live(self):
        return self.status in LIVE_STATUSES


class AlertSubject(models.Model):
    """Every subject an alert concerns (customer, product, facility, plan version): per-subject alert
    lists and the feed delivery read this."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="subject_links")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="alert_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "subject"], name="alert_subject_unique")]
        indexes = [models.Index(fields=["subject", "alert"], name="alert_subject_by_subject")]

    def __str__(self):
        return f"alert {self.alert_id} on {self.subject_id}"
