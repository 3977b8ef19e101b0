"""Writes to tenants as a whole: starting one with its first admin's invitation, suspending and
reactivating it (platform staff), and its own settings (its admins). Each is atomic and audited in the
tenant's own chain (the audit chain is per tenant; an operator's act is recorded with the operator as
actor).

Kept beside `actions.py` (members and invitations) rather than in it, so neither passes ~500 lines.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.audit.verbs import CoreVerb

from .actions import do_create_tenant, hash_token, send_invitation_on_commit
from .live import close_sockets_on_commit
from .models import Invitation, Role, Tenant
from .policy import Perm, require

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

    from .models import Membership

# Slugs that would read as a part of the site rather than a company.
RESERVED_SLUGS = frozenset({"admin", "api", "operator", "platform-admin", "signup", "static", "t", "www"})


def clean_tenant_fields(*, slug: str, name: str) -> tuple[str, str]:
    """The slug (lower case) and name, or a ValidationError naming the field."""
    slug, name = (slug or "").strip().lower(), (name or "").strip()
    errors: dict[str, str] = {}
    try:
        validate_slug(slug)
    except ValidationError:
        errors["slug"] = "Use letters, digits, hyphens or underscores only (it appears in every address)."
    else:
        if len(slug) > 50:
            errors["slug"] = "Keep the slug to 50 characters."
        elif slug in RESERVED_SLUGS:
            errors["slug"] = f"“{slug}” is reserved; choose another slug."
        elif Tenant.objects.filter(slug=slug).exists():
            errors["slug"] = f"A company with the slug “{slug}” already exists."
    if not name:
        errors["name"] = "Give the company a name."
    elif len(name) > 200:
        errors["name"] = "Keep the name to 200 characters."
    if errors:
        raise ValidationError(errors)
    return slug, name


def clean_email(email: str, field: str = "admin_email") -> str:
    email = (email or "").strip().lower()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({field: f"“{email}” is not an e-mail address."}) from None
    return email


def check_start_tenant(
    *, slug: str, name: str, admin_email: str, actor: AuthUser | None = None
) -> tuple[Tenant, Invitation, str]:
    """Validate, then create the tenant and a single-use invitation for its first admin (e-mailed after
    commit). Returns (tenant, invitation, token): the caller shows the link once."""
    slug, name = clean_tenant_fields(slug=slug, name=name)
    email = clean_email(admin_email)
    try:
        return do_start_tenant(slug=slug, name=name, admin_email=email, actor=actor)
    except IntegrityError:  # the same slug taken by a concurrent request since the check
        raise ValidationError({"slug": f"A company with the slug “{slug}” already exists."}) from None


@transaction.atomic
def do_start_tenant(
    *, slug: str, name: str, admin_email: str, actor: AuthUser | None = None
) -> tuple[Tenant, Invitation, str]:
    """Write the tenant (audited `tenant.create`) and its first admin's invitation (audited
    `invitation.create`); the invitation e-mail goes out after commit."""
    tenant = do_create_tenant(slug=slug, name=name, actor=actor)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=admin_email,
        role=Role.ADMIN,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.INVITATION_CREATE,
        target=admin_email,
        after={"email": admin_email, "role": Role.ADMIN, "partner": None},
    )
    inviter = (actor.get_full_name() or actor.get_username()) if actor is not None else "sopsocial"
    send_invitation_on_commit(invitation, token, inviter)
    return tenant, invitation, token


@transaction.atomic
def do_suspend_tenant(tenant: Tenant, *, actor: AuthUser, reason: str = "") -> Tenant:
    """Refuse the tenant's people, API keys, sockets and e-mails from now on; nothing is deleted.
    Audited `tenant.suspend` in the tenant's chain."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.suspended_at is not None:
        raise ValidationError("This company is already suspended.")
    tenant.suspended_at = timezone.now()
    tenant.save(update_fields=["suspended_at"])
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.TENANT_SUSPEND,
        target=tenant.name,
        before={"active": True},
        after={"active": False, **({"reason": reason[:300]} if reason else {})},
    )
    close_sockets_on_commit(tenant.pk)
    return tenant


@transaction.atomic
def do_reactivate_tenant(tenant: Tenant, *, actor: AuthUser) -> Tenant:
    """Lift a suspension: everything works again as it did. Audited `tenant.reactivate`."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.suspended_at is None:
        raise ValidationError("This company is not suspended.")
    tenant.suspended_at = None
    tenant.save(update_fields=["suspended_at"])
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.TENANT_REACTIVATE,
        target=tenant.name,
        before={"active": False},
        after={"active": True},
    )
    return tenant


@transaction.atomic
def do_change_tenant_settings(member: Membership, *, four_eyes: bool) -> Tenant:
    """An admin changes the tenant's own settings (today: four eyes on plan versions). Audited
    `tenant.settings` with old -> new; nothing written when nothing changes."""
    require(member, Perm.MANAGE_SETTINGS, "change the workspace settings")
    tenant = Tenant.objects.select_for_update().get(pk=member.tenant_id)
    if tenant.four_eyes == bool(four_eyes):
        return tenant
    before, tenant.four_eyes = tenant.four_eyes, bool(four_eyes)
    tenant.save(update_fields=["four_eyes"])
    record(
        tenant=tenant,
        actor=member.user,
        verb=CoreVerb.TENANT_SETTINGS,
        target=tenant.name,
        before={"four_eyes": before},
        after={"four_eyes": tenant.four_eyes},
    )
    member.tenant.four_eyes = tenant.four_eyes
    return tenant
