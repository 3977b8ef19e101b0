"""Following a person: their posts, the tasks they complete and what they do to decisions reach you
through the ordinary fan-out (the item is placed on their person subject too), and visibility still
holds: an internal post never reaches a partner user through a person follow."""

import pytest

from feeds import actions
from feeds.models import FeedItemSubject, InboxEntry
from sopsocial.tenancy.actions import ensure_person_subject

from . import factories as f


def _person(tenant, role="planner", **kwargs):
    m = f.member(tenant, role, **kwargs)
    ensure_person_subject(m)
    return m


@pytest.fixture
def contoso(tenant):
    return f.subject(tenant, "Contoso Retail", "customer")


def test_a_persons_post_reaches_their_followers_because_they_follow_the_person(
    tenant, contoso, run_on_commit
):
    priya, sam = _person(tenant), _person(tenant, "executive")
    actions.do_follow(sam, priya.subject)
    post, _ = run_on_commit(actions.check_create_post, priya, subject=contoso, body="Promo moved to week 50")
    entry = InboxEntry.objects.get(item=post, user=sam.user)
    assert entry.reason_subject_id == priya.subject_id and entry.unread
    # the person placement is not a tag: cards do not show it
    relation = FeedItemSubject.objects.get(item=post, subject=priya.subject).relation
    assert relation != FeedItemSubject.Relation.TAGGED


def test_completed_tasks_and_decisions_reach_the_actors_followers_but_other_system_items_do_not(
    tenant, contoso, run_on_commit
):
    priya, sam = _person(tenant), _person(tenant, "executive")
    actions.do_follow(sam, priya.subject)

    def item(verb):
        made, _ = run_on_commit(
            actions.do_create_system_item,
            tenant=tenant,
            subject=contoso,
            actor=priya.user,
            verb=verb,
            text=verb,
        )
        return InboxEntry.objects.filter(item=made, user=sam.user).exists()

    assert item("task.complete") and item("decision.decide") and item("decision.record")
    assert not item("task.create") and not item("plan.approve")


def test_completing_a_task_through_the_process_action_reaches_the_completers_followers(tenant, run_on_commit):
    from process.actions.tasks import check_set_task_status

    from ..process.factories import make_task

    priya, sam = _person(tenant), _person(tenant, "executive")
    actions.do_follow(sam, priya.subject)
    task = make_task(tenant, title="Confirm Leeds capacity", assignee_member=priya)
    run_on_commit(check_set_task_status, priya, task, "done")
    assert InboxEntry.objects.filter(
        user=sam.user, item__verb="task.complete", reason_subject=priya.subject
    ).exists()


def test_an_internal_post_never_reaches_a_partner_user_through_a_person_follow(
    tenant, contoso, run_on_commit
):
    admin = _person(tenant, "admin")
    driver = f.partner_member(tenant)
    ensure_person_subject(driver)
    f.share(admin, contoso, driver)
    f.share(admin, admin.subject, driver)  # the partner may see (and so follow) the admin
    actions.do_unfollow(driver, contoso)
    actions.do_follow(driver, admin.subject)
    internal, _ = run_on_commit(actions.check_create_post, admin, subject=contoso, body="Margin is thin")
    shared, _ = run_on_commit(
        actions.check_create_post, admin, subject=contoso, body="Truck at 9", visibility="partners"
    )
    assert not InboxEntry.objects.filter(item=internal, user=driver.user).exists()
    assert InboxEntry.objects.get(item=shared, user=driver.user).reason_subject_id == admin.subject_id


def test_a_partners_post_on_an_unshared_subject_never_reaches_a_partner_colleague(
    tenant, contoso, run_on_commit
):
    """A partner user's colleague follows them; a post placed on something not shared with the partner
    stays out of the colleague's feed even though it is on the author's (shared) person subject."""
    admin = _person(tenant, "admin")
    driver = f.partner_member(tenant)
    ensure_person_subject(driver)
    colleague = f.member(tenant, "viewer", partner=driver.partner)
    ensure_person_subject(colleague)
    actions.do_follow(colleague, driver.subject)
    f.share(admin, contoso, driver)
    post, _ = run_on_commit(actions.check_create_post, driver, subject=contoso, body="Loaded")
    assert InboxEntry.objects.filter(item=post, user=colleague.user).exists()  # shared subject: yes
    unshared = f.subject(tenant, "Internal topic", "topic")
    item, _ = run_on_commit(
        actions.do_create_system_item,
        tenant=tenant,
        subject=unshared,
        actor=driver.user,
        verb="decision.record",
        text="recorded",
        visibility="partners",
    )
    assert not InboxEntry.objects.filter(item=item, user=colleague.user).exists()
