"""Subscribing a browser to phone notifications (Web Push) and unsubscribing it. Audited: who gets
pushed to, and where, is the person's choice but also the tenant's business (a phone that leaves with
someone). The endpoint itself is never written to the audit log (it is a capability); its push
service's host name is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from sopsocial.audit.actions import record

from ..models import PushSubscription
from ..push import _unb64url, endpoint_problem, is_p256_point, push_off_reason, push_service_of
from ..verbs import FeedsVerb

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Membership

USER_AGENT_MAX = PushSubscription._meta.get_field("user_agent").max_length
# Browsers one person may have subscribed in one tenant: a new one beyond this replaces their least
# recently used (each push is one POST per browser, so this also bounds what one mention costs).
MAX_BROWSERS_PER_PERSON = 10


def check_subscribe_push(
    member: Membership, *, endpoint: object, p256dh: object, auth: object, user_agent: str = ""
) -> PushSubscription:
    """Validate what `PushManager.subscribe()` gave the browser (ValidationError keyed by field, nothing
    written), then `do_subscribe_push`."""
    reason = push_off_reason()
    if reason:
        raise ValidationError({"endpoint": reason})
    errors: dict[str, str] = {}
    endpoint = endpoint.strip() if isinstance(endpoint, str) else ""
    p256dh = p256dh.strip() if isinstance(p256dh, str) else ""
    auth = auth.strip() if isinstance(auth, str) else ""
    if not endpoint:
        errors["endpoint"] = "The browser gave no push endpoint."
    elif problem := endpoint_problem(endpoint):
        errors["endpoint"] = problem
    if not is_p256_point(p256dh):
        errors["p256dh"] = "The browser's key (keys.p256dh) is not a base64url P-256 public key."
    try:
        if len(_unb64url(auth)) != 16:
            raise ValueError("not 16 bytes")
    except ValueError:
        errors["auth"] = "The browser's secret (keys.auth) is not 16 base64url bytes."
    if errors:
        raise ValidationError(errors)
    return do_subscribe_push(
        member, endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=(user_agent or "")[:USER_AGENT_MAX]
    )


def do_subscribe_push(
    member: Membership, *, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Subscribe the browser behind `endpoint` for the member in their tenant. Idempotent: the same
    browser again writes nothing. A browser someone else had subscribed changed hands (a shared or handed
    down phone): their subscriptions of it end here, audited in their tenants, so their notifications
    stop reaching it. Audited."""
    service = push_service_of(endpoint)
    with transaction.atomic():
        others = list(
            PushSubscription.objects.select_for_update()
            .filter(endpoint=endpoint)
            .exclude(user_id=member.user_id)
            .select_related("tenant")
        )
        for other in others:
            other.delete()
            record(
                tenant=other.tenant,
                verb=FeedsVerb.PUSH_UNSUBSCRIBE,
                actor=None,
                target=service,
                before={"user_id": other.user_id, "push_service": service},
                after={"reason": "another person subscribed this browser"},
            )
        existing = (
            PushSubscription.objects.select_for_update()
            .filter(tenant=member.tenant, endpoint=endpoint)
            .first()
        )
        if existing is not None and (existing.p256dh, existing.auth) == (p256dh, auth):
            return existing
        if existing is not None:
            existing.p256dh, existing.auth, existing.user_agent = p256dh, auth, user_agent
            existing.failure_count = 0
            existing.save(update_fields=["p256dh", "auth", "user_agent", "failure_count"])
            subscription = existing
        else:
            _make_room(member)
            try:
                with transaction.atomic():
                    subscription = PushSubscription.objects.create(
                        tenant=member.tenant,
                        user=member.user,
                        endpoint=endpoint,
                        p256dh=p256dh,
                        auth=auth,
                        user_agent=user_agent,
                    )
            except IntegrityError:  # the same browser's other request won the race: that row is this one
                return PushSubscription.objects.get(tenant=member.tenant, endpoint=endpoint)
        record(
            tenant=member.tenant,
            verb=FeedsVerb.PUSH_SUBSCRIBE,
            actor=member.user,
            target=service,
            after={"push_service": service, "user_agent": user_agent[:120], "renewed": existing is not None},
        )
    return subscription


def _make_room(member: Membership) -> None:
    """End the member's least recently used browsers beyond MAX_BROWSERS_PER_PERSON - 1 (audited)."""
    mine = PushSubscription.objects.filter(tenant=member.tenant, user_id=member.user_id)
    oldest_first = mine.order_by(F("last_success_at").asc(nulls_first=True), "created", "pk")
    excess = mine.count() - (MAX_BROWSERS_PER_PERSON - 1)
    for old in list(oldest_first[: max(excess, 0)]):
        old.delete()
        record(
            tenant=member.tenant,
            verb=FeedsVerb.PUSH_UNSUBSCRIBE,
            actor=member.user,
            target=old.push_service,
            before={"push_service": old.push_service, "user_agent": old.user_agent[:120]},
            after={"reason": f"replaced by a newer browser (at most {MAX_BROWSERS_PER_PERSON})"},
        )


def do_unsubscribe_push(member: Membership, endpoint: str) -> bool:
    """End the member's subscription of the browser behind `endpoint` in their tenant (False when there
    was none: nothing written). Audited."""
    with transaction.atomic():
        subscription = (
            PushSubscription.objects.select_for_update()
            .filter(tenant=member.tenant, user_id=member.user_id, endpoint=endpoint)
            .first()
        )
        if subscription is None:
            return False
        subscription.delete()
        service = push_service_of(endpoint)
        record(
            tenant=member.tenant,
            verb=FeedsVerb.PUSH_UNSUBSCRIBE,
            actor=member.user,
            target=service,
            before={"push_service": service, "user_agent": subscription.user_agent[:120]},
        )
    return True
