"""What apps do when a subject is shared with a partner or unshared, registered explicitly (like
navigation and panels) rather than through signals, so a reader can find every caller.

Hooks run inside the sharing action's transaction: what they write commits or rolls back with the
share itself. Each is called as `hook(subject=..., partner=..., member=...)`.
"""

from collections.abc import Callable

Hook = Callable[..., None]

_on_shared: list[Hook] = []
_on_unshared: list[Hook] = []


def on_shared(hook: Hook) -> Hook:
    if hook not in _on_shared:
        _on_shared.append(hook)
    return hook


def on_unshared(hook: Hook) -> Hook:
    if hook not in _on_unshared:
        _on_unshared.append(hook)
    return hook


def run_shared(**kwargs) -> None:
    for hook in _on_shared:
        hook(**kwargs)


def run_unshared(**kwargs) -> None:
    for hook in _on_unshared:
        hook(**kwargs)
