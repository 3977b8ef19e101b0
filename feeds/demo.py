"""Demo follows and posts for the STORY.md cast (idempotent: a second run adds nothing).

Subjects that belong to planning (Contoso Retail, Oat Crunch 500g, brand Crunchy, Leeds depot, the
supply plan) are looked up by kind and title; any that do not exist yet are skipped. A topic for the
monthly cycle is feeds' own, so the home feeds are never empty.
"""

from django.contrib.auth import get_user_model

from sopsocial.subjects.actions import create_subject
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership

from . import actions
from .models import FeedItem, Follow

CYCLE_TOPIC = "November S&OP cycle"


def _subject(tenant, kinds, title):
    return (
        Subject.objects.filter(tenant=tenant, kind__in=kinds, title__icontains=title)
        .order_by("kind", "id")
        .first()
    )


def _member(tenant, username):
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return None
    return (
        Membership.objects.filter(tenant=tenant, user=user)
        .select_related("tenant", "user", "partner")
        .first()
    )


def _follow(member, subject):
    if member and subject and not Follow.objects.filter(user=member.user, subject=subject).exists():
        actions.do_follow(member, subject)


def _post(member, subject, body, **kwargs):
    if member is None or subject is None:
        return None
    if FeedItem.objects.filter(tenant=member.tenant, author=member.user, body=body).exists():
        return None
    return actions.check_create_post(member, subject=subject, body=body, **kwargs)


def load(tenant, stdout=None):
    people = {u: _member(tenant, u) for u in ("morgan", "alex", "sam", "priya", "dana", "olu")}
    topic = _subject(tenant, ["topic"], CYCLE_TOPIC) or create_subject(
        tenant=tenant, kind="topic", title=CYCLE_TOPIC
    )
    contoso = _subject(tenant, ["customer"], "Contoso")
    crunchy = _subject(tenant, ["brand"], "Crunchy")
    oat = _subject(tenant, ["product"], "Oat Crunch 500g")
    leeds = _subject(tenant, ["facility"], "Leeds")
    supply_plan = _subject(tenant, ["plan", "plan_version"], "Supply")
    demand_plan = _subject(tenant, ["plan", "plan_version"], "Demand")

    for username in ("morgan", "alex", "sam", "priya", "dana"):
        _follow(people[username], topic)
    _follow(people["alex"], contoso)
    _follow(people["sam"], contoso)
    _follow(people["alex"], crunchy)
    _follow(people["priya"], crunchy)
    _follow(people["priya"], oat)
    _follow(people["priya"], demand_plan)
    _follow(people["priya"], supply_plan)
    _follow(people["dana"], supply_plan)
    _follow(people["dana"], leeds)
    olu = people["olu"]
    if olu is not None:
        for shared in Subject.objects.filter(tenant=tenant, shares__partner=olu.partner):
            _follow(olu, shared)

    _post(
        people["morgan"],
        topic,
        "Welcome to the **November S&OP cycle**.\n\n- Demand review: Tuesday\n- Supply review: Thursday\n"
        "- Executive S&OP: Friday\n\nFollow the customers, products and plans you care about; "
        "their posts, plan changes and alerts will show up on your home page.",
    )
    _post(
        people["alex"],
        contoso,
        "Contoso's category review is next month: expect promotion requests on the **Crunchy** range.",
        tagged=[s for s in (crunchy,) if s],
    )
    _post(
        people["dana"],
        leeds,
        "Dock 3 at Leeds is closed for maintenance on Friday; inbound moves to dock 1.",
    )
    _post(
        people["priya"],
        oat,
        "Line 2 is back at full rate after the oven repair, so Oat Crunch 500g capacity is normal again.",
        tagged=[s for s in (leeds,) if s],
    )
    if stdout is not None:
        found = [s.title for s in (contoso, crunchy, oat, leeds, supply_plan, demand_plan) if s]
        stdout.write(f"Feeds demo: follows and posts on {', '.join([topic.title, *found])}")
