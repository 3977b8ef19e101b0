"""Who/where of the current request, for audit events written deep inside actions.

Set by `RequestContextMiddleware` for web requests; tasks and commands run with the empty context.
"""

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


_EMPTY = RequestContext()
_current = contextvars.ContextVar("sopsocial_request_context", default=None)


def current():
    return _current.get() or _EMPTY


def activate(ctx):
    return _current.set(ctx)


def reset(token):
    _current.reset(token)
