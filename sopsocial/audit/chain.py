"""The hash chain: how an event is serialised and hashed, and how a tenant's chain is verified."""

import hashlib
import json
from dataclasses import dataclass

GENESIS_HASH = "0" * 64


def canonical_bytes(
    *,
    tenant_id,
    seq,
    actor_id,
    actor_label,
    verb,
    subject_id,
    target,
    before,
    after,
    request_id,
    ip,
    at,
    prev_hash,
    related=(),
):
    """The exact bytes that are hashed. Keys are sorted and the JSON compact, so the form does not
    depend on dict order or on how the database hands JSON back."""
    payload = {
        "tenant": tenant_id,
        "seq": seq,
        "actor": actor_id,
        "actor_label": actor_label,
        "verb": verb,
        "subject": subject_id,
        "target": target,
        "before": before,
        "after": after,
        "request_id": request_id,
        "ip": ip,
        "at": at.isoformat(timespec="microseconds"),
        "prev": prev_hash,
    }
    if related:  # present only when there are some, so events written before links existed verify unchanged
        payload["related"] = sorted(related)
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**fields):
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def hash_of(event, related=None):
    if related is None:
        related = [link.subject_id for link in event.related_links.all()]
    return event_hash(
        tenant_id=event.tenant_id,
        seq=event.seq,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        verb=event.verb,
        subject_id=event.subject_id,
        target=event.target,
        before=event.before,
        after=event.after,
        request_id=event.request_id,
        ip=event.ip,
        at=event.at,
        prev_hash=event.prev_hash,
        related=related,
    )


@dataclass
class VerifyResult:
    tenant_slug: str
    checked: int
    ok: bool
    bad_seq: int | None = None
    bad_id: int | None = None
    problem: str = ""

    def describe(self):
        if self.ok:
            return f"{self.tenant_slug}: {self.checked} events, chain intact"
        return f"{self.tenant_slug}: first bad event seq={self.bad_seq} id={self.bad_id}: {self.problem}"


def verify_tenant(tenant, chunk_size=5000):
    """Recompute the tenant's chain from the first event; stop at the first inconsistency. Events are read
    in keyset chunks with their related-subject links, a fixed number of queries per chunk."""
    from .models import AuditEvent, AuditEventSubject

    expected_seq, prev_hash, checked, after = 1, GENESIS_HASH, 0, 0
    while True:
        chunk = list(AuditEvent.objects.filter(tenant=tenant, seq__gt=after).order_by("seq")[:chunk_size])
        if not chunk:
            return VerifyResult(tenant.slug, checked, True)
        related = {}
        for event_id, subject_id in AuditEventSubject.objects.filter(event__in=chunk).values_list(
            "event_id", "subject_id"
        ):
            related.setdefault(event_id, []).append(subject_id)
        for event in chunk:
            problem = ""
            if event.seq != expected_seq:
                problem = f"sequence gap: expected seq {expected_seq} (an event was removed or inserted)"
            elif event.prev_hash != prev_hash:
                problem = "prev_hash does not match the previous event's hash"
            elif hash_of(event, related.get(event.pk, [])) != event.hash:
                problem = "content does not match its hash (the row or its related subjects were altered)"
            if problem:
                return VerifyResult(tenant.slug, checked, False, event.seq, event.pk, problem)
            checked += 1
            expected_seq, prev_hash = event.seq + 1, event.hash
        after = chunk[-1].seq
