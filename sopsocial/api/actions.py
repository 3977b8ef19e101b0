"""Creating and revoking API keys. The raw key is returned once and only its SHA-256 is kept."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.audit.verbs import CoreVerb

from .models import ApiKey, hash_key

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Membership

KEY_PREFIX = "sops_"


def do_create_api_key(member: Membership, name: str) -> tuple[ApiKey, str]:
    """Returns (ApiKey, raw key). Audited as api.key_create (the key itself is never recorded)."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(
            tenant=member.tenant,
            name=name.strip()[:100],
            prefix=raw[:12],
            key_hash=hash_key(raw),
            created_by=member.user,
        )
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=CoreVerb.API_KEY_CREATE,
            target=str(key),
            after={"name": key.name, "prefix": key.prefix},
        )
    return key, raw


def do_revoke_api_key(member: Membership, key: ApiKey) -> ApiKey:
    with transaction.atomic():
        if key.revoked_at is not None:
            return key
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=CoreVerb.API_KEY_REVOKE,
            target=str(key),
            before={"revoked": False},
            after={"revoked": True},
        )
    return key
