import pytest
from django.urls import reverse

from feeds import actions
from feeds.models import FeedItem, Follow, InboxEntry, NotificationPreference
from sopsocial.audit.models import AuditEvent

from ..queries import assert_queries
from . import factories as f


def url(name, member, **kw):
    return reverse(f"feeds:{name}", kwargs={"tenant_slug": member.tenant.slug, **kw})


@pytest.fixture
def people(tenant):
    return {"alex": f.member(tenant), "sam": f.member(tenant, "executive")}


@pytest.fixture
def contoso(tenant):
    return f.subject(tenant, "Contoso Retail", "customer")


def _posts(member, subject, n):
    for i in range(n):
        actions.check_create_post(member, subject=subject, body=f"Update {i} with **bold**")


@pytest.mark.parametrize("n", [3, 25])
def test_home_feed_renders_with_a_fixed_number_of_queries(
    n, tenant, people, contoso, client_for, run_on_commit
):
    alex, sam = people["alex"], people["sam"]
    actions.do_follow(sam, contoso)
    other = f.subject(tenant, "Leeds depot", "facility")
    for i in range(n):
        run_on_commit(
            actions.check_create_post,
            alex,
            subject=contoso,
            body=f"Update {i} @{sam.user.username}",
            tagged=[other],
        )
        actions.do_create_comment(alex, FeedItem.objects.latest("id"), body="a comment")
    client = client_for(sam)
    # session, user, membership, inbox page, 4 batch loads (files, tags, reactions, comments), unread count,
    # memberships (nav), the My work count (menu), session save (the guard remembers the tenant), savepoint
    # pair around it.
    with assert_queries(14):
        response = client.get(url("home", sam), {"size": n})
    assert response.status_code == 200
    assert response.content.count(b'class="feed-item ') == min(n, 20)


def test_home_pages_with_a_cursor_and_filters(tenant, people, contoso, client_for, run_on_commit, settings):
    settings.FEEDS_PAGE_SIZE = 2
    alex, sam = people["alex"], people["sam"]
    actions.do_follow(sam, contoso)
    for i in range(5):
        run_on_commit(actions.check_create_post, alex, subject=contoso, body=f"Post number {i}")
    client = client_for(sam)
    first = client.get(url("home", sam))
    assert b"Post number 4" in first.content and b"Post number 2" not in first.content
    cursor = first.context["page"].next_cursor
    second = client.get(url("home", sam), {"before": cursor}, HTTP_HX_REQUEST="true")
    assert b"Post number 2" in second.content and b"Post number 4" not in second.content
    assert client.get(url("home", sam), {"f": "alerts"}).context["page"].entries == []
    assert client.get(url("home", sam), {"before": "garbage"}).status_code == 200
    client.post(url("mark_read", sam))
    assert not InboxEntry.objects.filter(user=sam.user, unread=True).exists()


def test_subject_feed_fragment_follow_and_post(tenant, people, contoso, client_for, run_on_commit):
    sam = people["sam"]
    client = client_for(sam)
    response = client.get(url("subject_feed", sam, subject_id=contoso.pk), HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 200 and b"Follow" in response.content and b"0 followers" in response.content
    )
    response = client.post(url("follow", sam, subject_id=contoso.pk), HTTP_HX_REQUEST="true")
    assert (
        b"1 follower" in response.content and Follow.objects.filter(user=sam.user, subject=contoso).exists()
    )
    assert AuditEvent.objects.filter(verb="feeds.follow", subject=contoso).exists()
    response = client.post(
        url("post_create", sam, subject_id=contoso.pk),
        {"body": "Great news", "visibility": "internal"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and b"Great news" in response.content
    response = client.post(
        url("post_create", sam, subject_id=contoso.pk), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 422 and b"Write something" in response.content
    client.post(url("unfollow", sam, subject_id=contoso.pk))
    assert not Follow.objects.filter(user=sam.user, subject=contoso).exists()
    assert client.get(url("following", sam)).status_code == 200
    assert client.get(url("followers", sam, subject_id=contoso.pk)).status_code == 200


def test_post_page_comment_react_forward_edit_delete_are_audited(
    tenant, people, contoso, client_for, django_capture_on_commit_callbacks
):
    alex, sam = people["alex"], people["sam"]
    priya = f.member(tenant)
    post = actions.check_create_post(alex, subject=contoso, body="Order coming")
    client = client_for(sam)
    assert client.get(url("post", sam, post_id=post.pk)).status_code == 200
    client.post(url("comment_create", sam, post_id=post.pk), {"body": "Great news"})
    client.post(url("react", sam, post_id=post.pk), {"kind": "ack"})
    client.post(url("react", sam, post_id=post.pk), {"kind": "like"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("forward", sam, post_id=post.pk), {"recipients": [priya.pk], "note": "can supply cover this?"}
        )
    assert response.status_code == 302
    assert InboxEntry.objects.filter(user=priya.user, mention=True).exists()
    confirmation = client.get(response["Location"]).content.decode()
    assert f"Forwarded to {priya.user.get_full_name() or priya.user.username}." in confirmation
    assert (
        client.post(url("forward", sam, post_id=post.pk), {"recipients": [], "note": "x"}).status_code == 422
    )
    # Only the author edits; the old text is kept.
    assert client.post(url("post_edit", sam, post_id=post.pk), {"body": "defaced"}).status_code == 404
    client = client_for(alex)
    client.post(url("post_edit", alex, post_id=post.pk), {"body": "Order coming next week"})
    post.refresh_from_db()
    assert post.body == "Order coming next week" and post.revisions.get().body == "Order coming"
    assert client.get(url("post_history", alex, post_id=post.pk)).status_code == 200
    client.post(url("post_delete", alex, post_id=post.pk))
    post.refresh_from_db()
    assert post.is_deleted
    verbs = set(AuditEvent.objects.filter(subject=contoso).values_list("verb", flat=True))
    assert {
        "feeds.post_create",
        "feeds.comment_create",
        "feeds.post_ack",
        "feeds.post_like",
        "feeds.post_forward",
        "feeds.post_edit",
        "feeds.post_delete",
    } <= verbs
    # The subject page shows the trail.
    page = client.get(
        reverse("subjects:subject", kwargs={"tenant_slug": tenant.slug, "subject_id": contoso.pk})
    )
    assert b"feeds.post_forward" in page.content and b"feeds.comment_create" in page.content


def test_notifications_preferences_search_and_suggestions(tenant, people, contoso, client_for):
    alex, sam = people["alex"], people["sam"]
    actions.check_create_post(alex, subject=contoso, body=f"Hi @{sam.user.username} about the oat promo")
    client = client_for(sam)
    badges = client.get(url("badges", sam))
    assert b"1 unread" in badges.content
    assert b"mentioned you" in client.get(url("notifications", sam)).content
    client.post(url("notifications_read", sam))
    assert b"0 unread" in client.get(url("badges", sam)).content
    client.post(url("preferences", sam), {"in_app": "on", "email_digest": ""})
    assert not NotificationPreference.objects.get(user=sam.user).email_digest
    results = client.get(url("search", sam), {"q": "promo"})
    assert results.status_code == 200 and b"<mark>promo</mark>" in results.content
    assert b"Contoso" in client.get(url("search", sam), {"q": "contoso"}).content
    assert (
        alex.user.username.encode()
        in client.get(url("mention_suggest", sam), {"q": alex.user.username[:3]}).content
    )
    assert b"Contoso" in client.get(url("subject_suggest", sam), {"tag_query": "cont"}).content
    assert client.get(url("since", sam), {"after": "2020-01-01T00:00:00+00:00_0"}).status_code == 200


def test_the_subject_page_loads_its_conversation_panel(tenant, people, contoso, client_for):
    sam = people["sam"]
    page = client_for(sam).get(
        reverse("subjects:subject", kwargs={"tenant_slug": tenant.slug, "subject_id": contoso.pk})
    )
    assert url("subject_feed", sam, subject_id=contoso.pk).encode() in page.content
