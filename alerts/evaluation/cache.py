"""Frames shared by the rules of one evaluation pass.

A pass (the outbox batch, the nightly run) evaluates every rule over the same plan data; without sharing,
each rule would load the demand, supply and stock frames again (the benchmark saw the demand frame loaded
four times for three rules). Inside `frames_shared()`, `shared(key, load)` loads each frame once. Rules
never modify the frames they are given (every step makes new frames), so sharing them is safe.
"""

import contextvars
from contextlib import contextmanager

_cache = contextvars.ContextVar("alerts_frame_cache", default=None)


@contextmanager
def frames_shared():
    token = _cache.set({}) if _cache.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _cache.reset(token)


def shared(key, load):
    cache = _cache.get()
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def frozen(values):
    """A hashable form of an id filter (None = no restriction)."""
    return None if values is None else tuple(sorted(values))
