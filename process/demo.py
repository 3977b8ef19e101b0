"""The demo's S&OP process in motion (issue 15, "the demo lives"): teams with members, the current
cycle's calendar with owners, data gathering and demand review done, supply review under way with open
tasks (one overdue), and the executive meeting scheduled with its agenda and two decisions in the
register (`meeting_demo`). Idempotent: a cycle already in motion is left as it is.

Everything goes through the actions, as a person would through the pages: audited, followed, posted.
Dates are set from today, so a newcomer's first look at My work and the cycle always shows a process
under way, whatever day `make run` is typed. Northwind keeps its demand plan open after demand review
(late customer news goes straight into the draft, as in STORY.md): its demand review locks nothing;
the supply review locks the supply plan when it closes.
"""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.utils import timezone

from planning.models import Facility, Plan, PlanType
from sopsocial.tenancy.models import Membership, Team, Tenant

from . import meeting_demo
from .actions.cycles import (
    PhaseTemplateInput,
    check_close_phase,
    check_save_phase_template,
    check_start_phase,
    ensure_phase_templates,
)
from .actions.rescheduling import check_move_cycle, check_update_phase
from .actions.tasks import check_create_task
from .actions.teams import check_add_default_follows, check_add_team_member, check_create_team
from .models import PhaseStatus, SopCycle

# (name, handle, members, what a newcomer to the team follows from day one)
TEAMS = (
    ("Demand planning", "demand-planning", ("alex", "sam"), ("demand_plan",)),
    ("Supply planning", "supply-planning", ("priya", "dana"), ("supply_plan",)),
    ("Leeds depot team", "leeds-depot", ("dana",), ("leeds", "supply_plan")),
)
# phase key -> owner (a username, or "@handle" for a team)
OWNERS = {
    "data-gathering": "morgan",
    "demand-review": "@demand-planning",
    "supply-review": "priya",
    "pre-sop": "priya",
    "executive-sop": "sam",
}
# The supply review's open tasks: (title, assignee, due in days from today (< 0: overdue), checklist)
SUPPLY_TASKS = (
    ("Confirm Leeds line capacity for the next four weeks", "priya", 2, ("Line 2 maintenance dates",)),
    ("Check oat supply with Oatfield Mills", "dana", -2, ("Call Oatfield", "Update inbound plan")),
    ("Review safety stock at the depots", "@supply-planning", 4, ()),
)
# Supply review runs from two days ago to four days ahead: the calendar starts 13 days before today.
DAYS_INTO_CYCLE = 13


def _people(tenant: Tenant) -> dict[str, Membership]:
    members = Membership.objects.filter(tenant=tenant, is_active=True, partner__isnull=True)
    return {m.user.username: m for m in members.select_related("user", "tenant")}


def _teams(tenant: Tenant, people: dict[str, Membership], stdout: TextIO) -> dict[str, Team]:
    morgan = people["morgan"]
    subjects = {
        "demand_plan": Plan.objects.get(tenant=tenant, plan_type=PlanType.DEMAND).subject,
        "supply_plan": Plan.objects.get(tenant=tenant, plan_type=PlanType.SUPPLY).subject,
    }
    leeds = Facility.objects.filter(tenant=tenant, code="LEEDS").select_related("subject").first()
    if leeds is not None:
        subjects["leeds"] = leeds.subject
    teams = {}
    for name, handle, usernames, follows in TEAMS:
        team = Team.objects.filter(tenant=tenant, handle=handle).first()
        if team is None:
            team = check_create_team(morgan, name=name, handle=handle)
            defaults = [subjects[key] for key in follows if key in subjects]
            if defaults:
                check_add_default_follows(morgan, team, defaults)
            for username in usernames:
                if username in people:
                    check_add_team_member(morgan, team, people[username])
        teams[handle] = team
    stdout.write(f"Process: teams {', '.join(t.name for t in teams.values())}")
    return teams


def _owner(key: str, people: dict[str, Membership], teams: dict[str, Team]):
    return _owner_named(OWNERS.get(key, ""), people, teams)


def _owner_named(who: str, people: dict[str, Membership], teams: dict[str, Team]):
    if who.startswith("@"):
        return None, teams.get(who[1:])
    return people.get(who), None


def _template(tenant: Tenant, people: dict[str, Membership], teams: dict[str, Team]) -> None:
    """Owners for the cycles to come; Northwind's demand review leaves the demand plan open."""
    for t in ensure_phase_templates(tenant):
        owner_member, owner_team = _owner(t.key, people, teams)
        locks = "" if t.key == "demand-review" else t.locks_plan_type
        if (t.owner_member, t.owner_team, t.locks_plan_type) == (owner_member, owner_team, locks):
            continue
        check_save_phase_template(
            people["morgan"],
            t,
            PhaseTemplateInput(
                name=t.name,
                position=t.position,
                starts_offset_days=t.starts_offset_days,
                due_offset_days=t.due_offset_days,
                owner_member=owner_member,
                owner_team=owner_team,
                criteria=tuple(t.criteria),
                locks_plan_type=locks,
            ),
        )


def load(tenant: Tenant, stdout: TextIO, today: dt.date | None = None) -> None:
    people = _people(tenant)
    if not {"morgan", "priya", "sam", "alex", "dana"} <= set(people):
        stdout.write("Process: skipped (the demo's people are missing)")
        return
    today = today or timezone.localdate()
    teams = _teams(tenant, people, stdout)
    _template(tenant, people, teams)
    cycle = (
        SopCycle.objects.filter(tenant=tenant, plan_cycle__versions__isnull=False)
        .select_related("plan_cycle", "subject", "tenant")
        .order_by("-plan_cycle__month")
        .first()
    )
    if cycle is None:
        stdout.write("Process: no plan cycle to run (load the planning demo first)")
        return
    if cycle.phases.exclude(status=PhaseStatus.NOT_STARTED).exists():
        stdout.write(f"Process: {cycle} already in motion")
        return
    morgan, priya = people["morgan"], people["priya"]
    cycle = check_move_cycle(morgan, cycle, starts_on=today - dt.timedelta(days=DAYS_INTO_CYCLE))
    phases = {p.key: p for p in cycle.phases.select_related("subject", "tenant", "cycle__plan_cycle")}
    for key, phase in phases.items():
        owner_member, owner_team = _owner(key, people, teams)
        phases[key] = check_update_phase(
            morgan,
            phase,
            owner_member=owner_member,
            owner_team=owner_team,
            starts_on=phase.starts_on,
            due_on=phase.due_on,
            locks_plan_type="" if key == "demand-review" else None,  # as the template
        )
    for key in ("data-gathering", "demand-review"):
        if key in phases:
            check_start_phase(morgan, phases[key])
            check_close_phase(morgan, phases[key])
    supply = phases.get("supply-review")
    if supply is not None:
        check_start_phase(priya, supply)
        for title, who, due_in, checklist in (
            (
                "Confirm Leeds line capacity for the next four weeks",
                "priya",
                2,
                ("Line 2 maintenance dates",),
            ),
            ("Check oat supply with Oatfield Mills", "dana", -2, ("Call Oatfield", "Update inbound plan")),
            ("Review safety stock at the depots", "@supply-planning", 4, ()),
        ):
            assignee_member, assignee_team = (
                (None, teams.get(who[1:])) if who.startswith("@") else (people[who], None)
            )
            check_create_task(
                priya,
                title=title,
                assignee_member=assignee_member,
                assignee_team=assignee_team,
                due_on=today + dt.timedelta(days=due_in),
                phase=supply,
                checklist=checklist,
            )
    meeting_demo.load(cycle, phases.get("executive-sop"), stdout, today=today)
    stdout.write(
        f"Process: {cycle} in motion: data gathering and demand review done, supply review under way "
        "with 3 open tasks (1 overdue)"
    )
