"""Teams: create, change, delete; add and remove members; default follows (onboarding by team).

A person added to a team starts following the team's default follows (through feeds' auto-follow, so
someone who turned auto-follow off is left alone) and may unfollow any of them; a default follow added
to a team is followed by its current members at once. Leaving a team or dropping a default keeps the
follows people already have: they unfollow what they no longer want. A partner user in a team follows
only those defaults that are shared with their partner. Every write needs `Perm.MANAGE_PEOPLE` and is
audited (`team.*`); membership changes are on the person's subject, default follows on the subject.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from feeds.actions import do_auto_follow_many
from sopsocial.audit.actions import changed_fields, record
from sopsocial.subjects.models import Subject, SubjectShare
from sopsocial.subjects.selectors import can_see_subject
from sopsocial.tenancy.models import Membership, Team, TeamMembership
from sopsocial.tenancy.policy import Perm, require

from ..models import CyclePhase, PhaseStatus, PhaseTemplate, Task, TeamDefaultFollow
from ..models.tasks import OPEN_TASK_STATUSES
from ..verbs import ProcessVerb

MAX_NAME = 100
MAX_HANDLE = 50
MAX_DESCRIPTION = 300
MAX_DEFAULT_FOLLOWS = 50
HANDLE_RE = re.compile(r"^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$")


def _clean_team(
    member: Membership, *, name: str, handle: str, description: str, team: Team | None = None
) -> tuple[str, str, str]:
    """(name, handle, description) cleaned, or a ValidationError naming each bad field. The handle is
    what follows @ in a mention: lower-case letters, digits, - and _, unique in the tenant and never a
    member's username (the person would win the mention)."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    handle = (handle or "").strip().lstrip("@").lower() or slugify(name)[:MAX_HANDLE].strip("-_")
    description = (description or "").strip()
    if not name:
        errors["name"] = "Give the team a name."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Keep the name to {MAX_NAME} characters."
    elif "\x00" in name:
        errors["name"] = "The name contains a NUL character; remove it."
    if not handle:
        errors["handle"] = "Give the team a handle, e.g. demand-planning."
    elif len(handle) > MAX_HANDLE:
        errors["handle"] = f"Keep the handle to {MAX_HANDLE} characters."
    elif not HANDLE_RE.match(handle):
        errors["handle"] = (
            "Use lower-case letters, digits, - and _ (starting and ending with a letter or digit)."
        )
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"Keep the description to {MAX_DESCRIPTION} characters."
    elif "\x00" in description:
        errors["description"] = "The description contains a NUL character; remove it."
    others = Team.objects.filter(tenant=member.tenant)
    if team is not None:
        others = others.exclude(pk=team.pk)
    if "name" not in errors and others.filter(name__iexact=name).exists():
        errors["name"] = f"A team called “{name}” already exists."
    if "handle" not in errors:
        if others.filter(handle__iexact=handle).exists():
            errors["handle"] = f"@{handle} is already another team's handle."
        elif Membership.objects.filter(tenant=member.tenant, user__username__iexact=handle).exists():
            errors["handle"] = f"@{handle} is someone's username: choose another handle."
    if errors:
        raise ValidationError(errors)
    return name, handle, description


def check_create_team(member: Membership, *, name: str, handle: str = "", description: str = "") -> Team:
    require(member, Perm.MANAGE_PEOPLE, "create teams")
    name, handle, description = _clean_team(member, name=name, handle=handle, description=description)
    return do_create_team(member, name=name, handle=handle, description=description)


def _unique_clash(error: IntegrityError) -> ValidationError:
    # A concurrent create or rename took the name or handle between the check and the write.
    return ValidationError({"name": "A team with this name or handle was just made. Choose another."})


def do_create_team(member: Membership, *, name: str, handle: str, description: str = "") -> Team:
    """Write the team; audited `team.create`."""
    try:
        with transaction.atomic():
            team = Team.objects.create(
                tenant=member.tenant, name=name, handle=handle, description=description
            )
            record(
                tenant=member.tenant,
                actor=member.user,
                verb=ProcessVerb.TEAM_CREATE,
                target=name,
                after={"name": name, "handle": handle, "description": description},
            )
    except IntegrityError as error:
        raise _unique_clash(error) from None
    return team


def check_update_team(
    member: Membership, team: Team, *, name: str, handle: str = "", description: str = ""
) -> Team:
    require(member, Perm.MANAGE_PEOPLE, "change teams")
    name, handle, description = _clean_team(
        member, name=name, handle=handle, description=description, team=team
    )
    return do_update_team(member, team, name=name, handle=handle, description=description)


def do_update_team(member: Membership, team: Team, *, name: str, handle: str, description: str) -> Team:
    """Change the team's name, handle or description; audited `team.update` (old -> new). Posts that
    mentioned the old handle keep their link (it points at the team, not the handle)."""
    fields = ("name", "handle", "description")
    new = {"name": name, "handle": handle, "description": description}
    before, after = changed_fields(team, fields, new)
    if not after:
        return team
    try:
        with transaction.atomic():
            for key, value in after.items():
                setattr(team, key, value)
            team.save(update_fields=list(after))
            record(
                tenant=member.tenant,
                actor=member.user,
                verb=ProcessVerb.TEAM_UPDATE,
                target=team.name,
                before=before,
                after=after,
            )
    except IntegrityError as error:
        for key, value in before.items():
            setattr(team, key, value)
        raise _unique_clash(error) from None
    return team


def check_delete_team(member: Membership, team: Team) -> None:
    """Refuse while the team has work: open tasks given to it, or phases (of a cycle or of the cycle
    template) it owns. Deleting it would leave them with nobody, unnoticed."""
    require(member, Perm.MANAGE_PEOPLE, "delete teams")
    open_tasks = Task.objects.filter(assignee_team=team, status__in=OPEN_TASK_STATUSES).count()
    phases = CyclePhase.objects.filter(owner_team=team).exclude(status=PhaseStatus.DONE).count()
    phases += PhaseTemplate.objects.filter(owner_team=team).count()
    if open_tasks or phases:
        work = " and ".join(
            w
            for w in (
                f"{open_tasks} open task{'s' if open_tasks != 1 else ''}" if open_tasks else "",
                f"{phases} phase{'s' if phases != 1 else ''}" if phases else "",
            )
            if w
        )
        raise ValidationError({"team": f"{team.name} still has {work}: give them to someone else first."})
    do_delete_team(member, team)


@transaction.atomic
def do_delete_team(member: Membership, team: Team) -> None:
    """Delete the team, its memberships and default follows (people keep what they follow; finished
    tasks and phases it had lose their team). Audited `team.delete` with who was in it."""
    people = sorted(m.display_name for m in team.members.select_related("user"))
    defaults = sorted(
        Subject.objects.filter(pk__in=team.default_follows.values("subject_id")).values_list(
            "title", flat=True
        )
    )
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=ProcessVerb.TEAM_DELETE,
        target=team.name,
        before={"name": team.name, "handle": team.handle, "members": people, "default follows": defaults},
    )
    team.delete()


def _followable_by(person: Membership, subjects: Iterable[Subject]) -> list[Subject]:
    """The subjects `person` may see and so follow: all for staff, the shared ones for a partner user."""
    subjects = list(subjects)
    if not person.is_external or not subjects:
        return subjects
    shared = set(
        SubjectShare.objects.filter(
            subject_id__in=[s.pk for s in subjects],
            partner_id=person.partner_id,  # type: ignore[misc]  # external: partner_id is set
        ).values_list("subject_id", flat=True)
    )
    return [s for s in subjects if s.pk in shared]


def check_add_team_member(member: Membership, team: Team, person: Membership) -> bool:
    require(member, Perm.MANAGE_PEOPLE, "change who is in a team")
    if person.tenant_id != member.tenant_id or team.tenant_id != member.tenant_id or not person.is_active:
        raise ValidationError({"member": "Choose an active member of this workspace."})
    return do_add_team_member(member, team, person)


def do_add_team_member(member: Membership, team: Team, person: Membership) -> bool:
    """Put `person` in the team and have them follow its default follows they may see (auto-follow,
    so their own preference is respected). Audited `team.join` on the person. Returns False when they
    were already in it (nothing written)."""
    with transaction.atomic():
        _, created = TeamMembership.objects.get_or_create(
            team=team, member=person, defaults={"tenant_id": team.tenant_id}
        )
        if not created:
            return False
        defaults = Subject.objects.filter(pk__in=team.default_follows.values("subject_id"))
        to_follow = _followable_by(person, defaults)
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEAM_JOIN,
            subject=person.subject,
            target=f"{person.display_name} in {team.name}",
            after={"team": team.name, "member": person.display_name, "follows": [s.title for s in to_follow]},
        )
        do_auto_follow_many(tenant=member.tenant, pairs=[(person.user, s) for s in to_follow])
    return True


def check_remove_team_member(member: Membership, team: Team, person: Membership) -> bool:
    require(member, Perm.MANAGE_PEOPLE, "change who is in a team")
    return do_remove_team_member(member, team, person)


@transaction.atomic
def do_remove_team_member(member: Membership, team: Team, person: Membership) -> bool:
    """Take `person` off the team (they keep what they follow). Audited `team.leave` on the person.
    Returns False when they were not in it."""
    deleted, _ = TeamMembership.objects.filter(team=team, member=person).delete()
    if not deleted:
        return False
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=ProcessVerb.TEAM_LEAVE,
        subject=person.subject,
        target=f"{person.display_name} from {team.name}",
        before={"team": team.name, "member": person.display_name},
    )
    return True


def check_add_default_follows(member: Membership, team: Team, subjects: Sequence[Subject]) -> int:
    """Validate subjects chosen for the team's default follows (the member's tenant's, at most
    MAX_DEFAULT_FOLLOWS in all) and add them. Returns how many were new."""
    require(member, Perm.MANAGE_PEOPLE, "change a team's default follows")
    if not subjects:
        raise ValidationError({"subjects": "Choose at least one thing to follow."})
    if any(not isinstance(s, Subject) or not can_see_subject(member, s) for s in subjects):
        raise ValidationError({"subjects": "Choose things of this workspace."})
    existing = set(team.default_follows.values_list("subject_id", flat=True))
    new = {s.pk: s for s in subjects if s.pk not in existing}
    if len(existing) + len(new) > MAX_DEFAULT_FOLLOWS:
        raise ValidationError(
            {"subjects": f"A team follows at most {MAX_DEFAULT_FOLLOWS} things by default."}
        )
    return do_add_default_follows(member, team, list(new.values()))


def do_add_default_follows(member: Membership, team: Team, subjects: Sequence[Subject]) -> int:
    """Add default follows; every active member of the team follows them now (those they may see, by
    their auto-follow preference). Audited `team.default_follows` once, naming the subjects as related
    (each one's trail shows it). Returns how many were new."""
    if not subjects:
        return 0
    with transaction.atomic():
        TeamDefaultFollow.objects.bulk_create(
            [TeamDefaultFollow(tenant_id=team.tenant_id, team=team, subject=s) for s in subjects],
            ignore_conflicts=True,
        )
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEAM_DEFAULT_FOLLOWS,
            subject=subjects[0] if len(subjects) == 1 else None,
            related=subjects if len(subjects) > 1 else (),
            target=team.name,
            after={"added": [s.title for s in subjects]},
        )
        people = team.members.filter(is_active=True).select_related("user", "partner")
        pairs = [(p.user, s) for p in people for s in _followable_by(p, subjects)]
        do_auto_follow_many(tenant=member.tenant, pairs=pairs)
    return len(subjects)


def check_remove_default_follow(member: Membership, team: Team, subject: Subject) -> bool:
    require(member, Perm.MANAGE_PEOPLE, "change a team's default follows")
    return do_remove_default_follow(member, team, subject)


@transaction.atomic
def do_remove_default_follow(member: Membership, team: Team, subject: Subject) -> bool:
    """Stop giving newcomers this follow (members keep it). Audited `team.default_follows` on the
    subject. Returns False when it was not a default."""
    deleted, _ = TeamDefaultFollow.objects.filter(team=team, subject=subject).delete()
    if not deleted:
        return False
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=ProcessVerb.TEAM_DEFAULT_FOLLOWS,
        subject=subject,
        target=team.name,
        before={"removed": subject.title},
    )
    return True
