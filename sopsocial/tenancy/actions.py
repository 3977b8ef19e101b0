"""Writes to tenants, memberships and invitations. Each one is atomic and audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from sopsocial.audit.actions import changed_fields, record
from sopsocial.audit.verbs import CoreVerb
from sopsocial.queue import enqueue_on_commit
from sopsocial.subjects.models import Subject, SubjectKind, SubjectShare

from . import people_pages, task_names
from .live import close_sockets_on_commit
from .models import Invitation, Membership, Partner, Role, Tenant
from .policy import Perm, require

if TYPE_CHECKING:
    from django.contrib.auth.models import User as AuthUser

User = get_user_model()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def do_create_tenant(*, slug: str, name: str, actor: AuthUser | None = None) -> Tenant:
    tenant = Tenant.objects.create(slug=slug, name=name)
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.TENANT_CREATE,
        target=name,
        after={"slug": slug, "name": name},
    )
    return tenant


@transaction.atomic
def do_create_partner(*, tenant: Tenant, name: str, kind: str, actor: AuthUser | None = None) -> Partner:
    partner = Partner.objects.create(tenant=tenant, name=name, kind=kind)
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.PARTNER_CREATE,
        target=name,
        after={"name": name, "kind": kind},
    )
    return partner


def ensure_person_subject(membership: Membership) -> Subject:
    """Give the membership its person subject (kind "person") when it has none, and keep its title (the
    display name) and url (the person's page) in step. A partner user's is shared with their partner, so
    their colleagues can open it. Called by every action that creates or changes a membership, inside
    its transaction."""
    title, url = membership.display_name[:300], people_pages.person_url(membership)
    subject = membership.subject
    if subject is None:
        subject = Subject.objects.create(
            tenant_id=membership.tenant_id, kind=SubjectKind.PERSON, title=title, url=url
        )
        membership.subject = subject
        membership.save(update_fields=["subject"])
    elif (subject.title, subject.url) != (title, url):
        subject.title, subject.url = title, url
        subject.save(update_fields=["title", "url"])
    if membership.partner_id is not None:
        SubjectShare.objects.get_or_create(
            tenant_id=membership.tenant_id, subject=subject, partner_id=membership.partner_id
        )
    return subject


@transaction.atomic
def do_add_member(
    *,
    tenant: Tenant,
    user: AuthUser,
    role: str,
    department: str = "",
    title: str = "",
    partner: Partner | None = None,
    actor: AuthUser | None = None,
) -> Membership:
    membership = Membership.objects.create(
        tenant=tenant, user=user, role=role, department=department, title=title, partner=partner
    )
    ensure_person_subject(membership)
    record(
        tenant=tenant,
        actor=actor,
        verb=CoreVerb.MEMBER_ADD,
        target=user.get_username(),
        after={"user": user.get_username(), "role": role, "partner": partner.name if partner else None},
    )
    return membership


def check_invite(
    member: Membership,
    *,
    email: str,
    role: str,
    department: str = "",
    title: str = "",
    partner: Partner | None = None,
) -> tuple[Invitation, str]:
    """Validate then create an invitation; returns (invitation, token). The token is shown/sent once."""
    require(member, Perm.MANAGE_PEOPLE, "invite people")
    email = email.strip().lower()
    if role not in Role.values:
        raise ValidationError({"role": "Unknown role."})
    if partner is not None and partner.tenant_id != member.tenant_id:
        raise ValidationError({"partner": "Unknown partner."})
    if partner is not None and not partner.is_active:
        raise ValidationError({"partner": f"{partner.name} is deactivated: its people cannot be invited."})
    if Membership.objects.filter(tenant=member.tenant, user__email__iexact=email, is_active=True).exists():
        raise ValidationError({"email": "This person is already a member."})
    return do_create_invitation(
        member, email=email, role=role, department=department, title=title, partner=partner
    )


@transaction.atomic
def do_create_invitation(
    member: Membership, *, email: str, role: str, department: str, title: str, partner: Partner | None
) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=member.tenant,
        email=email,
        role=role,
        department=department,
        title=title,
        partner=partner,
        token_hash=hash_token(token),
        invited_by=member.user,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS),
    )
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=CoreVerb.INVITATION_CREATE,
        target=email,
        after={"email": email, "role": role, "partner": partner.name if partner else None},
    )
    send_invitation_on_commit(invitation, token, member.display_name)
    return invitation, token


def invitation_link(token: str) -> str:
    """The acceptance address of an invitation, on SITE_URL (never on a request's Host header)."""
    return f"{settings.SITE_URL}/invite/{token}/"


def send_invitation_on_commit(invitation: Invitation, token: str, inviter_name: str) -> None:
    link = invitation_link(token)
    transaction.on_commit(lambda: _send_invitation(invitation, link, inviter_name))


def _send_invitation(invitation: Invitation, link: str, inviter_name: str) -> None:
    context = {"invitation": invitation, "link": link, "inviter": inviter_name}
    send_mail(
        subject=f"{inviter_name} invited you to {invitation.tenant.name} on sopsocial",
        message=render_to_string("tenancy/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def pending_invitation_for(token: str) -> Invitation:
    """The invitation behind a token if it can still be accepted, else a ValidationError saying why."""
    invitation = (
        Invitation.objects.select_related("tenant", "partner").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise ValidationError("This invitation has already been used.")
    if invitation.revoked_at is not None:
        raise ValidationError("This invitation was withdrawn.")
    if invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has expired. Ask for a new one.")
    return invitation


@transaction.atomic
def do_accept_invitation(
    token: str,
    *,
    user: AuthUser | None = None,
    username: str | None = None,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> Membership:
    """Accept an invitation as `user`, or create the account first. Single use: the row is locked.
    An existing account joins only if it has the invited address: the link alone must not add whoever
    happens to be signed in."""
    invitation = pending_invitation_for(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("This invitation has already been used.")
    if user is not None and not invitation.is_for(user):
        raise ValidationError("This invitation is for another e-mail address.")
    if user is None:
        user = User.objects.create_user(
            username=username,  # type: ignore[arg-type]  # required without `user`; create_user refuses None
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    existing = Membership.objects.filter(tenant=invitation.tenant, user=user).first()
    if existing is not None and existing.is_active:
        raise ValidationError("You are already a member of this tenant.")
    former_partner_id = existing.partner_id if existing is not None else None
    if existing is not None:
        existing.is_active, existing.role, existing.partner = True, invitation.role, invitation.partner
        existing.department, existing.title = invitation.department, invitation.title
        existing.save()
        membership = existing
    else:
        membership = Membership.objects.create(
            tenant=invitation.tenant,
            user=user,
            role=invitation.role,
            department=invitation.department,
            title=invitation.title,
            partner=invitation.partner,
        )
    person = ensure_person_subject(membership)
    if former_partner_id is not None and former_partner_id != membership.partner_id:
        # Back with another organisation (or as staff): their former partner no longer sees them.
        SubjectShare.objects.filter(subject=person, partner_id=former_partner_id).delete()
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record(
        tenant=invitation.tenant,
        actor=user,
        verb=CoreVerb.INVITATION_ACCEPT,
        target=invitation.email,
        after={"user": user.get_username(), "role": membership.role},
    )
    return membership


@transaction.atomic
def do_revoke_invitation(member: Membership, invitation: Invitation) -> None:
    require(member, Perm.MANAGE_PEOPLE, "revoke invitations")
    if not invitation.is_pending:
        raise ValidationError("This invitation is no longer pending.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    record(tenant=member.tenant, actor=member.user, verb=CoreVerb.INVITATION_REVOKE, target=invitation.email)


def _other_active_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(tenant=membership.tenant, role=Role.ADMIN, partner=None, is_active=True)
        .exclude(pk=membership.pk)
        .exists()
    )


@transaction.atomic
def check_change_role(
    member: Membership,
    membership: Membership,
    *,
    role: str,
    department: str | None = None,
    title: str | None = None,
) -> Membership:
    """An admin changes someone's role (and display department/title). The last admin stays admin."""
    require(member, Perm.MANAGE_PEOPLE, "change roles")
    if role not in Role.values:
        raise ValidationError({"role": "Unknown role."})
    membership = Membership.objects.select_for_update().get(pk=membership.pk, tenant=member.tenant)
    if membership.partner_id is not None and role == Role.ADMIN:
        raise ValidationError({"role": "Partner users cannot be admins."})
    if membership.role == Role.ADMIN and role != Role.ADMIN and not _other_active_admins(membership):
        raise ValidationError({"role": "The tenant must keep at least one admin."})
    new = {"role": role}
    if department is not None:
        new["department"] = department
    if title is not None:
        new["title"] = title
    before, after = changed_fields(membership, new, new)
    if not after:
        return membership
    for key, value in after.items():
        setattr(membership, key, value)
    membership.save(update_fields=list(after))
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=CoreVerb.MEMBER_CHANGE_ROLE,
        target=membership.user.get_username(),
        before=before,
        after=after,
    )
    return membership


@transaction.atomic
def check_deactivate_member(member: Membership, membership: Membership) -> None:
    require(member, Perm.MANAGE_PEOPLE, "remove members")
    membership = Membership.objects.select_for_update().get(pk=membership.pk, tenant=member.tenant)
    if not membership.is_active:
        raise ValidationError("This person is already removed.")
    if membership.role == Role.ADMIN and not _other_active_admins(membership):
        raise ValidationError("The tenant must keep at least one admin.")
    end_membership(member, membership)


def end_membership(member: Membership, membership: Membership, **context: Any) -> None:
    """`membership` loses its access (nothing it wrote is deleted), audited with `member` as the actor;
    `context` (e.g. the partner whose deactivation ended it) goes into the event."""
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=CoreVerb.MEMBER_REMOVE,
        target=membership.user.get_username(),
        before={"active": True},
        after={"active": False, **context},
    )
    close_sockets_on_commit(member.tenant_id, [membership.user_id])


def do_request_password_reset(email: str) -> None:
    """Queue the reset e-mail for `email` after commit. Nothing is written or audited, and the address
    is not looked up here: the worker does that, so a request for an address no account uses does the
    same work, and takes the same time, as one for an address in use."""
    enqueue_on_commit(task_names.SEND_PASSWORD_RESET_EMAIL, email=email)


def do_send_password_reset_email(email: str) -> None:
    """In the worker: e-mail a reset link to every active account with a usable password whose address
    is `email` (Django's own matching, which guards against look-alike Unicode addresses). Links are
    built on SITE_URL, never on the request's Host header."""
    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    form.save(domain_override=site.netloc, use_https=site.scheme == "https")
