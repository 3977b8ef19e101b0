"""Per-tenant API keys (shown once, stored as SHA-256) and the responses kept for Idempotency-Key retries."""

import hashlib

from django.conf import settings
from django.db import models

from sopsocial.tenancy.models import Tenant


def hash_key(raw):
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16, help_text="The first characters, shown so a key can be recognised"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def actor_label(self):
        return f"API key {self.name}"

    @property
    def is_active(self):
        return self.revoked_at is None


class IdempotencyRecord(models.Model):
    """The answer given to a write with an Idempotency-Key; a retry with the same key and body gets it
    again instead of writing twice, a reuse with a different body is refused."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    path = models.CharField(max_length=300)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api_key", "key"], name="idempotency_unique_key")]

    def __str__(self):
        return f"{self.key} -> {self.status_code}"
