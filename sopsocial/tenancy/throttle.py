"""Login throttling with back-off, and a plain hourly limit on password-reset requests.

Logins:  Failures are counted per (person, address) and, with a higher ceiling,
per person across addresses; past a ceiling each further failure doubles the wait before the next
attempt (1 s, 2 s, 4 s ... up to LOGIN_LOCKOUT_SECONDS). An address alone is held only to a much
higher ceiling (LOGIN_FAILURE_LIMIT_PER_ADDRESS, within an hour), which a whole office's typos do not
reach but one client trying password after password on username after username (credential stuffing)
does; a successful login does not reset it, or one valid account would clear the way for the rest.

Counters live in the cache (Redis in the full stack, so every web process shares them); they are
incremented atomically and forgotten a day after the last failure. Usernames and addresses are hashed
into the keys, so any input makes a valid key.

While Redis is unreachable (a restart, an outage) the throttle fails open with a warning in the log:
nobody is held back and nothing is counted, rather than every login and reset request answering 500.
Argon2 still makes each guess slow, and counting starts again when Redis is back."""

import functools
import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

FORGET_AFTER_SECONDS = 24 * 3600


def _fail_open(answer):
    """When the cache (Redis) cannot be reached, log it and give `answer` instead of an error."""

    def decorate(function):
        @functools.wraps(function)
        def guarded(*args, **kwargs):
            try:
                return function(*args, **kwargs)
            except RedisError as error:
                log.warning("cache unreachable; %s not throttled: %s", function.__name__, error)
                return answer

        return guarded

    return decorate


def _now():
    return time.time()


def _digest(*parts):
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


ADDRESS_WINDOW_SECONDS = 3600


def _counters(username, ip):
    """(cache key, ceiling) of the counters a person's success clears, for `username` from `ip`."""
    person = (username or "").strip().lower()
    return [
        (f"throttle:login:pair:{_digest(person, ip or 'unknown')}", settings.LOGIN_FAILURE_LIMIT),
        (f"throttle:login:person:{_digest(person)}", settings.LOGIN_FAILURE_LIMIT_PER_PERSON),
    ]


def _address_counter(ip):
    return f"throttle:login:address:{_digest(ip or 'unknown')}", settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS


def _increment(key, timeout, *, extend=True):
    """Add one to a counter that expires `timeout` seconds after it was created, or, with `extend`,
    after its last increment."""
    cache.add(key, 0, timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)
        count = 1
    if extend:
        cache.touch(key, timeout)
    return count


@_fail_open(0)
def seconds_to_wait(username, ip):
    """Whole seconds before the next attempt for `username` from `ip` is considered; 0 means now."""
    keys = [key for key, _ in [*_counters(username, ip), _address_counter(ip)]]
    untils = cache.get_many([f"{key}:until" for key in keys])
    remaining = max(untils.values(), default=0) - _now()
    return math.ceil(remaining) if remaining > 0 else 0


def backoff_seconds(failures, ceiling):
    """The wait after `failures` failures on a counter whose ceiling is `ceiling`."""
    if failures < ceiling:
        return 0
    return min(settings.LOGIN_LOCKOUT_SECONDS, 2 ** min(failures - ceiling, 32))


@_fail_open(None)
def note_failure(username, ip):
    now = _now()
    counters = [(key, ceiling, FORGET_AFTER_SECONDS) for key, ceiling in _counters(username, ip)]
    counters.append((*_address_counter(ip), ADDRESS_WINDOW_SECONDS))
    for key, ceiling, window in counters:
        wait = backoff_seconds(_increment(key, window), ceiling)
        if wait:
            cache.set(f"{key}:until", now + wait, wait + 1)


@_fail_open(None)
def clear(username, ip):
    cache.delete_many([k for key, _ in _counters(username, ip) for k in (key, f"{key}:until")])


def describe_wait(seconds):
    """'1 second', '40 seconds', '15 minutes': how long the form tells people to wait."""
    if seconds < 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


@_fail_open(True)
def note_password_reset_request(email, ip):
    """Count one reset request for `email` from `ip`; False when either has now asked more than
    PASSWORD_RESET_LIMIT_PER_HOUR times within the hour. Counted the same whether an account uses the
    address or not, so a refusal tells nothing about accounts."""
    counts = [
        _increment(f"throttle:reset:ip:{_digest(ip or 'unknown')}", 3600, extend=False),
        _increment(f"throttle:reset:email:{_digest((email or '').strip().lower())}", 3600, extend=False),
    ]
    return max(counts) <= settings.PASSWORD_RESET_LIMIT_PER_HOUR


def note_signup_request(email, ip):
    """Count one sign-up request for `email` from `ip`; False past SIGNUP_LIMIT_PER_HOUR for either
    within the hour (the same shape as password resets: each request sends an e-mail)."""
    counts = [
        _increment(f"throttle:signup:ip:{_digest(ip or 'unknown')}", 3600, extend=False),
        _increment(f"throttle:signup:email:{_digest((email or '').strip().lower())}", 3600, extend=False),
    ]
    return max(counts) <= settings.SIGNUP_LIMIT_PER_HOUR
