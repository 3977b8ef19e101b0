"""Reads the process pages, the exports and the API share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sopsocial.pages.filters import where_given
from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.models import Membership, Tenant

from ..models import Decision, DecisionStatus

# --- meetings and decisions ---------------------------------------------------------------------------

MAX_FILTER_TEXT = 100


@dataclass(frozen=True)
class DecisionFilters:
    """The register's filters; every one optional. Parsed from a query string by `from_query`."""

    status: str | None = None
    owner_id: int | None = None
    cycle_id: int | None = None
    kpi: str = ""
    text: str = ""

    @classmethod
    def from_query(cls, query: dict[str, str]) -> DecisionFilters:
        """Unknown or malformed values are ignored (a filter that cannot apply does not apply)."""
        status = query.get("status") or None
        return cls(
            status=status if status in DecisionStatus.values else None,
            owner_id=ascii_int(query.get("owner") or ""),
            cycle_id=ascii_int(query.get("cycle") or ""),
            kpi=_text(query.get("kpi")),
            text=_text(query.get("q")),
        )

    def as_query(self) -> dict[str, str]:
        pairs = {
            "status": self.status or "",
            "owner": str(self.owner_id or ""),
            "cycle": str(self.cycle_id or ""),
            "kpi": self.kpi,
            "q": self.text,
        }
        return {k: v for k, v in pairs.items() if v}


def _text(value: str | None) -> str:
    return (value or "").replace("\x00", "").strip()[:MAX_FILTER_TEXT]


def decisions_for(member: Membership, filters: DecisionFilters | None = None) -> QuerySet[Decision]:
    """The register as a member sees it: all of the tenant's decisions for staff, none for a partner's
    user (decisions are internal)."""
    if member.is_external:
        return Decision.objects.none()
    return decisions_in(member.tenant, filters)


def decisions_in(tenant: Tenant, filters: DecisionFilters | None = None) -> QuerySet[Decision]:
    """The tenant's decisions matching `filters`, newest first, with what the register shows joined in."""
    filters = filters or DecisionFilters()
    qs = Decision.objects.filter(tenant=tenant)
    qs = where_given(
        qs,
        status=filters.status,
        owner_id=filters.owner_id,
        cycle_id=filters.cycle_id,
    )
    if filters.kpi:
        qs = qs.filter(expected_kpi__icontains=filters.kpi)
    if filters.text:
        qs = qs.filter(
            Q(question__icontains=filters.text)
            | Q(choice__icontains=filters.text)
            | Q(rationale__icontains=filters.text)
        )
    return qs.select_related(
        "tenant", "subject", "owner__user", "cycle__plan_cycle", "meeting", "about"
    ).order_by("-created", "-id")
