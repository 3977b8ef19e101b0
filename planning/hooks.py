"""What other apps do when something happens in planning, registered explicitly (like navigation and
panels, and `sopsocial.subjects.hooks`) rather than through signals, so a reader can find every caller.
Planning imports no app above it: the process app registers its hooks in `ProcessConfig.ready`.

Hooks run inside the planning action's transaction: what they write commits or rolls back with it.
- `on_cycle_created`: `hook(cycle=PlanCycle, actor=User | None)` when planning makes a plan cycle
  (the process app gives every new cycle its S&OP cycle this way);
- `on_version_submitted`: `hook(version=..., item=..., member=...)` when a plan version is submitted
  (`item` is the submit's feed item on the version, `member` who submitted it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import PlanCycle

Hook = Callable[..., Any]

_on_cycle_created: list[Hook] = []
_on_version_submitted: list[Hook] = []


def on_cycle_created(hook: Hook) -> Hook:
    if hook not in _on_cycle_created:
        _on_cycle_created.append(hook)
    return hook


def run_cycle_created(*, cycle: PlanCycle, actor: User | None) -> None:
    for hook in _on_cycle_created:
        hook(cycle=cycle, actor=actor)


def on_version_submitted(hook: Hook) -> Hook:
    if hook not in _on_version_submitted:
        _on_version_submitted.append(hook)
    return hook


def run_version_submitted(**kwargs: Any) -> None:
    for hook in _on_version_submitted:
        hook(**kwargs)
