"""@team mentions: every active member of the tenant's team is told (bell, e-mail by preference, the
post in their feed as a mention), the handle becomes a link to the team page, no other tenant's team of
the same handle is reached, a partner user only when they may read the post, and teams are offered by
the mention autocomplete to staff."""

import pytest
from django.core import mail
from django.urls import reverse

from feeds import actions
from feeds.models import InboxEntry, Mention, Notification
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import TenantFactory, UserFactory
from . import factories as f


def _team(tenant, members, handle="demand-planning", name="Demand planning"):
    team = Team.objects.create(tenant=tenant, name=name, handle=handle)
    for m in members:
        TeamMembership.objects.create(tenant=tenant, team=team, member=m)
    return team


@pytest.fixture
def contoso(tenant):
    return f.subject(tenant, "Contoso Retail", "customer")


def _notified(item, verb="mention"):
    return set(Notification.objects.filter(item=item, verb=verb).values_list("user_id", flat=True))


def test_a_team_mention_tells_every_active_member_and_links_to_the_team(tenant, contoso, run_on_commit):
    alex, priya, sam, gone = (f.member(tenant) for _ in range(4))
    gone.is_active = False
    gone.save()
    team = _team(tenant, [priya, sam, gone, alex])
    post, _ = run_on_commit(
        actions.check_create_post, alex, subject=contoso, body="@demand-planning please check"
    )
    assert _notified(post) == {priya.user_id, sam.user_id}  # not the author, not a former member
    assert set(Mention.objects.filter(item=post).values_list("user_id", flat=True)) >= {
        priya.user_id,
        sam.user_id,
    }
    assert gone.user_id not in set(Mention.objects.filter(item=post).values_list("user_id", flat=True))
    assert InboxEntry.objects.get(item=post, user=priya.user).mention
    link = reverse("process:team", kwargs={"tenant_slug": tenant.slug, "team_id": team.pk})
    assert f'<a href="{link}"' in post.body_html and "@demand-planning</a>" in post.body_html


def test_team_mentions_respect_email_preferences(tenant, contoso, run_on_commit):
    alex, priya = f.member(tenant), f.member(tenant)
    actions.do_save_preferences(
        priya, in_app=True, email_immediate=True, email_digest=False, auto_follow=True
    )
    _team(tenant, [priya])
    run_on_commit(actions.check_create_post, alex, subject=contoso, body="@demand-planning over to you")
    assert [m.to for m in mail.outbox] == [[priya.user.email]]


def test_the_same_handle_in_another_tenant_is_never_reached(tenant, contoso, run_on_commit):
    alex = f.member(tenant)
    elsewhere = TenantFactory()
    stranger = f.member(elsewhere)
    _team(elsewhere, [stranger])
    post, _ = run_on_commit(actions.check_create_post, alex, subject=contoso, body="@demand-planning anyone?")
    assert _notified(post) == set() and not Mention.objects.filter(item=post).exists()
    assert "<a " not in post.body_html  # not a team here: plain text


def test_a_partner_in_the_team_is_told_only_when_they_may_read_the_post(tenant, contoso, run_on_commit):
    admin, planner = f.member(tenant, "admin"), f.member(tenant)
    driver = f.partner_member(tenant)
    f.share(admin, contoso, driver)
    _team(tenant, [planner, driver], handle="leeds", name="Leeds depot team")
    internal, _ = run_on_commit(
        actions.check_create_post, admin, subject=contoso, body="@leeds margin is thin"
    )
    assert _notified(internal) == {planner.user_id}
    shared, _ = run_on_commit(
        actions.check_create_post, admin, subject=contoso, body="@leeds truck at 9", visibility="partners"
    )
    assert _notified(shared) == {planner.user_id, driver.user_id}


def test_a_team_mention_in_a_comment_and_in_an_edit(tenant, contoso, run_on_commit):
    alex, priya = f.member(tenant), f.member(tenant)
    _team(tenant, [priya])
    post, _ = run_on_commit(actions.check_create_post, alex, subject=contoso, body="Numbers are in")
    comment, _ = run_on_commit(actions.check_create_comment, alex, post, body="@demand-planning see above")
    assert "@demand-planning</a>" in comment.body_html
    assert _notified(post) == {priya.user_id}
    other, _ = run_on_commit(actions.check_create_post, alex, subject=contoso, body="Draft")
    run_on_commit(actions.check_edit_post, alex, other, body="Draft for @demand-planning")
    assert _notified(other) == {priya.user_id}


def test_a_username_wins_over_a_team_handle(tenant, contoso, run_on_commit):
    alex = f.member(tenant)
    person = f.member(tenant, user=UserFactory(username="leeds"))
    teammate = f.member(tenant)
    _team(tenant, [teammate], handle="leeds", name="Leeds")
    post, _ = run_on_commit(actions.check_create_post, alex, subject=contoso, body="@leeds hello")
    assert _notified(post) == {person.user_id}


def test_the_mention_autocomplete_offers_teams_to_staff_only(tenant, client):
    planner = f.member(tenant)
    driver = f.partner_member(tenant)
    _team(tenant, [planner])
    url = reverse("feeds:mention_suggest", kwargs={"tenant_slug": tenant.slug})
    client.force_login(planner.user)
    page = client.get(url, {"q": "dem"}).content.decode()
    assert 'data-username="demand-planning"' in page and "Demand planning" in page
    client.force_login(driver.user)
    assert 'data-username="demand-planning"' not in client.get(url, {"q": "dem"}).content.decode()
