"""Audit verbs: one closed vocabulary per app, each verb with the words a trail reads it in.

A trail reads "Alex changed a plan cell", not "planning.cell_change"; the verb itself stays the record
(pages show it on hover and in the CSV export, the log filters on it). Each app defines a `Verb` enum
(`feeds/verbs.py`, `planning/verbs.py`, `alerts/verbs.py`; the core's own is `CoreVerb` below) and
registers it in `AppConfig.ready()`. `record()` writes only members of a registered enum, so every verb
that can ever be stored is a member with a label and can be found by grepping its name (Zulip's
`AuditLogEventType`).

Members are declared as `NAME = ("stored.value", "label")`. The stored values never change: audit rows
written before are hash-chained with them, and filters (`?verb=` on the log page) match them.
"""

from enum import StrEnum
from typing import Self

from django.core.exceptions import ImproperlyConfigured


class Verb(StrEnum):
    """Base of the apps' verb enums: a member is its stored string and carries a `label`."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class UnknownVerbError(ValueError):
    """An audit event was about to be written with a verb that is not a member of a registered enum."""


class CoreVerb(Verb):
    """What the core audits: workspaces, partners, members and invitations, sharing, API keys."""

    TENANT_CREATE = ("tenant.create", "created the workspace")
    TENANT_SUSPEND = ("tenant.suspend", "suspended the workspace")
    TENANT_REACTIVATE = ("tenant.reactivate", "reactivated the workspace")
    TENANT_SETTINGS = ("tenant.settings", "changed the workspace settings")
    TENANT_SIGNUP = ("tenant.signup", "signed the organisation up")
    PARTNER_CREATE = ("partner.create", "added a partner organisation")
    PARTNER_RENAME = ("partner.rename", "renamed a partner organisation")
    PARTNER_DEACTIVATE = ("partner.deactivate", "deactivated a partner organisation")
    MEMBER_ADD = ("member.add", "added a member")
    MEMBER_CHANGE_ROLE = ("member.change_role", "changed a member's role")
    MEMBER_REMOVE = ("member.remove", "removed a member")
    INVITATION_CREATE = ("invitation.create", "invited someone")
    INVITATION_ACCEPT = ("invitation.accept", "accepted an invitation")
    INVITATION_REVOKE = ("invitation.revoke", "revoked an invitation")
    SUBJECT_SHARE = ("subject.share", "shared with a partner")
    SUBJECT_UNSHARE = ("subject.unshare", "stopped sharing with a partner")
    API_KEY_CREATE = ("api.key_create", "created an API key")
    API_KEY_REVOKE = ("api.key_revoke", "revoked an API key")


_ENUMS: list[type[Verb]] = []
_BY_VALUE: dict[str, Verb] = {}


def register(enum: type[Verb]) -> None:
    """Make an app's verbs writable and readable. A value may belong to one member of one enum only."""
    if enum in _ENUMS:
        return
    for member in enum:
        if not member.label:
            raise ImproperlyConfigured(f"audit verb {enum.__name__}.{member.name} has no label")
        taken = _BY_VALUE.get(member.value)
        if taken is not None:
            raise ImproperlyConfigured(
                f"audit verb {member.value!r} is both {type(taken).__name__}.{taken.name} "
                f"and {enum.__name__}.{member.name}"
            )
    _ENUMS.append(enum)
    _BY_VALUE.update({member.value: member for member in enum})


def registered() -> tuple[type[Verb], ...]:
    return tuple(_ENUMS)


def checked(verb: object) -> Verb:
    """`verb` if it is a member of a registered enum; a plain string (even a known value) is refused,
    so no call site can slip back to literals or f-strings."""
    if not isinstance(verb, Verb) or _BY_VALUE.get(verb.value) is not verb:
        raise UnknownVerbError(
            f"{verb!r} is not a registered audit verb: add it to its app's Verb enum (e.g. feeds/verbs.py)"
        )
    return verb


def label(verb: str) -> str:
    """The words for a stored verb; a value no enum holds (a row written before its verb was renamed
    or retired) is shown as it is."""
    member = _BY_VALUE.get(verb)
    return member.label if member is not None else verb
