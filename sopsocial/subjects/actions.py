"""The small API domain apps use to give each followable object its Subject and its parents.

Call `save_with_subject(obj)` from the action that creates or changes `obj`, inside its transaction:
it creates the Subject on first use, keeps title/url in step, and replaces the parent links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from sopsocial.audit.actions import record
from sopsocial.audit.verbs import CoreVerb

from . import hooks
from .models import HasSubject, Subject, SubjectParent, SubjectShare

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Membership, Partner, Tenant

H = TypeVar("H", bound=HasSubject)


def save_with_subject(obj: H, *, tenant: Tenant | None = None, **save_kwargs: Any) -> H:
    """Save a `HasSubject` object and keep its Subject in step (created on first save; title, url
    and parents updated afterwards). Call it from the action, inside its transaction."""
    tenant = tenant or obj.tenant  # type: ignore[attr-defined]  # each HasSubject model declares its tenant FK
    if obj.subject_id is None:
        obj.subject = Subject.objects.create(
            tenant=tenant, kind=obj.subject_kind, title=obj.subject_title()[:300]
        )
    obj.save(**save_kwargs)
    subject = obj.subject
    title, url = obj.subject_title()[:300], obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    if (subject.title, subject.url) != (title, url):
        subject.title, subject.url = title, url
        subject.save(update_fields=["title", "url"])
    set_parents(subject, [p if isinstance(p, Subject) else p.subject for p in obj.subject_parents()])
    return obj


def create_subject(
    *, tenant: Tenant, kind: str, title: str, url: str = "", parents: Iterable[Subject | None] = ()
) -> Subject:
    """A Subject for something that is not a model of its own (a topic, a plan as a whole)."""
    subject = Subject.objects.create(tenant=tenant, kind=kind, title=title[:300], url=url)
    set_parents(subject, parents)
    return subject


def set_parents(subject: Subject, parents: Iterable[Subject | None]) -> None:
    given = [p for p in parents if p is not None]  # read twice below: a generator would not be
    wanted = {p.pk for p in given if p.pk != subject.pk}
    for parent in given:
        if parent.tenant_id != subject.tenant_id:
            raise ValueError("a subject's parents belong to the same tenant")
    current = set(SubjectParent.objects.filter(child=subject).values_list("parent_id", flat=True))
    if wanted == current:
        return
    SubjectParent.objects.filter(child=subject, parent_id__in=current - wanted).delete()
    SubjectParent.objects.bulk_create(
        [SubjectParent(tenant_id=subject.tenant_id, child=subject, parent_id=pid) for pid in wanted - current]
    )


@transaction.atomic
def do_share_subject(member: Membership, subject: Subject, partner: Partner) -> bool:
    """Make a subject visible to a partner organisation's users. Audited."""
    if partner.tenant_id != subject.tenant_id or subject.tenant_id != member.tenant_id:
        raise ValueError("subject, partner and member must share a tenant")
    if not partner.is_active:
        raise ValueError("a deactivated partner cannot be shared with")
    _, created = SubjectShare.objects.get_or_create(
        tenant_id=subject.tenant_id, subject=subject, partner=partner
    )
    if created:
        record(
            tenant=subject.tenant,
            actor=member.user,
            verb=CoreVerb.SUBJECT_SHARE,
            subject=subject,
            target=subject.title,
            after={"partner": partner.name},
        )
        hooks.run_shared(subject=subject, partner=partner, member=member)
    return created


@transaction.atomic
def do_unshare_subject(member: Membership, subject: Subject, partner: Partner) -> bool:
    deleted, _ = SubjectShare.objects.filter(subject=subject, partner=partner).delete()
    if deleted:
        record(
            tenant=subject.tenant,
            actor=member.user,
            verb=CoreVerb.SUBJECT_UNSHARE,
            subject=subject,
            target=subject.title,
            before={"partner": partner.name},
        )
        hooks.run_unshared(subject=subject, partner=partner, member=member)
    return bool(deleted)
