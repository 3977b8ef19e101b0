"""Who really receives work meant for someone: their stand-in while they are away."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sopsocial.tenancy.models import Membership

from .models import Absence


def away_on(member: Membership, day: dt.date | None = None) -> Absence | None:
    """The member's absence covering `day` (today by default), if any."""
    day = day or timezone.localdate()
    return (
        Absence.objects.filter(member=member, starts_on__lte=day, ends_on__gte=day)
        .select_related("stand_in__user")
        .order_by("-created")
        .first()
    )


def receiver_for(member: Membership, day: dt.date | None = None) -> tuple[Membership, Membership | None]:
    """(who receives work meant for `member`, whom they stand in for or None). One hop only: a
    stand-in who is away too is still the receiver, so work never chases a chain of absences."""
    absence = away_on(member, day)
    if absence is None or not absence.stand_in.is_active:
        return member, None
    return absence.stand_in, member
