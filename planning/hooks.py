"""What other apps do when something happens in planning, registered explicitly (like navigation and
panels, and `sopsocial.subjects.hooks`) rather than through signals, so a reader can find every caller.
Planning imports no app above it: the process app registers its hooks in `ProcessConfig.ready`.

Hooks run inside the planning action's transaction: what they write commits or rolls back with it.
"""

from collections.abc import Callable

Hook = Callable[..., None]

_on_version_submitted: list[Hook] = []


def on_version_submitted(hook: Hook) -> Hook:
    """Register `hook(version=..., item=..., member=...)`, called when a plan version is submitted:
    `item` is the submit's feed item on the version, `member` who submitted it."""
    if hook not in _on_version_submitted:
        _on_version_submitted.append(hook)
    return hook


def run_version_submitted(**kwargs) -> None:
    for hook in _on_version_submitted:
        hook(**kwargs)
