"""Teams: create, change, delete (validated, audited, admins only); members in and out; onboarding by
team: a newcomer follows the team's default follows (and may drop any), a new default is followed by
the current members, a partner user only follows what is shared with their partner."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.actions import do_save_preferences, do_unfollow
from feeds.models import Follow
from process.actions import teams as actions
from process.models import TeamDefaultFollow
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import do_share_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import PartnerFactory, TenantFactory
from . import people as p

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(tenant):
    return p.person(tenant, username="morgan", role="admin")


def _follows(m):
    return set(Follow.objects.filter(user=m.user).values_list("subject__title", flat=True))


def test_an_admin_creates_a_team_whose_handle_is_made_from_its_name_and_audited(admin):
    team = actions.check_create_team(admin, name="  Leeds depot team ", description="Pick, pack, ship")
    assert (team.name, team.handle, team.description) == (
        "Leeds depot team",
        "leeds-depot-team",
        "Pick, pack, ship",
    )
    event = AuditEvent.objects.get(verb="team.create")
    assert event.after["handle"] == "leeds-depot-team" and event.actor == admin.user


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"name": ""}, "name", "Give the team a name"),
        ({"name": "x" * 101}, "name", "100 characters"),
        ({"name": "Demand", "handle": "Demand Planning!"}, "handle", "lower-case letters"),
        ({"name": "Demand", "handle": "-bad"}, "handle", "lower-case letters"),
        ({"name": "Demand", "handle": "morgan"}, "handle", "someone's username"),
        ({"name": "Demand planning"}, "name", "already exists"),
        ({"name": "Other", "handle": "DEMAND-PLANNING"}, "handle", "another team's handle"),
        ({"name": "Other", "description": "a\x00b"}, "description", "NUL"),
    ],
)
def test_bad_team_input_names_the_field_and_writes_nothing(admin, fields, field, says):
    p.team(admin.tenant)
    before = (Team.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        actions.check_create_team(admin, **fields)
    assert says in " ".join(error.value.message_dict[field])
    assert (Team.objects.count(), AuditEvent.objects.count()) == before


def test_only_people_managers_change_teams(tenant, admin):
    planner = p.person(tenant, role="planner")
    team = p.team(tenant)
    with pytest.raises(PermissionDenied):
        actions.check_create_team(planner, name="Rogue")
    with pytest.raises(PermissionDenied):
        actions.check_add_team_member(planner, team, planner)
    with pytest.raises(PermissionDenied):
        actions.check_delete_team(planner, team)


def test_renaming_a_team_audits_old_and_new_and_a_same_name_save_writes_nothing(admin):
    team = p.team(admin.tenant)
    actions.check_update_team(admin, team, name="Demand planning", handle="demand")
    event = AuditEvent.objects.get(verb="team.update")
    assert event.before == {"handle": "demand-planning"} and event.after == {"handle": "demand"}
    actions.check_update_team(admin, team, name="Demand planning", handle="demand")
    assert AuditEvent.objects.filter(verb="team.update").count() == 1


def test_a_newcomer_follows_the_teams_defaults_and_can_drop_any(tenant, admin):
    contoso, leeds = p.subject(tenant, "Contoso Retail"), p.subject(tenant, "Leeds depot", "facility")
    team = p.team(tenant)
    actions.check_add_default_follows(admin, team, [contoso, leeds])
    newcomer = p.person(tenant, username="nora", role="planner")
    assert actions.check_add_team_member(admin, team, newcomer) is True
    assert _follows(newcomer) == {"Contoso Retail", "Leeds depot"}
    join = AuditEvent.objects.get(verb="team.join")
    assert join.subject_id == newcomer.subject_id and sorted(join.after["follows"]) == [
        "Contoso Retail",
        "Leeds depot",
    ]
    do_unfollow(newcomer, leeds)
    assert _follows(newcomer) == {"Contoso Retail"}
    assert actions.check_add_team_member(admin, team, newcomer) is False  # already in: nothing re-followed
    assert _follows(newcomer) == {"Contoso Retail"}


def test_a_new_default_follow_reaches_the_current_members_who_keep_auto_follow_on(tenant, admin):
    alex, quiet = p.person(tenant), p.person(tenant)
    do_save_preferences(quiet, in_app=True, email_immediate=False, email_digest=False, auto_follow=False)
    team = p.team(tenant, members=[alex, quiet])
    plan = p.subject(tenant, "Demand plan Dec 2026", "plan")
    assert actions.check_add_default_follows(admin, team, [plan]) == 1
    assert _follows(alex) == {"Demand plan Dec 2026"} and _follows(quiet) == set()
    assert AuditEvent.objects.get(verb="team.default_follows").subject_id == plan.pk


def test_a_partner_user_in_a_team_follows_only_defaults_shared_with_their_partner(tenant, admin):
    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    driver = p.person(tenant, role="viewer", partner=partner)
    shared, internal = (
        p.subject(tenant, "SO-1001", "sales_order"),
        p.subject(tenant, "Margin review", "topic"),
    )
    do_share_subject(admin, shared, partner)
    do_unfollow(driver, shared)  # sharing made them follow it; start from nothing
    team = p.team(tenant, name="Leeds depot team", handle="leeds")
    actions.check_add_default_follows(admin, team, [shared, internal])
    actions.check_add_team_member(admin, team, driver)
    assert _follows(driver) == {"SO-1001"}


def test_default_follows_must_be_of_the_tenant(tenant, admin):
    team = p.team(tenant)
    elsewhere = p.subject(TenantFactory(), "Their customer")
    with pytest.raises(ValidationError) as error:
        actions.check_add_default_follows(admin, team, [elsewhere])
    assert "subjects" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.check_add_default_follows(admin, team, [])
    assert not TeamDefaultFollow.objects.exists()


def test_a_member_from_another_tenant_cannot_join(tenant, admin):
    team = p.team(tenant)
    stranger = p.person(TenantFactory())
    with pytest.raises(ValidationError) as error:
        actions.check_add_team_member(admin, team, stranger)
    assert "member" in error.value.message_dict
    assert not TeamMembership.objects.exists()


def test_leaving_a_team_is_audited_on_the_person_and_keeps_their_follows(tenant, admin):
    contoso = p.subject(tenant)
    team = p.team(tenant)
    actions.check_add_default_follows(admin, team, [contoso])
    alex = p.person(tenant)
    actions.check_add_team_member(admin, team, alex)
    assert actions.check_remove_team_member(admin, team, alex) is True
    assert AuditEvent.objects.get(verb="team.leave").subject_id == alex.subject_id
    assert _follows(alex) == {"Contoso Retail"}
    assert actions.check_remove_team_member(admin, team, alex) is False


def test_removing_a_default_keeps_members_follows_and_deleting_a_team_audits_who_was_in_it(tenant, admin):
    contoso = p.subject(tenant)
    alex = p.person(tenant, first_name="Alex")
    team = p.team(tenant, members=[alex])
    actions.check_add_default_follows(admin, team, [contoso])
    assert actions.check_remove_default_follow(admin, team, contoso) is True
    assert _follows(alex) == {"Contoso Retail"}
    actions.check_delete_team(admin, team)
    event = AuditEvent.objects.get(verb="team.delete")
    assert event.before["members"] == [alex.display_name]
    assert not Team.objects.exists() and _follows(alex) == {"Contoso Retail"}


def test_a_team_with_open_work_is_not_deleted_until_it_is_handed_on(tenant, admin, client):
    from django.urls import reverse

    from ..process.factories import make_task

    team = p.team(tenant)
    task = make_task(tenant, title="Review Leeds capacity", assignee_team=team)
    with pytest.raises(ValidationError) as error:
        actions.check_delete_team(admin, team)
    assert "1 open task" in error.value.message_dict["team"][0]
    client.force_login(admin.user)
    url = reverse("process:team_delete", kwargs={"tenant_slug": tenant.slug, "team_id": team.pk})
    response = client.post(url)
    assert response.status_code == 422 and "give them to someone else first" in response.content.decode()
    task.status = "done"
    task.save()
    actions.check_delete_team(admin, team)
    assert not Team.objects.exists()
