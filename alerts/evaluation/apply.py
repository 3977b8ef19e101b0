"""Turn a rule's findings into alerts: raise new ones, update or escalate live ones, resolve cleared ones.

Findings are few (one per slice and window) even when the frames hold millions of cells, so this layer
works row by row; the cell-level work happened in pandas. Everything runs in the caller's transaction,
with the rule's live alerts locked, so concurrent evaluations cannot double-raise.
"""

import math
from dataclasses import dataclass, field

import pandas as pd
from django.utils import timezone

from feeds.actions import do_create_system_item
from feeds.models import FeedItem, Visibility
from sopsocial.audit.actions import record
from sopsocial.subjects.models import Subject

from ..kinds import KINDS
from ..models import LIVE_STATUSES, SEVERITY_RANK, Alert, AlertStatus, AlertSubject
from ..verbs import AlertsVerb

ESCALATE_FACTOR = 1.25  # a live alert whose magnitude grows by a quarter is raised again (re-opened)
DIM_PREFIX = {"product_id": "p", "customer_id": "c", "facility_id": "f", "order_id": "o", "resource_id": "r"}


@dataclass
class Context:
    """What the loader knows about the slice it evaluated, for keys, subjects, words and links."""

    subjects: dict  # dim -> {id: subject_id}
    names: dict  # dim -> {id: display name}
    in_slice: object  # callable(key) -> bool: was this slice evaluated (so may be resolved)?
    version_subject_id: int | None = None
    first_week: object = None
    link: object = None  # callable(row) -> url or ""
    stats: dict = field(default_factory=lambda: {"raised": 0, "updated": 0, "escalated": 0, "resolved": 0})


def _clean(value):
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def key_for(kind, row):
    parts = []
    for dim in KINDS[kind].dims:
        value = _clean(row.get(dim))
        if value is not None:
            parts.append(f"{DIM_PREFIX[dim]}{int(value)}")
    return ".".join(parts)


def parse_key(key):
    out = {}
    for part in key.split("."):
        for dim, prefix in DIM_PREFIX.items():
            if part.startswith(prefix) and part[len(prefix) :].isdigit():
                out[dim] = int(part[len(prefix) :])
    return out


def _week_label(day, first_week):
    if day is None:
        return ""
    offset = (pd.Timestamp(day) - pd.Timestamp(first_week)).days // 7 if first_week is not None else None
    prefix = f"W+{offset} " if offset is not None and offset >= 0 else ""
    return f"{prefix}(w/c {pd.Timestamp(day):%d %b})"


def _fmt(value):
    if value is None:
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    return f"{value:,.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:,.1f}"


def describe(rule, row, ctx):
    """(title, summary) in the words a planner uses."""
    names = {dim: ctx.names.get(dim, {}).get(_clean(row.get(dim))) for dim in DIM_PREFIX}
    what = " · ".join(n for n in (names["product_id"], names["customer_id"], names["facility_id"]) if n)
    if names["resource_id"]:
        what = " · ".join(n for n in (names["resource_id"], names["facility_id"]) if n)
    if names["order_id"]:
        what = " · ".join(n for n in (names["order_id"], names["customer_id"], names["product_id"]) if n)
    start, end = _clean(row.get("start")), _clean(row.get("end"))
    when = _week_label(start, ctx.first_week)
    if end and end != start:
        when = f"{when} to {_week_label(end, ctx.first_week)}"
    value, reference, pct = (
        _clean(row.get("value")),
        _clean(row.get("reference")),
        _clean(row.get("change_pct")),
    )
    pct_text = "" if pct is None else (" (from zero)" if math.isinf(pct) else f", {pct:+,.0f}%")
    summaries = {
        "demand_change": f"{_fmt(value)} vs {_fmt(reference)}{pct_text}",
        "stock_below_safety": f"projected {_fmt(value)} below safety stock {_fmt(reference)}",
        "stockout": f"projected {_fmt(value)}: stock-out",
        "excess": f"{_fmt(value)} days of supply, above {_fmt(reference)}",
        "capacity_overload": f"load {_fmt(value)} vs capacity {_fmt(reference)}{pct_text}",
        "forecast_accuracy": f"{rule.params.get('metric', 'mape').replace('_', ' ')} {_fmt(value)}, "
        f"beyond {_fmt(reference)}",
        "large_order": f"{_fmt(value)} vs typical {_fmt(reference)}{pct_text}",
        "new_order": f"new order, {_fmt(value)} cases",
    }
    title = f"{rule.name}: {what}" + (f", {when}" if when else "")
    return title[:300], summaries[rule.kind][:500]


def _subjects_of(row, ctx):
    ids = []
    for dim in ("order_id", "resource_id", "product_id", "customer_id", "facility_id"):
        value = _clean(row.get(dim))
        if value is not None and value in ctx.subjects.get(dim, {}):
            ids.append(ctx.subjects[dim][value])
    is_order_finding = _clean(row.get("order_id")) is not None
    if ctx.version_subject_id and not is_order_finding:  # plan findings also land on the plan version
        ids.append(ctx.version_subject_id)
    return list(dict.fromkeys(ids))


def _overlaps(alert, start, end):
    if alert.window_start is None or start is None:
        return True
    return alert.window_start <= end and start <= alert.window_end


def _announce(alert, *, audit_verb, subject_ids, before=None, after=None, feed_verb=None, text=""):
    """Audit what happened to the alert (naming every subject it concerns, so each trail shows it) and,
    for new, escalated or resolved alerts, put it in the feeds of everyone who follows those subjects."""
    subjects = {s.pk: s for s in Subject.objects.filter(pk__in=subject_ids)}
    primary = subjects.get(alert.subject_id) or alert.subject
    others = [s for pk, s in subjects.items() if pk != primary.pk]
    record(
        tenant=alert.tenant,
        verb=audit_verb,
        subject=primary,
        target=alert.title,
        before=before,
        after=after,
        related=others,
    )
    if feed_verb is None:
        return None
    return do_create_system_item(
        tenant=alert.tenant,
        subject=primary,
        tagged=others,
        actor=None,
        verb=feed_verb,
        text=text,
        kind=FeedItem.Kind.SYSTEM if feed_verb == "alert.resolved" else FeedItem.Kind.ALERT,
        # internal unless the rule is marked visible to partners: then the partners with whom the
        # alert's main subject is shared receive it too (fan-out and feed reads check the share)
        visibility=Visibility.PARTNERS if alert.rule.visible_to_partners else Visibility.INTERNAL,
        data={
            "alert_id": alert.pk,
            "severity": alert.severity,
            "status": alert.status,
            "summary": alert.summary,
            "rule": alert.rule.name,
            "url": alert.get_absolute_url(),
            "link": alert.link,
        },
    )


def apply_findings(rule, findings, ctx):
    now = timezone.now()
    kind = KINDS[rule.kind]
    live = list(Alert.objects.select_for_update().filter(rule=rule, status__in=LIVE_STATUSES))
    live_by_key = {}
    for alert in live:
        live_by_key.setdefault(alert.key, []).append(alert)
    matched = set()
    for row in findings.to_dict("records"):
        key = key_for(rule.kind, row)
        subject_ids = _subjects_of(row, ctx)
        if not key or not subject_ids:
            continue
        start = _clean(row.get("start"))
        end = _clean(row.get("end"))
        start = start.date() if hasattr(start, "date") else start
        end = end.date() if hasattr(end, "date") else end
        title, summary = describe(rule, row, ctx)
        magnitude = float(_clean(row.get("magnitude")) or 0)
        numbers = {k: _clean(row.get(k)) for k in ("value", "reference", "change_pct", "weeks")}
        numbers = {k: (None if isinstance(v, float) and math.isinf(v) else v) for k, v in numbers.items()}
        numbers["magnitude"] = magnitude
        link = ctx.link(row) if ctx.link else ""
        existing = next(
            (a for a in live_by_key.get(key, []) if a.pk not in matched and _overlaps(a, start, end)), None
        )
        if existing is not None:
            matched.add(existing.pk)
            _update(
                existing, rule, title, summary, numbers, start, end, link, magnitude, subject_ids, now, ctx
            )
            continue
        if _manually_resolved_and_not_worse(rule, key, start, end, magnitude):
            continue
        alert = Alert.objects.create(
            tenant=rule.tenant,
            rule=rule,
            subject_id=subject_ids[0],
            key=key,
            window_start=start,
            window_end=end,
            status=AlertStatus.OPEN,
            severity=rule.severity,
            title=title,
            summary=summary,
            numbers=numbers,
            link=link,
        )
        AlertSubject.objects.bulk_create([AlertSubject(alert=alert, subject_id=s) for s in subject_ids])
        _announce(
            alert,
            audit_verb=AlertsVerb.RAISE,
            subject_ids=subject_ids,
            after={"summary": summary, "severity": alert.severity, "status": alert.status},
            feed_verb="alert.raised",
            text=f"**{title}**: {summary}",
        )
        ctx.stats["raised"] += 1
    if kind.code == "new_order":
        return ctx.stats  # an arrival is an event: it stays until people resolve it
    for alert in live:
        if alert.pk not in matched and ctx.in_slice(alert.key):
            _auto_resolve(alert, now, ctx)
    return ctx.stats


def _update(alert, rule, title, summary, numbers, start, end, link, magnitude, subject_ids, now, ctx):
    before = {"summary": alert.summary, "status": alert.status, "severity": alert.severity}
    old_magnitude = float(alert.numbers.get("magnitude") or 0)
    worse = magnitude > old_magnitude * ESCALATE_FACTOR and magnitude - old_magnitude > 1e-9
    more_severe = SEVERITY_RANK[rule.severity] > SEVERITY_RANK[alert.severity]
    changed = (alert.summary, alert.window_start, alert.window_end, alert.title) != (
        summary,
        start,
        end,
        title,
    )
    if not (worse or more_severe or changed):
        return
    alert.title, alert.summary, alert.numbers, alert.link = title, summary, numbers, link
    alert.window_start, alert.window_end, alert.severity = start, end, rule.severity
    escalate = worse or more_severe
    if escalate:
        alert.status, alert.snoozed_until, alert.escalated_at = AlertStatus.OPEN, None, now
        alert.times_escalated += 1
    alert.save()
    _announce(
        alert,
        audit_verb=AlertsVerb.ESCALATE if escalate else AlertsVerb.UPDATE,
        subject_ids=subject_ids,
        before=before,
        after={"summary": summary, "status": alert.status, "severity": alert.severity},
        feed_verb="alert.escalated" if escalate else None,
        text=f"**Escalated: {title}**: {summary}",
    )
    if escalate:
        ctx.stats["escalated"] += 1
    else:
        ctx.stats["updated"] += 1


def _auto_resolve(alert, now, ctx):
    alert.status, alert.resolved_at, alert.auto_resolved = AlertStatus.RESOLVED, now, True
    alert.resolution_note = "The condition cleared on re-evaluation."
    alert.save()
    _announce(
        alert,
        audit_verb=AlertsVerb.AUTO_RESOLVE,
        subject_ids=list(alert.subject_links.values_list("subject_id", flat=True)),
        before={"status": "open"},
        after={"status": "resolved"},
        feed_verb="alert.resolved",
        text=f"Resolved: {alert.title} (the condition cleared)",
    )
    ctx.stats["resolved"] += 1


def _manually_resolved_and_not_worse(rule, key, start, end, magnitude):
    """Someone resolved this very condition by hand: do not raise it again unless it got worse."""
    for alert in Alert.objects.filter(rule=rule, key=key, status=AlertStatus.RESOLVED, auto_resolved=False):
        if (
            _overlaps(alert, start, end)
            and magnitude <= float(alert.numbers.get("magnitude") or 0) * ESCALATE_FACTOR
        ):
            return True
    return False
