"""What other apps do when planning makes a plan cycle, registered explicitly (like
`sopsocial.subjects.hooks`) rather than through signals, so a reader finds every caller.

Hooks run inside the transaction that creates the cycle: what they write commits or rolls back with
the cycle itself (the process app gives every new cycle its S&OP cycle this way). Each is called as
`hook(cycle=PlanCycle, actor=User | None)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import PlanCycle

Hook = Callable[..., Any]

_on_cycle_created: list[Hook] = []


def on_cycle_created(hook: Hook) -> Hook:
    if hook not in _on_cycle_created:
        _on_cycle_created.append(hook)
    return hook


def run_cycle_created(*, cycle: PlanCycle, actor: User | None) -> None:
    for hook in _on_cycle_created:
        hook(cycle=cycle, actor=actor)
