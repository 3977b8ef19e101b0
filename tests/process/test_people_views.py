"""The person page and the team pages: what they show, who may open them, bad input, and a fixed
number of queries whatever the number of posts, teams or members."""

import pytest
from django.urls import reverse
from django.utils import timezone

from feeds.actions import check_create_post, do_follow
from feeds.models import Follow
from process.actions import teams as team_actions
from process.models import DecisionStatus, TaskStatus
from sopsocial.subjects.actions import do_share_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import PartnerFactory
from ..queries import assert_queries
from . import people as p
from .factories import make_decision, make_task

pytestmark = pytest.mark.django_db


def _url(name, m, **kwargs):
    return reverse(f"process:{name}", kwargs={"tenant_slug": m.tenant.slug, **kwargs})


def _person_url(viewer, person):
    return _url("person", viewer, membership_id=person.pk)


@pytest.fixture
def admin(tenant):
    return p.person(tenant, username="morgan", first_name="Morgan", role="admin")


@pytest.fixture
def priya(tenant):
    return p.person(
        tenant, username="priya", first_name="Priya", title="Demand planner", department="Planning"
    )


def test_a_new_persons_page_says_what_will_appear_there(client, tenant, admin, priya):
    client.force_login(admin.user)
    page = client.get(_person_url(admin, priya)).content.decode()
    assert "Priya" in page and "Demand planner" in page and "Planning" in page
    assert "Not in a team yet." in page and "No posts you can see yet." in page
    assert "No decisions owned yet." in page and "No completed tasks yet." in page
    assert "Follow</button>" in page


def test_the_person_page_shows_teams_posts_decisions_and_completed_tasks(client, tenant, admin, priya):
    p.team(tenant, members=[priya])
    contoso = p.subject(tenant)
    check_create_post(priya, subject=contoso, body="Contoso promo moved to week 50")
    make_decision(tenant, question="Build ahead of the promotion?", owner=priya, status=DecisionStatus.OPEN)
    make_task(
        tenant,
        title="Check the Leeds forecast",
        status=TaskStatus.DONE,
        completed_by=priya.user,
        completed_at=timezone.now(),
    )
    make_task(tenant, title="Still open", status=TaskStatus.OPEN)
    client.force_login(admin.user)
    page = client.get(_person_url(admin, priya)).content.decode()
    assert "Demand planning" in page
    assert "Contoso promo moved to week 50" in page
    assert "Build ahead of the promotion?" in page
    assert "Check the Leeds forecast" in page and "Still open" not in page


def test_following_from_the_person_page(client, tenant, admin, priya):
    client.force_login(admin.user)
    follow = reverse("feeds:follow", kwargs={"tenant_slug": tenant.slug, "subject_id": priya.subject_id})
    assert client.post(follow).status_code == 302
    assert Follow.objects.filter(user=admin.user, subject=priya.subject).exists()
    assert "Following ✓" in client.get(_person_url(admin, priya)).content.decode()


def test_your_own_page_shows_which_follows_came_from_your_teams(client, tenant, admin, priya):
    contoso, leeds = p.subject(tenant), p.subject(tenant, "Leeds depot", "facility")
    team = p.team(tenant)
    team_actions.check_add_default_follows(admin, team, [contoso, leeds])
    team_actions.check_add_team_member(admin, team, priya)
    Follow.objects.filter(user=priya.user, subject=leeds).delete()
    client.force_login(priya.user)
    page = client.get(_person_url(priya, priya)).content.decode()
    assert "Follows from your teams" in page and "Demand planning" in page
    assert 'Unfollow <span class="visually-hidden">Contoso Retail' in page
    assert 'Follow again <span class="visually-hidden">Leeds depot' in page


@pytest.mark.parametrize("n", [1, 6])
def test_the_person_page_costs_the_same_queries_whatever_they_did(client, tenant, admin, priya, n):
    contoso = p.subject(tenant)
    for i in range(n):
        check_create_post(priya, subject=contoso, body=f"Update {i}")
        make_decision(tenant, question=f"Decision {i}", owner=priya)
        make_task(
            tenant,
            title=f"Task {i}",
            status=TaskStatus.DONE,
            completed_by=priya.user,
            completed_at=timezone.now(),
        )
        p.team(tenant, name=f"Team {i}", handle=f"team-{i}", members=[priya])
    client.force_login(admin.user)
    # The guard and the frame, the person, then one query per section (teams, posts, decisions, tasks)
    # and two for the follow button: the same for one of each as for six.
    with assert_queries(PERSON_PAGE_QUERIES):
        response = client.get(_person_url(admin, priya))
    assert response.status_code == 200 and response.content.decode().count("Update ") == n


PERSON_PAGE_QUERIES = 15  # with the My work count in the menu


def test_a_partner_user_sees_their_colleagues_page_but_not_staff_pages(client, tenant, admin, priya):
    partner = PartnerFactory(tenant=tenant)
    driver = p.person(tenant, role="viewer", partner=partner)
    colleague = p.person(tenant, first_name="Colin", role="viewer", partner=partner)
    internal_post_subject = p.subject(tenant, "SO-1001", "sales_order")
    do_share_subject(admin, internal_post_subject, partner)
    check_create_post(colleague, subject=internal_post_subject, body="Truck booked")
    check_create_post(admin, subject=internal_post_subject, body="Internal margin talk")
    client.force_login(driver.user)
    assert client.get(_person_url(driver, priya)).status_code == 404
    page = client.get(_person_url(driver, colleague))
    assert page.status_code == 200 and "Truck booked" in page.content.decode()
    assert client.get(_person_url(driver, admin)).status_code == 404
    assert client.get(_url("teams", driver)).status_code == 404


@pytest.mark.parametrize("n", [1, 5])
def test_the_team_list_costs_the_same_queries_whatever_the_number_of_teams(client, tenant, admin, n):
    for i in range(n):
        members = [p.person(tenant) for _ in range(2)]
        p.team(tenant, name=f"Team {i}", handle=f"team-{i}", members=members)
    client.force_login(admin.user)
    with assert_queries(TEAM_LIST_QUERIES):
        response = client.get(_url("teams", admin))
    assert response.status_code == 200 and response.content.decode().count("@team-") == n


TEAM_LIST_QUERIES = 10  # with the My work count in the menu


def test_no_teams_yet_invites_an_admin_to_create_one(client, tenant, admin):
    client.force_login(admin.user)
    page = client.get(_url("teams", admin)).content.decode()
    assert "No teams yet." in page and "New team" in page


@pytest.mark.parametrize("n", [1, 5])
def test_the_team_page_costs_the_same_queries_whatever_its_size(client, tenant, admin, n):
    team = p.team(tenant)
    defaults = [p.subject(tenant, f"Customer {i}") for i in range(n)]
    team_actions.check_add_default_follows(admin, team, defaults)
    for _ in range(n):
        team_actions.check_add_team_member(admin, team, p.person(tenant))
    client.force_login(admin.user)
    with assert_queries(TEAM_PAGE_QUERIES):
        response = client.get(_url("team", admin, team_id=team.pk))
    page = response.content.decode()
    assert response.status_code == 200 and page.count('aria-label="follows"') == n * n


TEAM_PAGE_QUERIES = 13  # with the My work count in the menu


def test_an_admin_creates_a_team_from_the_form_and_bad_input_is_shown_on_its_field(client, tenant, admin):
    client.force_login(admin.user)
    bad = client.post(_url("team_create", admin), {"name": "Demand planning", "handle": "Not a handle"})
    assert bad.status_code == 422 and "lower-case letters" in bad.content.decode()
    assert not Team.objects.exists()
    good = client.post(_url("team_create", admin), {"name": "Demand planning", "handle": ""})
    team = Team.objects.get()
    assert good.status_code == 302 and good["Location"] == _url("team", admin, team_id=team.pk)
    assert team.handle == "demand-planning"


def test_planners_may_look_at_teams_but_not_change_them(client, tenant, admin, priya):
    team = p.team(tenant)
    client.force_login(priya.user)
    assert client.get(_url("team", priya, team_id=team.pk)).status_code == 200
    assert client.get(_url("team_create", priya)).status_code == 403
    assert (
        client.post(_url("team_member_add", priya, team_id=team.pk), {"member": priya.pk}).status_code == 403
    )
    assert not TeamMembership.objects.exists()


def test_adding_members_and_default_follows_from_the_team_page(client, tenant, admin, priya):
    team = p.team(tenant)
    contoso = p.subject(tenant)
    client.force_login(admin.user)
    response = client.post(_url("team_follows_add", admin, team_id=team.pk), {"tagged": [str(contoso.pk)]})
    assert response.status_code == 302
    client.post(_url("team_member_add", admin, team_id=team.pk), {"member": priya.pk})
    assert Follow.objects.filter(user=priya.user, subject=contoso).exists()
    page = client.get(_url("team", admin, team_id=team.pk)).content.decode()
    assert "Priya" in page and "Contoso Retail" in page


@pytest.mark.parametrize(
    ("route", "data", "says"),
    [
        ("team_member_add", {"member": "abc"}, "Choose someone to add."),
        ("team_member_add", {"member": "999999"}, "Choose an active member"),
        ("team_follows_add", {}, "Choose at least one thing"),
        ("team_follows_add", {"tagged": ["x"]}, "Choose things of this workspace."),
        ("team_follows_add", {"tagged": ["999999"]}, "Choose things of this workspace."),
    ],
)
def test_bad_picks_answer_422_with_the_reason(client, tenant, admin, route, data, says):
    team = p.team(tenant)
    client.force_login(admin.user)
    response = client.post(_url(route, admin, team_id=team.pk), data)
    assert response.status_code == 422 and says in response.content.decode()


def test_removing_and_deleting_from_the_pages(client, tenant, admin, priya):
    contoso = p.subject(tenant)
    team = p.team(tenant, members=[priya])
    team_actions.check_add_default_follows(admin, team, [contoso])
    client.force_login(admin.user)
    client.post(_url("team_follow_remove", admin, team_id=team.pk, subject_id=contoso.pk))
    client.post(_url("team_member_remove", admin, team_id=team.pk, membership_id=priya.pk))
    assert not team.default_follows.exists() and not team.memberships.exists()
    response = client.post(_url("team_delete", admin, team_id=team.pk))
    assert response.status_code == 302 and not Team.objects.exists()


def test_the_people_list_links_to_each_persons_page(client, tenant, admin, priya):
    client.force_login(admin.user)
    page = client.get(reverse("tenancy:people", kwargs={"tenant_slug": tenant.slug})).content.decode()
    assert f'href="{_person_url(admin, priya)}"' in page


def test_a_follow_brings_the_persons_posts_even_those_written_before(client, tenant, admin, priya):
    contoso = p.subject(tenant)
    check_create_post(priya, subject=contoso, body="Before anyone followed")
    do_follow(admin, priya.subject)
    client.force_login(admin.user)
    home = client.get(reverse("feeds:home", kwargs={"tenant_slug": tenant.slug})).content.decode()
    assert "Before anyone followed" in home
