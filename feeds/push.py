"""Phone notifications (Web Push): the server's VAPID keys, which bell notifications also go to phones,
and sending them, from a Celery task queued after commit by `feeds.notifications._notify`.

A person chooses categories on the notification settings page (NotificationPreference.push_*) and
subscribes each browser they want pushed to (PushSubscription, written by `feeds.actions.push`). What
travels is a small JSON `PushMessage` (title, body, url, tag), encrypted for the browser (RFC 8291) and
signed with our VAPID key (RFC 8292) by pywebpush; the service worker (templates/pages/sw.js) shows it.

Sending never raises into the caller: a push service answering 404/410 means the browser dropped the
subscription (it is deleted, audited); any other failure is counted on the subscription and logged. A
push is not retried or swept: the bell entry stays, and a late "you were mentioned" is noise.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import os
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from sopsocial.audit.actions import record

from .models import FeedItem, Notification, NotificationPreference, PushSubscription
from .verbs import FeedsVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger(__name__)

# A push waits at the push service this long for a phone that is off; after that it is stale.
PUSH_TTL_SECONDS = 12 * 3600
# (connect, read) seconds for one POST to a push service.
PUSH_TIMEOUT = (5, 10)
BODY_MAX_CHARS = 180
ENDPOINT_MAX_LENGTH = 1000  # PushSubscription.endpoint's max_length

# Notification verb -> the preference field that switches its phone notifications on. Alerts are pushed
# only when high (see `push_preference_for`); comments and decisions are not pushed.
_PREFERENCE_BY_VERB = {
    Notification.Verb.MENTION: "push_mentions",
    Notification.Verb.FORWARD: "push_mentions",
    Notification.Verb.TASK: "push_tasks",
    Notification.Verb.APPROVAL: "push_approvals",
    Notification.Verb.ALERT: "push_high_alerts",
}
PUSH_PREFERENCE_FIELDS = ("push_mentions", "push_tasks", "push_approvals", "push_high_alerts")


def push_preference_for(verb: str, item: FeedItem) -> str | None:
    """The NotificationPreference field that decides whether a `verb` notification about `item` goes to
    the person's phones; None when such notifications are never pushed."""
    if verb == Notification.Verb.ALERT and (item.data or {}).get("severity") != "high":
        return None
    return _PREFERENCE_BY_VERB.get(Notification.Verb(verb)) if verb in Notification.Verb.values else None


# --- VAPID keys --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VapidKeys:
    """The server's VAPID identity: the public key is the browser's `applicationServerKey` (base64url of
    the uncompressed P-256 point), the private key signs each push (base64url of the 32-byte scalar)."""

    public_key: str
    private_key: str
    subject: str


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    """Decode base64url with or without padding; ValueError when it is not base64url."""
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError("not base64url") from error


def is_p256_point(text: str) -> bool:
    """Whether `text` is a base64url uncompressed P-256 public key (a browser's p256dh, our public key)."""
    from cryptography.hazmat.primitives.asymmetric import ec

    try:
        raw = _unb64url(text)
        if len(raw) != 65 or raw[0] != 4:
            return False
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        return False
    return True


def generate_vapid_keys(subject: str = "") -> VapidKeys:
    """A new VAPID key pair (P-256), in the base64url forms VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY take."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return VapidKeys(public_key=_b64url(public), private_key=_b64url(private), subject=subject)


def _keys_problem(public_key: str, private_key: str) -> str | None:
    if not is_p256_point(public_key):
        return "VAPID_PUBLIC_KEY is not a base64url P-256 public key (see `manage.py generate_vapid_keys`)."
    try:
        if len(_unb64url(private_key)) != 32:
            raise ValueError("not 32 bytes")
    except ValueError:
        return "VAPID_PRIVATE_KEY is not a base64url P-256 private key (see `manage.py generate_vapid_keys`)."
    return None


def _dev_keys(path: Path, subject: str) -> VapidKeys:
    """Development keys kept in `path`, made on first use (several processes may race: the first file
    linked into place wins, the others read it)."""
    try:
        data = json.loads(path.read_text())
        return VapidKeys(public_key=data["public_key"], private_key=data["private_key"], subject=subject)
    except FileNotFoundError:
        pass
    keys = generate_vapid_keys(subject)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(fd, "w") as handle:
            json.dump({"public_key": keys.public_key, "private_key": keys.private_key}, handle)
        os.link(temporary, path)
        log.info(
            "made development VAPID keys in %s (set VAPID_PUBLIC_KEY/VAPID_PRIVATE_KEY in production)", path
        )
    except FileExistsError:
        return _dev_keys(path, subject)
    finally:
        os.unlink(temporary)
    return keys


def _vapid_state() -> tuple[VapidKeys | None, str | None]:
    public, private = settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY
    subject = settings.VAPID_SUBJECT
    if public and private:
        problem = _keys_problem(public, private)
        return (None, problem) if problem else (VapidKeys(public, private, subject), None)
    if public or private:
        return None, "Phone notifications are off: set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY."
    if settings.DEBUG and settings.VAPID_DEV_KEYS_FILE:
        try:
            return _dev_keys(Path(settings.VAPID_DEV_KEYS_FILE), subject), None
        except (OSError, ValueError, KeyError) as error:
            log.warning(
                "could not keep development VAPID keys in %s: %s", settings.VAPID_DEV_KEYS_FILE, error
            )
            return None, (
                f"Phone notifications are off: development keys could not be kept in "
                f"{settings.VAPID_DEV_KEYS_FILE} ({error}). Set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY."
            )
    return None, (
        "Phone notifications are off on this server: it has no VAPID keys. An administrator makes them "
        "with `manage.py generate_vapid_keys` and sets VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY."
    )


_cache: dict[tuple[Any, ...], tuple[VapidKeys | None, str | None]] = {}


def _cached_state() -> tuple[VapidKeys | None, str | None]:
    # Keyed by the settings it reads, so a test's override_settings (or a changed key) is seen at once.
    key = (
        settings.VAPID_PUBLIC_KEY,
        settings.VAPID_PRIVATE_KEY,
        settings.VAPID_SUBJECT,
        settings.DEBUG,
        str(settings.VAPID_DEV_KEYS_FILE),
    )
    if key not in _cache:
        _cache[key] = _vapid_state()
    return _cache[key]


def vapid_keys() -> VapidKeys | None:
    """The server's VAPID keys; None when push is off (see `push_off_reason`)."""
    return _cached_state()[0]


def push_off_reason() -> str | None:
    """Why phone notifications are off on this server, for the settings page; None when they are on."""
    return _cached_state()[1]


# --- Subscriptions -----------------------------------------------------------------------------------------


def endpoint_problem(endpoint: str) -> str | None:
    """What is wrong with a push endpoint a browser gave us, or None. The server POSTs to it, so it must be
    a push service's public HTTPS address: no other scheme, no IP address, no local host name."""
    if "\x00" in endpoint or any(ch.isspace() for ch in endpoint):
        return "The push endpoint is not a URL."
    if len(endpoint) > ENDPOINT_MAX_LENGTH:
        return "The push endpoint is too long."
    try:
        parts = urlsplit(endpoint)
        host = parts.hostname or ""
    except ValueError:
        return "The push endpoint is not a URL."
    if settings.PUSH_ALLOW_LOCAL_ENDPOINTS:
        return None if parts.scheme in ("http", "https") and host else "The push endpoint is not a URL."
    if parts.scheme != "https" or not host:
        return "The push endpoint must be an https:// address of a push service."
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return "The push endpoint must name a push service, not an IP address."
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")) or "." not in host:
        return "The push endpoint must be a push service's public address."
    return None


def push_service_of(endpoint: str) -> str:
    """The push service's host name (what the audit log and the device list show; never the endpoint,
    which is a capability)."""
    return PushSubscription(endpoint=endpoint).push_service


def subscribed_user_ids(tenant_id: int, user_ids: Collection[int]) -> set[int]:
    """Which of `user_ids` have at least one browser subscribed in the tenant."""
    if not user_ids:
        return set()
    return set(
        PushSubscription.objects.filter(tenant_id=tenant_id, user_id__in=user_ids)
        .values_list("user_id", flat=True)
        .distinct()
    )


def subscriptions_of(user: User, tenant_id: int) -> list[PushSubscription]:
    return list(PushSubscription.objects.filter(tenant_id=tenant_id, user=user).order_by("-created", "-pk"))


# --- Sending -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PushMessage:
    """What the service worker shows: `tag` makes a newer message about the same item replace the old."""

    title: str
    body: str
    url: str
    tag: str

    def as_json(self) -> str:
        return json.dumps(asdict(self))


def _own_path(value: object) -> str | None:
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") and "\\" not in text else None


def message_for(item: FeedItem, verb: str, actor: User | None) -> PushMessage:
    """The phone notification for a `verb` notification about `item` (its subject and tenant loaded)."""
    data: Mapping[str, Any] = item.data or {}
    if verb == Notification.Verb.ALERT:
        title = f"High alert: {data.get('summary') or item.subject.title}"
    else:
        who = (actor.get_full_name() or actor.get_username()) if actor is not None else "sopsocial"
        title = f"{who} {Notification.Verb(verb).label}"
    text = " ".join((item.body or "").split())
    if len(text) > BODY_MAX_CHARS:
        text = text[: BODY_MAX_CHARS - 1].rstrip() + "…"
    body = f"{item.subject.title} · {item.tenant.name}" + (f"\n{text}" if text else "")
    if item.kind in (FeedItem.Kind.POST, FeedItem.Kind.FORWARD):
        url = item.get_absolute_url()
    else:
        url = _own_path(data.get("url")) or item.subject.get_absolute_url()
    return PushMessage(title=title[:120], body=body, url=url, tag=f"sopsocial-{item.tenant.slug}-{item.pk}")


def recipients_wanting(tenant_id: int, user_ids: Iterable[int], field: str) -> list[int]:
    """The users among `user_ids` whose preference `field` is on (the default when never saved)."""
    user_ids = set(user_ids)
    off = set(
        NotificationPreference.objects.filter(
            tenant_id=tenant_id, user_id__in=user_ids, **{field: False}
        ).values_list("user_id", flat=True)
    )
    return sorted(user_ids - off)


def do_send_pushes(item_id: int, verb: str, actor_id: int | None, user_ids: Iterable[int]) -> int:
    """Push a `verb` notification about the item to every subscribed browser of `user_ids` (preferences
    and read rights checked again now: either may have changed since the notification). Returns how many
    pushes a push service accepted. Never raises for a push service's failure."""
    from django.contrib.auth import get_user_model

    from .mail import _still_readable

    keys = vapid_keys()
    item = FeedItem.objects.select_related("tenant", "subject").filter(pk=item_id).first()
    if keys is None or item is None or item.is_deleted:
        return 0
    field = push_preference_for(verb, item)
    if field is None:
        return 0
    wanting = [
        uid
        for uid in recipients_wanting(item.tenant_id, user_ids, field)
        if _still_readable(item.tenant_id, uid, [item.pk])
    ]
    subscriptions = list(
        PushSubscription.objects.filter(tenant_id=item.tenant_id, user_id__in=wanting).order_by("pk")
    )
    if not subscriptions:
        return 0
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    message = message_for(item, verb, actor)
    import requests

    sent = 0
    with requests.Session() as session:
        session.max_redirects = 0  # a push service answers; it does not send us elsewhere
        for subscription in subscriptions:
            sent += _send_one(subscription, message, keys, session)
    return sent


def _send_one(subscription: PushSubscription, message: PushMessage, keys: VapidKeys, session: Any) -> int:
    from pywebpush import WebPushException, webpush

    try:
        webpush(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=message.as_json(),
            vapid_private_key=keys.private_key,
            vapid_claims={"sub": keys.subject},  # pywebpush adds "aud" and "exp" to this dict
            ttl=PUSH_TTL_SECONDS,
            timeout=PUSH_TIMEOUT,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            do_drop_expired_subscription(subscription, status)
            return 0
        _count_failure(subscription, f"answered {status}" if status else str(error).splitlines()[0])
        return 0
    except Exception as error:  # noqa: BLE001 - a push service's failure must never reach the request
        _count_failure(subscription, f"{type(error).__name__}: {error}")
        return 0
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=timezone.now(), failure_count=0
    )
    return 1


def _count_failure(subscription: PushSubscription, reason: str) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).update(failure_count=F("failure_count") + 1)
    log.warning(
        "web push to subscription %s (%s) failed: %s",
        subscription.pk,
        push_service_of(subscription.endpoint),
        reason[:300],
    )


def do_drop_expired_subscription(subscription: PushSubscription, status: int) -> None:
    """Delete a subscription its push service no longer knows (404/410: the browser unsubscribed, was
    reset or uninstalled the app). Audited in its tenant, as the system."""
    with transaction.atomic():
        deleted, _ = PushSubscription.objects.filter(pk=subscription.pk).delete()
        if not deleted:
            return
        record(
            tenant=subscription.tenant,
            verb=FeedsVerb.PUSH_EXPIRED,
            actor=None,
            target=push_service_of(subscription.endpoint),
            before={"user_id": subscription.user_id, "push_service": push_service_of(subscription.endpoint)},
            after={"status": status},
        )
    log.info("web push subscription %s ended by its push service (%s)", subscription.pk, status)
