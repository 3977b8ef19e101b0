"""Who may do what: the one place where roles meet actions (Sentry's per-method `scope_map`).

A permission is a name for something the code refuses to some members (`Perm`); `GRANTS` says which
role holds which. A partner organisation's user (an external membership) holds `PARTNER_GRANTS` whatever
role their membership records: none of the roles' rights reach outside the tenant.

- `@tenant_view(perm=Perm.X)` checks a page's permission once, before the view runs (403);
- actions call `require(member, Perm.X, doing=...)`: they are also called by the API and commands;
- views and templates ask `can(member, Perm.X)` / `{% if member|can:"x" %}` to show or hide controls.

What a member may *see* (which subjects, feed items, alerts) is scoping, not permission: selectors and
access helpers filter by `member.is_external` and shares. Partners reach a page at all only when its
`tenant_view` says `allow_external=True`.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from .models import Role

if TYPE_CHECKING:
    from .models import Membership


class Perm(enum.StrEnum):
    EDIT_PLANS = "edit_plans"  # set plan cells, submit or reopen a version, start a new draft
    COMMENT_PLANS = "comment_plans"  # comment on a plan cell
    APPROVE_VERSIONS = "approve_versions"
    PUBLISH_VERSIONS = "publish_versions"
    EDIT_MASTER_DATA = "edit_master_data"  # products, customers, facilities... through their forms
    IMPORT_DATA = "import_data"  # the import screen, and writes through the API with a browser session
    SHARE_SUBJECTS = "share_subjects"  # share a subject with a partner organisation
    ACT_ON_ALERTS = "act_on_alerts"  # acknowledge, snooze, assign, resolve, reopen
    MANAGE_RULES = "manage_rules"  # exception rules: create, edit, switch on/off, delete
    MANAGE_PEOPLE = "manage_people"  # invite, change roles, remove members, revoke invitations
    MANAGE_API_KEYS = "manage_api_keys"
    MANAGE_SETTINGS = "manage_settings"  # the workspace's own settings (four eyes on plan versions)
    VIEW_AUDIT = "view_audit"  # the tenant's audit log, its export and the chain check
    VIEW_TRAIL = "view_trail"  # a subject's audit trail on its page
    DELETE_ANY_POST = "delete_any_post"  # authors delete their own posts; this is everyone else's
    FORWARD_POSTS = "forward_posts"
    CHOOSE_POST_VISIBILITY = "choose_post_visibility"  # internal or partners; a partner's post is shared
    RUN_CYCLE = "run_cycle"  # start, close and reopen S&OP phases; start a cycle's process; schedule meetings
    OVERRIDE_PHASE = "override_phase"  # close a phase whose criteria are unmet, giving a reason

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_INTERNAL = frozenset({Perm.VIEW_TRAIL, Perm.FORWARD_POSTS, Perm.CHOOSE_POST_VISIBILITY})
_PLANNING = frozenset(
    {
        Perm.EDIT_PLANS,
        Perm.COMMENT_PLANS,
        Perm.APPROVE_VERSIONS,
        Perm.PUBLISH_VERSIONS,
        Perm.EDIT_MASTER_DATA,
        Perm.IMPORT_DATA,
        Perm.SHARE_SUBJECTS,
        Perm.ACT_ON_ALERTS,
        Perm.RUN_CYCLE,
    }
)

GRANTS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.PLANNER: _INTERNAL | _PLANNING,
    Role.EXECUTIVE: _INTERNAL | {Perm.COMMENT_PLANS, Perm.APPROVE_VERSIONS, Perm.ACT_ON_ALERTS},
    Role.VIEWER: _INTERNAL,
}
PARTNER_GRANTS: frozenset[Perm] = frozenset()


def grants_for(member: Membership) -> frozenset[Perm]:
    if member.is_external:
        return PARTNER_GRANTS
    return GRANTS.get(member.role, frozenset())


def can(member: Membership | None, perm: Perm) -> bool:
    """Whether the member holds the permission. `perm` must be a `Perm` (a typo raises, never denies)."""
    perm = Perm(perm)
    return member is not None and perm in grants_for(member)


def who(member: Membership) -> str:
    """How a refusal names the member: their role, or that they are a partner's user."""
    return "partner user" if member.is_external else member.get_role_display().lower()


def require(member: Membership, perm: Perm, doing: str = "") -> None:
    """Raise PermissionDenied (403 in views and the API) naming what was refused, unless `can`."""
    if not can(member, perm):
        raise PermissionDenied(f"Your role ({who(member)}) may not {doing or Perm(perm).label}.")
