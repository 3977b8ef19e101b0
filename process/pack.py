"""The meeting pack: each agenda item with the numbers behind it, for the printable page and the PDF.

A plan version shows its weekly totals against the version it is compared with (the one it was copied
from, else the last frozen one) as a table and a server-side SVG chart; an alert its summary and
numbers; a task its assignee, due date and status; a decision its options, owner and due date. Links
are absolute (`absolute(path)`) so they work from a printed or mailed PDF. Reads only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.urls import Resolver404, resolve
from django.utils.safestring import SafeString

from alerts.models import Alert
from planning import selectors as plan_selectors
from planning.charts import line_chart
from planning.models import PlanVersion
from planning.weeks import label as week_label

from .models import AgendaItem, Decision, Meeting, Task


@dataclass(frozen=True)
class PackItem:
    item: AgendaItem
    url: str  # absolute link back to the thing
    facts: list[tuple[str, str]] = field(default_factory=list)
    table: list[tuple[str, str, str, str]] = field(default_factory=list)  # week, this, previous, delta
    chart: SafeString | None = None


def _fmt(value: float) -> str:
    return f"{value:,.0f}"


def _weekly_totals(frame: Any) -> dict[dt.date, float]:
    """{week: total qty} of a plan frame (its weeks come back as timestamps)."""
    sums = frame.groupby("week")["qty"].sum()
    return {pd.Timestamp(week).date(): float(qty) for week, qty in sums.items()}


def _version_numbers(version: PlanVersion) -> tuple[list[tuple[str, str]], list[Any], SafeString]:
    previous = plan_selectors.previous_version(version)
    frame = plan_selectors.demand_frame if version.is_demand else plan_selectors.supply_frame
    weeks = plan_selectors.version_weeks(version)
    current = _weekly_totals(frame(version))
    before = _weekly_totals(frame(previous)) if previous is not None else None

    def at(totals: dict[dt.date, float] | None, week: dt.date) -> float | None:
        return None if totals is None else totals.get(week, 0.0)

    rows = [(w, at(current, w) or 0.0, at(before, w)) for w in weeks]
    total = sum(r[1] for r in rows)
    facts = [("Status", version.get_status_display()), ("Total", _fmt(total))]
    if previous is not None:
        total_prev = sum(r[2] or 0.0 for r in rows)
        delta = total - total_prev
        pct = f" ({delta / total_prev * 100:+.1f}%)" if total_prev else ""
        facts += [
            ("Compared with", previous.subject.title),
            ("Total before", _fmt(total_prev)),
            ("Change", f"{delta:+,.0f}{pct}"),
        ]
    else:
        facts.append(("Compared with", "nothing yet: this is the plan's first version"))
    table = [
        (
            week_label(w),
            _fmt(qty),
            _fmt(prev) if prev is not None else "–",
            f"{qty - prev:+,.0f}" if prev is not None else "–",
        )
        for w, qty, prev in rows
        if qty or prev
    ]
    series = [(f"v{version.number}", [r[1] for r in rows])]
    if previous is not None:
        series.append((f"v{previous.number} (before)", [r[2] for r in rows]))
    chart = line_chart(
        [week_label(w) for w in weeks], series, title=f"{version.subject.title}: weekly totals", height=200
    )
    return facts, table, chart


def _alert_id(link: str) -> int | None:
    try:
        match = resolve(link)
    except Resolver404:
        return None
    return match.kwargs.get("alert_id") if match.view_name == "alerts:alert" else None


def pack_for(meeting: Meeting, absolute: Callable[[str], str]) -> list[PackItem]:
    """Every agenda item of the meeting, in order, with its numbers. Queries: one per kind present,
    plus two frames (this version and its previous) per plan version on the agenda."""
    items = list(meeting.agenda.select_related("subject"))
    subject_ids = {
        kind: [i.subject_id for i in items if i.kind == kind and i.subject_id] for kind in AgendaItem.Kind
    }
    versions = (
        {
            v.subject_id: v
            for v in PlanVersion.objects.filter(
                tenant_id=meeting.tenant_id, subject_id__in=subject_ids[AgendaItem.Kind.VERSION]
            ).select_related("plan", "cycle", "subject", "tenant")
        }
        if subject_ids[AgendaItem.Kind.VERSION]
        else {}
    )
    alert_ids = {i.pk: _alert_id(i.link) for i in items if i.kind == AgendaItem.Kind.ALERT}
    alerts = (
        {
            a.pk: a
            for a in Alert.objects.filter(
                tenant_id=meeting.tenant_id, pk__in=[a for a in alert_ids.values() if a]
            )
        }
        if any(alert_ids.values())
        else {}
    )
    tasks = (
        {
            t.subject_id: t
            for t in Task.objects.filter(
                tenant_id=meeting.tenant_id, subject_id__in=subject_ids[AgendaItem.Kind.TASK]
            ).select_related("assignee_member__user", "assignee_team")
        }
        if subject_ids[AgendaItem.Kind.TASK]
        else {}
    )
    decisions = (
        {
            d.subject_id: d
            for d in Decision.objects.filter(
                tenant_id=meeting.tenant_id, subject_id__in=subject_ids[AgendaItem.Kind.DECISION]
            ).select_related("owner__user")
        }
        if subject_ids[AgendaItem.Kind.DECISION]
        else {}
    )

    pack = []
    for item in items:
        link = item.link or (item.subject.url if item.subject else "")
        url = absolute(link) if link else ""
        facts: list[tuple[str, str]] = []
        table: list[Any] = []
        chart = None
        if item.kind == AgendaItem.Kind.VERSION and item.subject_id in versions:
            facts, table, chart = _version_numbers(versions[item.subject_id])
        elif item.kind == AgendaItem.Kind.ALERT and (alert := alerts.get(alert_ids.get(item.pk) or 0)):
            facts = [
                ("Severity", alert.get_severity_display()),
                ("Status", alert.get_status_display()),
                ("Numbers", alert.summary),
            ]
            facts += [(str(k).replace("_", " "), str(v)) for k, v in (alert.numbers or {}).items()][:12]
        elif item.kind == AgendaItem.Kind.TASK and item.subject_id in tasks:
            task = tasks[item.subject_id]
            who = (
                task.assignee_member.display_name
                if task.assignee_member
                else (f"@{task.assignee_team.handle}" if task.assignee_team else "nobody")
            )
            facts = [
                ("Assignee", who),
                ("Due", f"{task.due_on:%d %b %Y}" if task.due_on else "–"),
                ("Status", task.get_status_display()),
            ]
        elif item.kind == AgendaItem.Kind.DECISION and item.subject_id in decisions:
            decision = decisions[item.subject_id]
            facts = [
                ("Owner", decision.owner.display_name if decision.owner else "nobody yet"),
                ("Due", f"{decision.due_on:%d %b %Y}" if decision.due_on else "–"),
                ("Options", "; ".join(decision.options) or "–"),
            ]
        if item.note:
            facts.append(("Note", item.note))
        pack.append(PackItem(item=item, url=url, facts=facts, table=table, chart=chart))
    return pack
