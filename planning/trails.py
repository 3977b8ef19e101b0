"""The whole story around a sales order (STORY step 11): every post, comment, forward, alert, plan change
and approval that touched it, in order.

An event touched the order when it names (as subject or related subject, see sopsocial.audit):
  * the order itself;
  * the order's customer, ship-from facility and one of its products together: the cell-level
    conversation, plan changes and demand alerts about exactly this business;
  * its facility and one of its products, without naming any customer: stock at the ship-from depot;
and, for the plan versions such events were about, their workflow steps (submitted, approved, published)
in the same period. Only events from `WEEKS_BEFORE` weeks before the order date on are considered.
"""

import datetime

from django.db.models import Q

from sopsocial.audit.models import AuditEvent, AuditEventSubject
from sopsocial.subjects.models import Subject, SubjectKind

from .verbs import PlanningVerb

WEEKS_BEFORE = 8
WORKFLOW_VERBS = (PlanningVerb.VERSION_SUBMIT, PlanningVerb.VERSION_APPROVE, PlanningVerb.VERSION_PUBLISH)


def _subjects_by_event(events):
    by_event = {e.pk: {e.subject_id} - {None} for e in events}
    for event_id, subject_id in AuditEventSubject.objects.filter(event_id__in=by_event).values_list(
        "event_id", "subject_id"
    ):
        by_event[event_id].add(subject_id)
    return by_event


def trail_for_order(order, limit=500):
    products = set(order.lines.values_list("product__subject_id", flat=True))
    customer, facility, own = order.customer.subject_id, order.facility.subject_id, order.subject_id
    since = datetime.datetime.combine(
        order.order_date - datetime.timedelta(weeks=WEEKS_BEFORE), datetime.time()
    )
    watched = {own, customer, facility, *products}
    linked = AuditEventSubject.objects.filter(subject_id__in=watched).values("event_id")
    candidates = list(
        AuditEvent.objects.filter(tenant_id=order.tenant_id, at__date__gte=since)
        .filter(Q(subject_id__in=watched) | Q(pk__in=linked))
        .select_related("actor", "subject")
        .order_by("seq")
    )
    subjects = _subjects_by_event(candidates)
    kinds = dict(
        Subject.objects.filter(pk__in={s for ids in subjects.values() for s in ids}).values_list("pk", "kind")
    )
    kept, versions = [], set()
    for event in candidates:
        ids = subjects[event.pk]
        names_customer = any(kinds.get(s) == SubjectKind.CUSTOMER for s in ids)
        about_business = facility in ids and ids & products and (customer in ids or not names_customer)
        if event.verb == "feeds.alert_item":
            continue  # the alert's own event (raised, escalated) already tells it
        if own in ids or about_business:
            kept.append(event)
            versions |= {s for s in ids if kinds.get(s) == SubjectKind.PLAN_VERSION}
    if versions:
        kept += list(
            AuditEvent.objects.filter(
                tenant_id=order.tenant_id,
                subject_id__in=versions,
                verb__in=WORKFLOW_VERBS,
                at__date__gte=since,
            ).select_related("actor", "subject")
        )
    kept = sorted({e.pk: e for e in kept}.values(), key=lambda e: e.seq)
    return kept[-limit:]
