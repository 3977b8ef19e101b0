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
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def event_hash(**fields):
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def hash_of(event):
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
    """Recompute the tenant's chain from the first event; stop at the first inconsistency."""
    from .models import AuditEvent

    expected_seq, prev_hash, checked = 1, GENESIS_HASH, 0
    events = AuditEvent.objects.filter(tenant=tenant).order_by("seq")
    for event in events.iterator(chunk_size=chunk_size):
        problem = ""
        if event.seq != expected_seq:
            problem = f"sequence gap: expected seq {expected_seq} (an event was removed or inserted)"
        elif event.prev_hash != prev_hash:
            problem = "prev_hash does not match the previous event's hash"
        elif hash_of(event) != event.hash:
            problem = "content does not match its hash (the row was altered)"
        if problem:
            return VerifyResult(tenant.slug, checked, False, event.seq, event.pk, problem)
        checked += 1
        expected_seq, prev_hash = event.seq + 1, event.hash
    return VerifyResult(tenant.slug, checked, True)
