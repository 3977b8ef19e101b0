"""Reads over subjects: ancestors (bounded depth), and what a member may see."""

from collections.abc import Collection

from django.db.models import QuerySet

from sopsocial.tenancy.models import Membership

from .models import Subject, SubjectParent, SubjectShare

MAX_DEPTH = 5  # customer -> order is 1, brand -> product -> order is 2; 5 leaves ample room


def ancestor_ids(subject_ids: Collection[int], max_depth: int = MAX_DEPTH) -> set[int]:
    """All ancestors of the given subjects (not including themselves), breadth-first, one query a level."""
    seen: set[int]
    seen, frontier = set(), set(subject_ids)
    for _ in range(max_depth):
        parents = set(SubjectParent.objects.filter(child_id__in=frontier).values_list("parent_id", flat=True))
        frontier = parents - seen - set(subject_ids)
        if not frontier:
            break
        seen |= frontier
    return seen


def visible_subjects(member: Membership) -> QuerySet[Subject]:
    """Subjects the member may see: all of the tenant's for staff, only shared ones for partners."""
    subjects = Subject.objects.filter(tenant=member.tenant)
    if member.is_external:
        subjects = subjects.filter(shares__partner_id=member.partner_id)  # type: ignore[misc]  # external: partner_id is set
    return subjects


def can_see_subject(member: Membership, subject: Subject) -> bool:
    if subject.tenant_id != member.tenant_id:
        return False
    if not member.is_external:
        return True
    return SubjectShare.objects.filter(subject=subject, partner_id=member.partner_id).exists()  # type: ignore[misc]
