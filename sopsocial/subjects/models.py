"""The Subject: one row per followable thing (customer, order, product, plan version, ...).

Domain models own their subject through an ordinary one-to-one key (see `HasSubject`); follows,
posts, alerts and audit events point at subjects with integer foreign keys. Parents give roll-up
following (an order's parents are its customer, products and facility).
"""

from django.db import models

from sopsocial.tenancy.models import Partner, Tenant


class SubjectKind(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    SALES_ORDER = "sales_order", "Sales order"
    PRODUCT = "product", "Product"
    BRAND = "brand", "Brand"
    FAMILY = "family", "Product family"
    PROMOTION = "promotion", "Promotion"
    PRODUCTION_JOB = "production_job", "Production job"
    FACILITY = "facility", "Facility"
    RESOURCE = "resource", "Resource"
    EVENT = "event", "Event"
    PLAN = "plan", "Plan"
    PLAN_VERSION = "plan_version", "Plan version"
    RULE = "rule", "Exception rule"
    PARTNER = "partner", "Partner"
    TOPIC = "topic", "Topic"
    PERSON = "person", "Person"
    CYCLE = "cycle", "S&OP cycle"
    PHASE = "phase", "Cycle phase"
    TASK = "task", "Task"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"
    SCENARIO = "scenario", "Scenario"
    ASSUMPTION = "assumption", "Assumption"


class Subject(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subjects")
    kind = models.CharField(max_length=30, choices=SubjectKind.choices)
    title = models.CharField(max_length=300)
    url = models.CharField(max_length=500, blank=True, help_text="Path of the owning object's page")
    parents = models.ManyToManyField(
        "self", symmetrical=False, through="SubjectParent", related_name="children", blank=True
    )
    shared_with = models.ManyToManyField(
        Partner, through="SubjectShare", related_name="shared_subjects", blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "kind", "title"], name="subject_tenant_kind_title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.url or f"/t/{self.tenant.slug}/s/{self.pk}/"


class SubjectParent(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="parent_links")
    parent = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="child_links")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="subject_parent_unique"),
            models.CheckConstraint(
                condition=~models.Q(child=models.F("parent")), name="subject_parent_not_self"
            ),
        ]
        indexes = [models.Index(fields=["parent", "child"], name="subject_parent_by_parent")]

    def __str__(self):
        return f"{self.child_id} in {self.parent_id}"


class SubjectShare(models.Model):
    """A subject made visible to a partner organisation (and so to its external users)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="shares")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="shares")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject", "partner"], name="subject_share_unique")]

    def __str__(self):
        return f"{self.subject_id} shared with {self.partner_id}"


class HasSubject(models.Model):
    """Abstract base for followable domain objects: one Subject each, kept in step by actions.

    Subclasses set `subject_kind` and may override `subject_title()`, `subject_parents()` and
    `get_absolute_url()`; actions save them with `sopsocial.subjects.actions.save_with_subject(obj)`.
    """

    subject = models.OneToOneField(Subject, on_delete=models.PROTECT, related_name="+", editable=False)
    subject_kind: str = ""

    class Meta:
        abstract = True

    def subject_title(self):
        return str(self)

    def subject_parents(self):
        return []
