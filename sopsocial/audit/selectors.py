"""Reads of the audit trail shared by the log page, the CSV export and the per-subject trail."""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_date

from sopsocial.pages.filters import where_filled
from sopsocial.subjects.models import Subject, SubjectKind
from sopsocial.tenancy.models import Tenant

from .models import AuditEvent, AuditEventSubject

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def audit_log_for(
    tenant: Tenant,
    *,
    actor: str | None = None,
    verb: str | None = None,
    subject_kind: str | None = None,
    since: date | None = None,
    until: date | None = None,
    query: str | None = None,
) -> QuerySet[AuditEvent]:
    events = where_filled(
        AuditEvent.objects.filter(tenant=tenant).select_related("actor", "subject"),
        actor_label__icontains=actor,
        verb=verb,
        subject__kind=subject_kind,
        at__date__gte=since,
        at__date__lte=until,
        target__icontains=query,
    )
    return events.order_by("-seq")


def parse_filters(params: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Filters from a query string. Unparseable dates, unknown subject kinds and control characters
    (PostgreSQL refuses a NUL) are reported as errors, not silently dropped or sent to the database."""
    errors: dict[str, str]
    filters: dict[str, Any]
    value: Any
    errors, filters = {}, {}
    for key in ("actor", "verb", "subject_kind", "query"):
        value = params.get(key, "").strip()
        if not value:
            continue
        if CONTROL_CHARACTERS.search(value):
            errors[key] = "Remove control characters (such as a NUL byte) from this filter."
        elif key == "subject_kind" and value not in SubjectKind.values:
            errors[key] = "Choose a subject kind from the list."
        else:
            filters[key] = value[:200]
    for key in ("since", "until"):
        raw = params.get(key, "").strip()
        if raw:
            try:
                value = parse_date(raw)
            except ValueError:
                value = None
            if value is None:
                errors[key] = "Use a date like 2026-11-24."
            else:
                filters[key] = value
    return filters, errors


def verbs_in(tenant: Tenant) -> QuerySet[AuditEvent, str]:
    return AuditEvent.objects.filter(tenant=tenant).order_by("verb").values_list("verb", flat=True).distinct()


def trail_for_subject(subject: Subject, limit: int = 200) -> list[AuditEvent]:
    """The events about the subject (its own, and those that name it as related), oldest first, as the
    trail component shows them."""
    return trail_for_subjects([subject.pk], subject.tenant_id, limit)


def trail_for_subjects(subject_ids: Iterable[int], tenant_id: int, limit: int = 200) -> list[AuditEvent]:
    subject_ids = list(subject_ids)
    linked = AuditEventSubject.objects.filter(subject_id__in=subject_ids).values("event_id")
    return list(
        AuditEvent.objects.filter(tenant_id=tenant_id)
        .filter(Q(subject_id__in=subject_ids) | Q(pk__in=linked))
        .select_related("actor", "subject")
        .order_by("-seq")[:limit]
    )[::-1]
