"""People and teams: a person's page (follow them), the team list and page, team create/edit/delete,
members in and out, default follows (onboarding by team). Thin: access, then an action or a selector."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sopsocial.api.errors import add_form_errors, messages_by_field
from sopsocial.pages.params import ascii_int, ascii_ints
from sopsocial.subjects.access import access_subject
from sopsocial.subjects.selectors import visible_subjects
from sopsocial.tenancy.access import access_membership, access_person, access_team, tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import people_selectors
from ..actions import teams as team_actions
from ..people_forms import TeamForm

UNPROCESSABLE = 422


@tenant_view(allow_external=True)
def person(request, member, membership_id):
    """Someone's page: who they are, their teams, follow them, and what they posted, own and did."""
    person = access_person(member, membership_id)
    page = people_selectors.person_page(member, person)
    own = person.pk == member.pk
    from_teams = people_selectors.follows_from_teams(member) if own and not member.is_external else []
    return render(
        request,
        "process/person.html",
        {"page": page, "person": person, "subject": person.subject, "own": own, "from_teams": from_teams},
    )


@tenant_view
def teams(request, member):
    return render(
        request,
        "process/teams.html",
        {
            "teams": people_selectors.teams_of(member.tenant_id),
            "my_team_ids": set(member.team_memberships.values_list("team_id", flat=True)),
        },
    )


def _team_form_page(request, member, team=None):
    if request.method == "POST":
        form = TeamForm(request.POST)
        if form.is_valid():
            try:
                if team is None:
                    team = team_actions.check_create_team(member, **form.cleaned_data)
                    messages.success(
                        request, f"Team “{team.name}” created. Add its members and default follows."
                    )
                else:
                    team = team_actions.check_update_team(member, team, **form.cleaned_data)
                    messages.success(request, f"Team “{team.name}” saved.")
                return redirect("process:team", tenant_slug=member.tenant.slug, team_id=team.pk)
            except ValidationError as error:
                add_form_errors(form, error)
        status = UNPROCESSABLE
    else:
        initial = {"name": team.name, "handle": team.handle, "description": team.description} if team else {}
        form, status = TeamForm(initial=initial), 200
    return render(request, "process/team_form.html", {"form": form, "team": team}, status=status)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
def team_create(request, member):
    return _team_form_page(request, member)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
def team_edit(request, member, team_id):
    return _team_form_page(request, member, access_team(member, team_id))


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def team_delete(request, member, team_id):
    team = access_team(member, team_id)
    try:
        team_actions.check_delete_team(member, team)
    except ValidationError as error:
        return _team_page(request, member, team, messages_by_field(error), status=UNPROCESSABLE)
    messages.success(request, f"Team “{team.name}” deleted. Its members keep what they follow.")
    return redirect("process:teams", tenant_slug=member.tenant.slug)


@tenant_view
def team(request, member, team_id):
    team = access_team(member, team_id)
    return _team_page(request, member, team)


def _team_page(request, member, team, errors=None, status=200):
    return render(
        request,
        "process/team.html",
        {
            "page": people_selectors.team_page(team),
            "team": team,
            "errors": errors or {},
            "can_manage": can(member, Perm.MANAGE_PEOPLE),
        },
        status=status,
    )


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def team_member_add(request, member, team_id):
    team = access_team(member, team_id)
    person_id = ascii_int(request.POST.get("member", ""))
    try:
        if person_id is None:
            raise ValidationError({"member": "Choose someone to add."})
        try:
            person = access_membership(member, person_id)
        except Http404:
            raise ValidationError({"member": "Choose an active member of this workspace."}) from None
        if team_actions.check_add_team_member(member, team, person):
            messages.success(
                request, f"{person.display_name} joined {team.name} and follows its default follows."
            )
    except ValidationError as error:
        return _team_page(request, member, team, messages_by_field(error), status=UNPROCESSABLE)
    return redirect("process:team", tenant_slug=member.tenant.slug, team_id=team.pk)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def team_member_remove(request, member, team_id, membership_id):
    team = access_team(member, team_id)
    person = access_membership(member, membership_id)
    if team_actions.check_remove_team_member(member, team, person):
        messages.success(request, f"{person.display_name} left {team.name}. They keep what they follow.")
    return redirect("process:team", tenant_slug=member.tenant.slug, team_id=team.pk)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def team_follows_add(request, member, team_id):
    """Add default follows picked with the subject search (checkboxes named `tagged`, like the post
    composer's tags)."""
    team = access_team(member, team_id)
    raw = request.POST.getlist("tagged")
    ids = set(ascii_ints(raw))
    subjects = list(visible_subjects(member).filter(pk__in=ids)) if ids else []
    try:
        if len(ids) != len(set(raw)) or len(subjects) != len(ids):
            raise ValidationError({"subjects": "Choose things of this workspace."})
        added = team_actions.check_add_default_follows(member, team, subjects)
        if added:
            messages.success(
                request, f"{team.name} follows {added} more thing{'s' if added != 1 else ''} by default."
            )
    except ValidationError as error:
        return _team_page(request, member, team, messages_by_field(error), status=UNPROCESSABLE)
    return redirect("process:team", tenant_slug=member.tenant.slug, team_id=team.pk)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def team_follow_remove(request, member, team_id, subject_id):
    team = access_team(member, team_id)
    subject = access_subject(member, subject_id)
    if team_actions.check_remove_default_follow(member, team, subject):
        messages.success(
            request, f"Newcomers to {team.name} no longer follow {subject.title}; members keep it."
        )
    return redirect("process:team", tenant_slug=member.tenant.slug, team_id=team.pk)
