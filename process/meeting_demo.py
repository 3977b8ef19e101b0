"""The demo's meeting and decisions (issue 15, "the demo lives"): called by the process demo once its
cycle and phases exist. Idempotent: a cycle that already has a meeting is left as it is.

Two decisions go in the register (one taken, one open and due by the meeting, so it is on the agenda),
then Priya schedules the executive meeting with Sam, Alex, Dana and Morgan; its agenda is built from
what needs a decision at that moment (versions to approve, open high alerts, overdue tasks, the open
decision). Everything goes through the actions: audited, followed, posted and notified like the pages.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TextIO

from django.utils import timezone

from sopsocial.tenancy.models import Membership

from .actions.decisions import DecisionInput, check_decide, check_record_decision
from .actions.meetings import MeetingDetails, check_schedule_meeting
from .models import CyclePhase, Meeting, SopCycle

ATTENDEES = ("sam", "alex", "dana", "morgan")


def _people(cycle: SopCycle) -> dict[str, Membership]:
    members = Membership.objects.filter(tenant=cycle.tenant, is_active=True, partner__isnull=True)
    return {m.user.username: m for m in members.select_related("user", "tenant")}


def load(
    cycle: SopCycle, phase: CyclePhase | None, stdout: TextIO, today: dt.date | None = None
) -> Meeting | None:
    """The meeting of `phase` (the executive S&OP, usually) and two decisions; None when already there
    or when the demo's people (priya, sam) are missing."""
    if cycle.meetings.exists():
        stdout.write("Meetings: the cycle already has its meeting")
        return None
    people = _people(cycle)
    priya, sam = people.get("priya"), people.get("sam")
    if priya is None or sam is None:
        stdout.write("Meetings: skipped (the demo's people are missing)")
        return None
    today = today or timezone.localdate()
    day = max(phase.due_on if phase is not None else today, today + dt.timedelta(days=1))
    taken = check_record_decision(
        sam,
        DecisionInput(
            question="Do we build stock ahead of the Contoso promotion?",
            options=("Build two weeks ahead at Leeds", "Ship from Leeds as planned"),
            rationale="Leeds runs at 95% in week 50; building early keeps the promotion in stock.",
            owner=people.get("dana", priya),
            due_on=today,
            expected_kpi="fill rate",
            expected_direction="up",
            expected_size=Decimal("3"),
            expected_unit="%",
            horizon_weeks=6,
            cycle=cycle,
        ),
    )
    check_decide(sam, taken, choice="Build two weeks ahead at Leeds")
    check_record_decision(
        priya,
        DecisionInput(
            question="Extend the York promotion by two weeks?",
            options=("Extend", "End as planned"),
            owner=sam,
            due_on=day,
            expected_kpi="forecast accuracy",
            expected_direction="hold",
            cycle=cycle,
        ),
    )
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    meeting = check_schedule_meeting(
        priya,
        cycle=cycle,
        phase=phase,
        details=MeetingDetails(
            title="Executive S&OP",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=1, minutes=30),
            location="Board room / video call",
            attendees=tuple(people[u] for u in ATTENDEES if u in people),
        ),
    )
    stdout.write(
        f"Meetings: “{meeting.title}” scheduled with {meeting.agenda.count()} agenda items; 2 decisions"
    )
    return meeting
