"""Meetings of a cycle: schedule, change, cancel, keep minutes, build and edit the agenda, close.

Who: members holding `Perm.RUN_CYCLE` (planners and admins). Every write is audited on the meeting's
subject in its own transaction. Attendees follow the meeting (so its feed items reach them live) and
get a bell when asked to it; closing posts the minutes and the decisions taken on the CYCLE's feed,
tagged with the meeting, and sends the attendees a bell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from feeds.actions import do_auto_follow_many, do_create_system_item, notify_users
from feeds.models import Notification
from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.models import Membership
from sopsocial.tenancy.policy import Perm, require

from ..agenda import AgendaCandidate, agenda_candidates
from ..models import AgendaItem, CyclePhase, DecisionStatus, Meeting, MeetingAttendee, MeetingStatus, SopCycle
from ..verbs import ProcessVerb

MAX_TITLE = 200
MAX_LOCATION = 200
MAX_ATTENDEES = 100
MAX_AGENDA_TITLE = 300
MAX_MINUTES = 50_000
MAX_NOTE = 5_000


@dataclass(frozen=True)
class MeetingDetails:
    """What a meeting form (or the API) gives: the same for scheduling and for changing a meeting."""

    title: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    location: str = ""
    attendees: Sequence[Membership] = field(default_factory=tuple)


def refuse_nul(**texts: str) -> None:
    """PostgreSQL text cannot hold NUL: refuse it, naming the field, before anything is written."""
    bad = {
        name: "Text cannot contain NUL characters." for name, text in texts.items() if "\x00" in (text or "")
    }
    if bad:
        raise ValidationError(bad)


def require_run_cycle(member: Membership, doing: str) -> None:
    if member.is_external:
        raise PermissionDenied(f"Partner users may not {doing}.")
    require(member, Perm.RUN_CYCLE, doing=doing)


def _require_scheduled(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError(
            {"status": f"This meeting is {meeting.get_status_display().lower()}: it can no longer change."}
        )


def _lock_scheduled(meeting: Meeting) -> Meeting:
    """The meeting row locked for this transaction, refused unless still scheduled: two people
    editing at once queue here, and nobody changes a meeting closed meanwhile."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("tenant", "subject", "cycle__subject", "phase__subject")
        .get(pk=meeting.pk)
    )
    _require_scheduled(locked)
    return locked


def _clean_details(member: Membership, details: MeetingDetails) -> MeetingDetails:
    refuse_nul(title=details.title, location=details.location)
    errors: dict[str, str] = {}
    title = (details.title or "").strip()
    if not title:
        errors["title"] = "A meeting needs a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"At most {MAX_TITLE} characters."
    if details.starts_at is None:
        errors["starts_at"] = "When does it start?"
    if details.ends_at is None:
        errors["ends_at"] = "When does it end?"
    elif details.starts_at is not None and details.ends_at <= details.starts_at:
        errors["ends_at"] = "It must end after it starts."
    location = (details.location or "").strip()
    if len(location) > MAX_LOCATION:
        errors["location"] = f"At most {MAX_LOCATION} characters."
    attendees = list({m.pk: m for m in details.attendees}.values())
    if len(attendees) > MAX_ATTENDEES:
        errors["attendees"] = f"At most {MAX_ATTENDEES} attendees."
    if any(m.tenant_id != member.tenant_id or not m.is_active or m.is_external for m in attendees):
        errors["attendees"] = "Attendees are active people of this workspace (not partners)."
    if errors:
        raise ValidationError(errors)
    return MeetingDetails(title, details.starts_at, details.ends_at, location, tuple(attendees))


def _times(details: MeetingDetails) -> tuple[dt.datetime, dt.datetime]:
    """The checked start and end (`_clean_details` refuses details without them)."""
    if details.starts_at is None or details.ends_at is None:
        raise ValueError("a meeting's details are cleaned before they are written")
    return details.starts_at, details.ends_at


def _when(meeting: Meeting) -> str:
    start = timezone.localtime(meeting.starts_at)
    where = f" ({meeting.location})" if meeting.location else ""
    return f"{start:%a %d %b %Y %H:%M}{where}"


def _follow_and_invite(
    member: Membership, meeting: Meeting, people: Sequence[Membership], text: str, verb: str
) -> None:
    """New attendees (and the organiser) follow the meeting; a feed item on it; attendees get a bell."""
    users = list(User.objects.filter(pk__in={m.user_id for m in people} | {member.user_id}))
    do_auto_follow_many(tenant=meeting.tenant, pairs=[(u, meeting.subject) for u in users])
    item = do_create_system_item(
        tenant=meeting.tenant,
        subject=meeting.subject,
        tagged=[meeting.cycle.subject],
        actor=member.user,
        verb=verb,
        text=text,
    )
    notify_users(item, [m.user_id for m in people], Notification.Verb.MEETING, member.user)


def check_schedule_meeting(
    member: Membership, *, cycle: SopCycle, phase: CyclePhase | None, details: MeetingDetails
) -> Meeting:
    """Validate (the cycle and phase must be the member's tenant's, the phase the cycle's) and schedule."""
    require_run_cycle(member, "schedule meetings")
    errors: dict[str, str] = {}
    if cycle.tenant_id != member.tenant_id:
        errors["cycle"] = "Not found."
    if phase is not None and phase.cycle_id != cycle.pk:
        errors["phase"] = "That phase is not in this cycle."
    try:
        details = _clean_details(member, details)
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return do_schedule_meeting(member, cycle=cycle, phase=phase, details=details)


def do_schedule_meeting(
    member: Membership,
    *,
    cycle: SopCycle,
    phase: CyclePhase | None,
    details: MeetingDetails,
    today: dt.date | None = None,
) -> Meeting:
    """Write the meeting, its subject (under its phase, else its cycle), attendees and first agenda
    (built from what needs a decision); audit `meeting.schedule`; attendees and organiser follow it; a
    feed item on it (tagged with the cycle); attendees get a bell ("asked you to a meeting")."""
    with transaction.atomic():
        meeting = save_with_subject(
            Meeting(
                tenant=member.tenant,
                cycle=cycle,
                phase=phase,
                title=details.title,
                starts_at=_times(details)[0],
                ends_at=_times(details)[1],
                location=details.location,
                organiser=member,
            )
        )
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(tenant=member.tenant, meeting=meeting, member=m) for m in details.attendees]
        )
        added = _add_candidates(meeting, agenda_candidates(meeting, today))
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_SCHEDULE,
            subject=meeting.subject,
            related=[cycle.subject, phase.subject if phase else None],
            target=meeting.title,
            after={
                "title": meeting.title,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "location": meeting.location,
                "attendees": sorted(m.display_name for m in details.attendees),
                "agenda": [i.title for i in added],
            },
        )
        _follow_and_invite(
            member,
            meeting,
            details.attendees,
            f"Meeting scheduled: {meeting.title}, {_when(meeting)}",
            "meeting.schedule",
        )
    return meeting


def check_update_meeting(member: Membership, meeting: Meeting, details: MeetingDetails) -> Meeting:
    require_run_cycle(member, "change meetings")
    _require_scheduled(meeting)
    return do_update_meeting(member, meeting, _clean_details(member, details))


def _attendee_names(meeting: Meeting) -> list[str]:
    return sorted(m.display_name for m in meeting.attendees.select_related("user"))


def do_update_meeting(member: Membership, meeting: Meeting, details: MeetingDetails) -> Meeting:
    """Change the title, times, place and attendees; audit `meeting.update` (old -> new); people added
    follow it and get a bell; everyone following sees a feed item when the time or place moved."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "cycle__subject")
            .get(pk=meeting.pk)
        )
        _require_scheduled(meeting)
        before = {
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
            "attendees": _attendee_names(meeting),
        }
        current = set(meeting.attendee_links.values_list("member_id", flat=True))
        wanted = {m.pk: m for m in details.attendees}
        meeting.title, meeting.location = details.title, details.location
        meeting.starts_at, meeting.ends_at = _times(details)
        save_with_subject(meeting)
        meeting.attendee_links.exclude(member_id__in=list(wanted)).delete()
        new_people = [m for pk, m in wanted.items() if pk not in current]
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(tenant=meeting.tenant, meeting=meeting, member=m) for m in new_people]
        )
        after = {
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "location": meeting.location,
            "attendees": _attendee_names(meeting),
        }
        changed = [k for k in before if before[k] != after[k]]
        if not changed:
            return meeting
        record(
            tenant=meeting.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_UPDATE,
            subject=meeting.subject,
            target=meeting.title,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
        moved = any(k in changed for k in ("starts_at", "ends_at", "location"))
        if moved:
            do_create_system_item(
                tenant=meeting.tenant,
                subject=meeting.subject,
                actor=member.user,
                verb="meeting.update",
                text=f"Meeting moved: {meeting.title}, now {_when(meeting)}",
            )
        if new_people:
            _follow_and_invite(
                member,
                meeting,
                new_people,
                f"Added to {meeting.title}, {_when(meeting)}: "
                + ", ".join(m.display_name for m in new_people),
                "meeting.invite",
            )
    return meeting


def check_cancel_meeting(member: Membership, meeting: Meeting, reason: str = "") -> Meeting:
    require_run_cycle(member, "cancel meetings")
    _require_scheduled(meeting)
    refuse_nul(reason=reason)
    reason = (reason or "").strip()
    if len(reason) > MAX_NOTE:
        raise ValidationError({"reason": f"At most {MAX_NOTE} characters."})
    return do_cancel_meeting(member, meeting, reason)


def do_cancel_meeting(member: Membership, meeting: Meeting, reason: str = "") -> Meeting:
    """Mark it cancelled (audited `meeting.cancel` with the reason); its followers see a feed item."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject")
            .get(pk=meeting.pk)
        )
        _require_scheduled(meeting)
        meeting.status = MeetingStatus.CANCELLED
        meeting.save(update_fields=["status"])
        record(
            tenant=meeting.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_CANCEL,
            subject=meeting.subject,
            target=meeting.title,
            before={"status": MeetingStatus.SCHEDULED},
            after={"status": MeetingStatus.CANCELLED, **({"reason": reason} if reason else {})},
        )
        do_create_system_item(
            tenant=meeting.tenant,
            subject=meeting.subject,
            actor=member.user,
            verb="meeting.cancel",
            text=f"Meeting cancelled: {meeting.title}" + (f". {reason}" if reason else ""),
        )
    return meeting


def check_save_minutes(member: Membership, meeting: Meeting, minutes: str) -> Meeting:
    require_run_cycle(member, "keep the minutes")
    _require_scheduled(meeting)
    refuse_nul(minutes=minutes)
    minutes = (minutes or "").strip()
    if len(minutes) > MAX_MINUTES:
        raise ValidationError({"minutes": f"At most {MAX_MINUTES} characters."})
    return do_save_minutes(member, meeting, minutes)


def do_save_minutes(member: Membership, meeting: Meeting, minutes: str) -> Meeting:
    """Keep the minutes as typed so far (audited `meeting.update`); nothing is posted until closing."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject")
            .get(pk=meeting.pk)
        )
        _require_scheduled(meeting)
        if meeting.minutes == minutes:
            return meeting
        old, meeting.minutes = meeting.minutes, minutes
        meeting.save(update_fields=["minutes"])
        record(
            tenant=meeting.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_UPDATE,
            subject=meeting.subject,
            target=meeting.title,
            before={"minutes": old[:2000]},
            after={"minutes": minutes[:2000]},
        )
    return meeting


# --- the agenda ----------------------------------------------------------------------------------------


def _add_candidates(meeting: Meeting, candidates: Sequence[AgendaCandidate]) -> list[AgendaItem]:
    """Append the candidates the agenda does not hold yet (by link); nothing already there is touched."""
    held = set(meeting.agenda.exclude(link="").values_list("link", flat=True))
    start = (meeting.agenda.aggregate(last=Max("position"))["last"] or 0) + 1
    rows: list[AgendaItem] = []
    for c in candidates:
        if c.link in held:
            continue
        held.add(c.link)
        rows.append(
            AgendaItem(
                tenant_id=meeting.tenant_id,
                meeting=meeting,
                position=start + len(rows),
                kind=c.kind,
                title=c.title[:MAX_AGENDA_TITLE],
                subject=c.subject,
                link=c.link,
            )
        )
    return AgendaItem.objects.bulk_create(rows)


def _record_agenda(member: Membership, meeting: Meeting, change: str, **values: object) -> None:
    record(
        tenant=meeting.tenant,
        actor=member.user,
        verb=ProcessVerb.MEETING_AGENDA,
        subject=meeting.subject,
        target=f"{meeting.title}: {change}",
        after=values,
    )


def check_refresh_agenda(
    member: Membership, meeting: Meeting, today: dt.date | None = None
) -> list[AgendaItem]:
    require_run_cycle(member, "change the agenda")
    _require_scheduled(meeting)
    return do_refresh_agenda(member, meeting, today)


def do_refresh_agenda(member: Membership, meeting: Meeting, today: dt.date | None = None) -> list[AgendaItem]:
    """Add what needs a decision now and is not on the agenda yet; items already there (edited, moved)
    stay as they are. Audited `meeting.agenda` when something was added. Returns the new items."""
    with transaction.atomic():
        meeting = _lock_scheduled(meeting)
        added = _add_candidates(meeting, agenda_candidates(meeting, today))
        if added:
            _record_agenda(member, meeting, "refreshed", added=[i.title for i in added])
    return added


def _clean_item_text(title: str, note: str, outcome: str = "") -> tuple[str, str, str]:
    refuse_nul(title=title, note=note, outcome=outcome)
    errors: dict[str, str] = {}
    title, note, outcome = (title or "").strip(), (note or "").strip(), (outcome or "").strip()
    if not title:
        errors["title"] = "An agenda item needs a title."
    elif len(title) > MAX_AGENDA_TITLE:
        errors["title"] = f"At most {MAX_AGENDA_TITLE} characters."
    if len(note) > MAX_NOTE:
        errors["note"] = f"At most {MAX_NOTE} characters."
    if len(outcome) > MAX_NOTE:
        errors["outcome"] = f"At most {MAX_NOTE} characters."
    if errors:
        raise ValidationError(errors)
    return title, note, outcome


def check_add_agenda_item(member: Membership, meeting: Meeting, *, title: str, note: str = "") -> AgendaItem:
    """An "other" item, at the end of the agenda."""
    require_run_cycle(member, "change the agenda")
    _require_scheduled(meeting)
    title, note, _ = _clean_item_text(title, note)
    with transaction.atomic():
        meeting = _lock_scheduled(meeting)
        last = meeting.agenda.aggregate(last=Max("position"))["last"] or 0
        item = AgendaItem.objects.create(
            tenant=meeting.tenant,
            meeting=meeting,
            position=last + 1,
            kind=AgendaItem.Kind.OTHER,
            title=title,
            note=note,
        )
        _record_agenda(member, meeting, "item added", added=title)
    return item


def check_update_agenda_item(
    member: Membership, meeting: Meeting, item: AgendaItem, *, title: str, note: str, outcome: str
) -> AgendaItem:
    """Edit an item's title, note and outcome (an edited item is never replaced by a refresh)."""
    require_run_cycle(member, "change the agenda")
    _require_scheduled(meeting)
    title, note, outcome = _clean_item_text(title, note, outcome)
    with transaction.atomic():
        meeting = _lock_scheduled(meeting)
        found = AgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=meeting).first()
        if found is None:  # removed meanwhile
            raise ValidationError({"item": "This item is no longer on the agenda."})
        item = found
        before = {"title": item.title, "note": item.note, "outcome": item.outcome}
        item.title, item.note, item.outcome = title, note, outcome
        after = {"title": title, "note": note, "outcome": outcome}
        if before == after:
            return item
        item.save(update_fields=["title", "note", "outcome"])
        record(
            tenant=meeting.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_AGENDA,
            subject=meeting.subject,
            target=f"{meeting.title}: item changed",
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return item


def check_move_agenda_item(member: Membership, meeting: Meeting, item: AgendaItem, direction: str) -> None:
    """Swap the item with its neighbour above ("up") or below ("down"); at an end nothing moves."""
    require_run_cycle(member, "change the agenda")
    _require_scheduled(meeting)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move up or down."})
    with transaction.atomic():
        meeting = _lock_scheduled(meeting)
        items = list(
            AgendaItem.objects.select_for_update().filter(meeting=meeting).order_by("position", "id")
        )
        index = next((i for i, it in enumerate(items) if it.pk == item.pk), None)
        if index is None:
            raise ValidationError({"item": "Not on this agenda."})
        other = index - 1 if direction == "up" else index + 1
        if not 0 <= other < len(items):
            return
        items[index], items[other] = items[other], items[index]
        for position, it in enumerate(items, start=1):
            it.position = position
        AgendaItem.objects.bulk_update(items, ["position"])
        _record_agenda(
            member, meeting, f"moved {direction}", moved=item.title, order=[it.title for it in items]
        )


def check_remove_agenda_item(member: Membership, meeting: Meeting, item: AgendaItem) -> None:
    require_run_cycle(member, "change the agenda")
    _require_scheduled(meeting)
    with transaction.atomic():
        meeting = _lock_scheduled(meeting)
        deleted, _ = AgendaItem.objects.filter(pk=item.pk, meeting=meeting).delete()
        if deleted:
            _record_agenda(member, meeting, "item removed", removed=item.title)


# --- closing -------------------------------------------------------------------------------------------


def check_close_meeting(member: Membership, meeting: Meeting, minutes: str | None = None) -> Meeting:
    """Close with the minutes given (None: those saved so far)."""
    require_run_cycle(member, "close meetings")
    _require_scheduled(meeting)
    if minutes is not None:
        refuse_nul(minutes=minutes)
        minutes = minutes.strip()
        if len(minutes) > MAX_MINUTES:
            raise ValidationError({"minutes": f"At most {MAX_MINUTES} characters."})
    return do_close_meeting(member, meeting, minutes)


def minutes_text(meeting: Meeting) -> str:
    """What the cycle's feed receives: the minutes, each agenda item's outcome and the decisions taken."""
    lines = [f"**Minutes of {meeting.title}** ({_when(meeting)})", ""]
    if meeting.minutes:
        lines += [meeting.minutes, ""]
    outcomes = [i for i in meeting.agenda.all() if i.outcome]
    if outcomes:
        lines.append("Agenda:")
        lines += [f"- {i.title}: {i.outcome}" for i in outcomes]
        lines.append("")
    decisions = list(meeting.decisions.exclude(status=DecisionStatus.CANCELLED).select_related("owner__user"))
    if decisions:
        lines.append("Decisions:")
        for d in decisions:
            choice = f" → {d.choice}" if d.status == DecisionStatus.DECIDED and d.choice else " (still open)"
            owner = f" (owner {d.owner.display_name})" if d.owner else ""
            lines.append(f"- {d.question}{choice}{owner}")
    else:
        lines.append("No decisions were recorded.")
    return "\n".join(lines).strip()


def do_close_meeting(member: Membership, meeting: Meeting, minutes: str | None = None) -> Meeting:
    """Close: audited `meeting.close`; the minutes and decisions taken are posted on the cycle's feed
    (tagged with the meeting and its phase, so their followers see it too); attendees get a bell."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "cycle__subject", "phase__subject")
            .get(pk=meeting.pk)
        )
        _require_scheduled(meeting)
        meeting.status = MeetingStatus.CLOSED
        if minutes is not None:
            meeting.minutes = minutes
        meeting.closed_at, meeting.closed_by = timezone.now(), member.user
        meeting.save(update_fields=["status", "minutes", "closed_at", "closed_by"])
        text = minutes_text(meeting)
        record(
            tenant=meeting.tenant,
            actor=member.user,
            verb=ProcessVerb.MEETING_CLOSE,
            subject=meeting.subject,
            related=[meeting.cycle.subject],
            target=meeting.title,
            before={"status": MeetingStatus.SCHEDULED},
            after={"status": MeetingStatus.CLOSED, "minutes": meeting.minutes[:2000]},
        )
        item = do_create_system_item(
            tenant=meeting.tenant,
            subject=meeting.cycle.subject,
            tagged=[s for s in (meeting.subject, meeting.phase.subject if meeting.phase else None) if s],
            actor=member.user,
            verb="meeting.close",
            text=text,
            data={"meeting": meeting.pk},
        )
        attendees = list(meeting.attendee_links.values_list("member__user_id", flat=True))
        notify_users(item, attendees, Notification.Verb.MINUTES, member.user)
    return meeting
