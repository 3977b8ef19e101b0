"""Login throttling: too many failed logins for one username (or from one address) in a window lock
further attempts for that window. Counters live in the cache (Redis in the full stack, so every web
process shares them)."""

from django.conf import settings
from django.core.cache import cache


def _keys(username, ip):
    return [f"login-fail:user:{(username or '').strip().lower()}", f"login-fail:ip:{ip or 'unknown'}"]


def is_locked(username, ip):
    user_key, ip_key = _keys(username, ip)
    counts = cache.get_many([user_key, ip_key])
    return (
        counts.get(user_key, 0) >= settings.LOGIN_FAILURE_LIMIT
        or counts.get(ip_key, 0) >= settings.LOGIN_FAILURE_LIMIT * 4
    )


def note_failure(username, ip):
    for key in _keys(username, ip):
        if not cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear(username, ip):
    cache.delete(_keys(username, ip)[0])
