"""The audit trail: append-only, hash-chained per tenant.

Rows are only ever inserted (by `sopsocial.audit.actions.record`). The database refuses UPDATE,
DELETE and TRUNCATE on the table (triggers installed by migration 0002, on PostgreSQL and SQLite),
and the model refuses them too, so a bug cannot rewrite history silently.
"""

from django.conf import settings
from django.db import models

from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Tenant


class AppendOnlyError(Exception):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="audit_events")
    seq = models.BigIntegerField(help_text="Position in the tenant's chain, from 1")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(max_length=200, help_text="Who acted, as shown (user, API key, system)")
    verb = models.CharField(max_length=80)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, related_name="audit_events")
    target = models.CharField(max_length=300, blank=True, help_text="What was acted on, in words")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["tenant", "seq"]
        constraints = [models.UniqueConstraint(fields=["tenant", "seq"], name="audit_unique_seq_per_tenant")]
        indexes = [
            models.Index(fields=["tenant", "-at"], name="audit_tenant_at"),
            models.Index(fields=["subject", "seq"], name="audit_subject_seq"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.actor_label} {self.verb} {self.target}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")


class AuditEventSubject(models.Model):
    """Further subjects an event concerns (a plan change: its product, customer and facility; a post: its
    tags), so that each of their trails shows it. Append-only like the events, and covered by the hash."""

    tenant = models.ForeignKey(Tenant, on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(AuditEvent, on_delete=models.PROTECT, related_name="related_links")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="related_audit_links")

    objects = AuditQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "subject"], name="audit_related_unique")]
        indexes = [models.Index(fields=["subject", "event"], name="audit_related_by_subject")]

    def __str__(self):
        return f"event {self.event_id} also about {self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit links are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit links are append-only")
