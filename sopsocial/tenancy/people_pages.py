"""Where a person's and a team's pages are. The core gives every membership a person subject whose url
is the person's page, and feeds links `@team` mentions to the team's page, but those pages belong to an
app (process): it registers the builders here in its `AppConfig.ready()`, so the core names no app.
Without a registered builder a person subject has no url of its own (the generic subject page serves
it) and a team mention is a chip without a link."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Membership, Team

_person_url: Callable[[Membership], str] | None = None
_team_url: Callable[[Team], str] | None = None


def register(*, person_url: Callable[[Membership], str], team_url: Callable[[Team], str]) -> None:
    global _person_url, _team_url
    _person_url, _team_url = person_url, team_url


def person_url(membership: Membership) -> str:
    """The path of the person's page, or "" when no app serves one."""
    return _person_url(membership) if _person_url is not None else ""


def team_url(team: Team) -> str:
    """The path of the team's page, or "" when no app serves one."""
    return _team_url(team) if _team_url is not None else ""
