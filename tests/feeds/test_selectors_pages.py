import pytest
from django.db import connection, transaction

from feeds import actions, selectors
from feeds.models import InboxEntry

from ..queries import assert_queries
from . import factories as f


@pytest.fixture
def forwards(tenant, run_on_commit):
    """Alex forwards posts to Sam; returns a function making `n` more forwards."""
    alex, sam = f.member(tenant), f.member(tenant, "executive")
    contoso = f.subject(tenant, "Contoso Retail")

    def make(n):
        for i in range(n):
            post = actions.check_create_post(alex, subject=contoso, body=f"Original {i}")
            run_on_commit(actions.check_forward_post, alex, post, recipients=[sam], note=f"note {i}")
        return sam

    return make


# inbox page, originals, then the four batch loads (files, tags, reactions, comments)
FORWARDS_PAGE_QUERIES = 6


def _page_with_originals(member):
    with assert_queries(FORWARDS_PAGE_QUERIES):
        page = selectors.home_page(member)
        # What the card reads of each original: no query may hide behind these.
        shown = [
            (e.item.forwarded_item.author.username, e.item.forwarded_item.subject.title) for e in page.entries
        ]
    return page, shown


def test_forwarded_originals_load_in_one_query_whatever_their_number(forwards):
    sam = forwards(1)
    page, shown = _page_with_originals(sam)
    assert len(page.entries) == 1 and shown[0][1] == "Contoso Retail"
    forwards(4)
    page, shown = _page_with_originals(sam)
    assert len(page.entries) == 5
    assert {e.item.body for e in page.entries} == {f"note {i}" for i in range(4)}
    assert [e.item.forwarded_item.attachment_list for e in page.entries] == [[]] * 5


def test_a_page_without_forwards_does_not_look_for_originals(tenant, run_on_commit):
    alex, sam = f.member(tenant), f.member(tenant, "executive")
    contoso = f.subject(tenant, "Contoso Retail")
    actions.do_follow(sam, contoso)
    for i in range(3):
        run_on_commit(actions.check_create_post, alex, subject=contoso, body=f"Post {i}")
    with assert_queries(5):  # inbox page and the four batch loads
        page = selectors.home_page(sam)
    assert len(page.entries) == 3


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("read", "index"),
    [
        (
            lambda m: InboxEntry.objects.filter(user_id=m.user_id, tenant_id=m.tenant_id).order_by(
                "-created", "-item_id"
            )[:21],
            "inbox_feed",
        ),
        (
            lambda m: InboxEntry.objects.filter(user_id=m.user_id, tenant_id=m.tenant_id, unread=True),
            "inbox_unread",
        ),
    ],
    ids=["home page", "unread count"],
)
def test_inbox_reads_use_their_index(tenant, read, index):
    """The fan-out's inbox has no single-column user index any more: the feed and the unread badge must
    still be index reads (sequential scans are switched off so the tiny test table cannot hide it)."""
    member = f.member(tenant)
    sql, params = read(member).query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan
