"""The permission policy: every role x permission cell, the template filter, refusals, decorator order."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template import Context, Template, TemplateSyntaxError
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.decorators.http import require_POST

from sopsocial.api.framework import api_route
from sopsocial.tenancy.access import GUARD_MARKER, tenant_view
from sopsocial.tenancy.models import Membership, Role
from sopsocial.tenancy.policy import Perm, can, require

# Written out, not derived from policy.GRANTS: changing who may do what must change this table too.
EXPECTED = {
    Perm.EDIT_PLANS: {"admin", "planner"},
    Perm.COMMENT_PLANS: {"admin", "planner", "executive"},
    Perm.APPROVE_VERSIONS: {"admin", "planner", "executive"},
    Perm.PUBLISH_VERSIONS: {"admin", "planner"},
    Perm.EDIT_MASTER_DATA: {"admin", "planner"},
    Perm.IMPORT_DATA: {"admin", "planner"},
    Perm.SHARE_SUBJECTS: {"admin", "planner"},
    Perm.ACT_ON_ALERTS: {"admin", "planner", "executive"},
    Perm.MANAGE_RULES: {"admin"},
    Perm.MANAGE_PEOPLE: {"admin"},
    Perm.MANAGE_API_KEYS: {"admin"},
    Perm.MANAGE_SETTINGS: {"admin"},
    Perm.VIEW_AUDIT: {"admin"},
    Perm.VIEW_TRAIL: {"admin", "planner", "executive", "viewer"},
    Perm.DELETE_ANY_POST: {"admin"},
    Perm.FORWARD_POSTS: {"admin", "planner", "executive", "viewer"},
    Perm.CHOOSE_POST_VISIBILITY: {"admin", "planner", "executive", "viewer"},
    Perm.RUN_CYCLE: {"admin", "planner"},
    Perm.OVERRIDE_PHASE: {"admin"},
}
WHO = ("admin", "planner", "executive", "viewer", "partner")


def _member(who):
    """An unsaved membership: the policy reads only the role and whether there is a partner. The partner
    user holds the planner role, to prove a partner's role grants nothing."""
    if who == "partner":
        return Membership(role=Role.PLANNER, partner_id=1)
    return Membership(role=who)


def test_the_table_covers_every_permission():
    assert set(EXPECTED) == set(Perm)


@pytest.mark.parametrize("who", WHO)
@pytest.mark.parametrize("perm", list(Perm), ids=str)
def test_role_x_permission(who, perm):
    assert can(_member(who), perm) is (who in EXPECTED[perm])


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMIN])
def test_a_partner_user_holds_nothing_whatever_the_role(role):
    partner_member = Membership(role=role, partner_id=1)
    assert not [p for p in Perm if can(partner_member, p)]


def test_no_member_holds_nothing():
    assert not [p for p in Perm if can(None, p)]


def test_an_unknown_permission_name_raises_rather_than_denies():
    with pytest.raises(ValueError):
        can(_member("admin"), "approve_everything")


def test_require_names_the_role_and_what_was_refused():
    with pytest.raises(PermissionDenied, match=r"Your role \(viewer\) may not publish a plan\."):
        require(_member("viewer"), Perm.PUBLISH_VERSIONS, "publish a plan")
    with pytest.raises(PermissionDenied, match=r"Your role \(partner user\) may not manage rules\."):
        require(_member("partner"), Perm.MANAGE_RULES)
    require(_member("admin"), Perm.MANAGE_RULES)  # allowed: no exception


def test_template_filter_answers_like_can():
    template = Template('{% load policy %}{% if member|can:"approve_versions" %}yes{% else %}no{% endif %}')
    assert template.render(Context({"member": _member("executive")})) == "yes"
    assert template.render(Context({"member": _member("viewer")})) == "no"
    assert template.render(Context({})) == "no"  # pages rendered without a member show no controls


def test_template_with_an_unknown_permission_raises():
    template = Template('{% load policy %}{% if member|can:"aprove_versions" %}yes{% endif %}')
    with pytest.raises(TemplateSyntaxError, match="aprove_versions"):
        template.render(Context({"member": _member("admin")}))


def test_every_permission_named_in_a_template_exists():
    """`{% if a and member|can:"typo" %}`: Django's `and`/`or`/`not` swallow the filter's error and answer
    False, so the names are also checked here, in every template file."""
    known = {p.value for p in Perm}
    used, unknown = set(), []
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in Path(directory).rglob("*.html"):
            for name in re.findall(r"""\|\s*can\s*:\s*["']([^"']*)["']""", path.read_text()):
                used.add(name)
                if name not in known:
                    unknown.append(f"{path}: {name}")
    assert not unknown
    assert used, "no template uses the can filter: is the pattern still right?"


# --- One decorator order: the tenant guard outermost, then require_POST / require_http_methods ---------

_GUARD_CODES = {tenant_view(lambda request, member: None).__code__}
# an API route (django-ninja path view) counts as guarded only when every operation on it uses the
# tenant key auth, which is what sets the marker
_API_ROUTE_CODE = api_route(lambda request: None, guarded=False).__code__
_METHOD_CODE = require_POST(lambda request: None).__code__  # require_GET/_http_methods share it


def _is_guard(view):
    code = getattr(view, "__code__", None)
    return code in _GUARD_CODES or (code is _API_ROUTE_CODE and getattr(view, GUARD_MARKER, False))


def _chain(view):
    while view is not None:
        yield view
        view = getattr(view, "__wrapped__", None)


def _patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def test_every_view_has_the_tenant_guard_outside_the_method_check():
    checked, misordered = 0, []
    for route, pattern in _patterns(get_resolver().url_patterns):
        layers = [
            "guard" if _is_guard(f) else "method"
            for f in _chain(pattern.callback)
            if _is_guard(f) or getattr(f, "__code__", None) is _METHOD_CODE
        ]
        if "<slug:tenant_slug>" in route:
            assert "guard" in layers, f"{route}: no tenant guard"
        if "method" in layers and "guard" in layers:
            checked += 1
            if layers.index("method") < layers.index("guard"):
                misordered.append(f"{route} ({pattern.name}): {' > '.join(layers)}")
    assert not misordered, "put @tenant_view above @require_*:\n" + "\n".join(misordered)
    assert checked > 20, "the walk found few guarded views with a method check: is it still walking?"


def test_the_order_check_sees_a_misordered_view():
    @require_POST
    @tenant_view
    def backwards(request, member):
        return None

    layers = [
        "guard" if f.__code__ in _GUARD_CODES else "method"
        for f in _chain(backwards)
        if f.__code__ in _GUARD_CODES or f.__code__ is _METHOD_CODE
    ]
    assert layers == ["method", "guard"]
