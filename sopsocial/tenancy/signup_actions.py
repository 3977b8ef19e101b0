"""Self-service sign-up (only when SIGNUP_ENABLED): a new organisation asks, proves its e-mail address
by following a single-use link, and only then is its tenant created with the signer as its admin.

The request writes one `SignupRequest` and queues the verification e-mail (the worker makes the token,
keeps its hash and sends the link, as password resets do). Completing it writes the account (or uses
the existing account with that address), the tenant and the admin membership, audited in the new
tenant's chain: `tenant.create`, `tenant.signup`, `member.add`.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.audit.verbs import CoreVerb
from sopsocial.queue import enqueue_on_commit

from . import task_names
from .actions import do_create_tenant, ensure_person_subject, hash_token
from .models import Membership, Role, SignupRequest, Tenant
from .tenant_actions import clean_tenant_fields

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

User = get_user_model()

SIGNUP_LINK_HOURS = 48


def signup_link(token: str) -> str:
    return f"{settings.SITE_URL}/signup/verify/{token}/"


@transaction.atomic
def do_request_signup(
    *, organisation: str, slug: str, first_name: str, last_name: str, email: str, password: str
) -> SignupRequest:
    """Keep the request (password hashed) and queue the verification e-mail after commit. Nothing is
    audited yet: there is no tenant whose chain could hold it until the address is verified."""
    slug, organisation = clean_tenant_fields(slug=slug, name=organisation)
    signup = SignupRequest.objects.create(
        organisation=organisation,
        slug=slug,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        password_hash=make_password(password),
        expires_at=timezone.now() + timedelta(hours=SIGNUP_LINK_HOURS),
    )
    enqueue_on_commit(task_names.SEND_SIGNUP_VERIFICATION, signup_id=signup.pk)
    return signup


def do_send_signup_verification(signup_id: int) -> None:
    """In the worker: make the single-use token, keep its hash, e-mail the link (on SITE_URL)."""
    token = secrets.token_urlsafe(32)
    updated = SignupRequest.objects.filter(pk=signup_id, completed_at=None, token_hash=None).update(
        token_hash=hash_token(token)
    )
    if not updated:
        return  # already sent (a redelivered message) or completed
    signup = SignupRequest.objects.get(pk=signup_id)
    context = {"signup": signup, "link": signup_link(token), "hours": SIGNUP_LINK_HOURS}
    try:
        send_mail(
            subject=f"Confirm your e-mail address to start {signup.organisation} on sopsocial",
            message=render_to_string("tenancy/email/signup_verify.txt", context),
            from_email=None,
            recipient_list=[signup.email],
        )
    except Exception:
        SignupRequest.objects.filter(pk=signup_id).update(token_hash=None)  # unsent: the sweep retries
        raise


def do_sweep_signup_verifications(grace_seconds: int = 60) -> int:
    """Send the verification e-mail of every sign-up still without one `grace_seconds` after it was
    made (its task message was lost) and not expired: late, not lost; once each (the token is claimed
    before sending). Returns how many were sent."""
    now = timezone.now()
    waiting = SignupRequest.objects.filter(
        token_hash=None,
        completed_at=None,
        created__lt=now - timedelta(seconds=grace_seconds),
        expires_at__gt=now,
    ).values_list("pk", flat=True)[:200]
    sent = 0
    for signup_id in list(waiting):
        do_send_signup_verification(signup_id)
        sent += 1
    return sent


def pending_signup_for(token: str) -> SignupRequest:
    """The sign-up behind a link if it can still be completed, else a ValidationError saying why."""
    signup = SignupRequest.objects.filter(token_hash=hash_token(token)).first()
    if signup is None:
        raise ValidationError("This confirmation link is not valid.")
    if signup.completed_at is not None:
        raise ValidationError("This confirmation link has already been used. Sign in instead.")
    if signup.expires_at <= timezone.now():
        raise ValidationError("This confirmation link has expired. Sign up again.")
    return signup


def _free_username(email: str) -> str:
    base = email[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def do_complete_signup(token: str) -> tuple[Membership, bool]:
    """Create the tenant and make the signer its admin. Returns (membership, whether the account is
    new): an address that already has an account joins with that account, and its password is kept."""
    signup = pending_signup_for(token)
    signup = SignupRequest.objects.select_for_update().get(pk=signup.pk)
    if signup.completed_at is not None:
        raise ValidationError("This confirmation link has already been used. Sign in instead.")
    if Tenant.objects.filter(slug=signup.slug).exists():
        raise ValidationError(f"The address “{signup.slug}” was taken meanwhile. Sign up again with another.")
    user: AuthUser | None = (
        User.objects.filter(email__iexact=signup.email, is_active=True).order_by("pk").first()
    )
    created = user is None
    if user is None:
        user = User.objects.create(
            username=_free_username(signup.email),
            email=signup.email,
            first_name=signup.first_name,
            last_name=signup.last_name,
            password=signup.password_hash,
        )
    try:
        with transaction.atomic():
            tenant = do_create_tenant(slug=signup.slug, name=signup.organisation, actor=user)
    except IntegrityError:
        raise ValidationError(
            f"The address “{signup.slug}” was taken meanwhile. Sign up again with another."
        ) from None
    membership = Membership.objects.create(tenant=tenant, user=user, role=Role.ADMIN)
    ensure_person_subject(membership)
    record(
        tenant=tenant,
        actor=user,
        verb=CoreVerb.TENANT_SIGNUP,
        target=signup.email,
        after={"organisation": signup.organisation, "email": signup.email, "new account": created},
    )
    record(
        tenant=tenant,
        actor=user,
        verb=CoreVerb.MEMBER_ADD,
        target=user.get_username(),
        after={"user": user.get_username(), "role": Role.ADMIN, "partner": None},
    )
    signup.completed_at, signup.tenant = timezone.now(), tenant
    signup.save(update_fields=["completed_at", "tenant"])
    return membership, created
