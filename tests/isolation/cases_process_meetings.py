"""Meetings, agenda, decisions, the meeting pack and the decisions API (process: meetings area)."""

from process.models import AgendaItem

from .cases_process import _meeting
from .registry import RouteCase

MEETING = {"title": "Exec", "starts_at": "2026-12-15T09:00", "ends_at": "2026-12-15T10:00", "cycle": "1"}
DECISION = {"question": "Build ahead?", "options": "Yes\nNo", "owner": ""}

ROUTES = [
    RouteCase("process:meeting_new", methods=("GET", "POST"), data=MEETING),
    RouteCase("process:meeting_edit", methods=("GET", "POST"), data=MEETING),
    RouteCase("process:meeting_cancel", methods=("POST",), data={"reason": "moved"}),
    RouteCase("process:meeting_minutes", methods=("POST",), data={"minutes": "Agreed"}),
    RouteCase("process:meeting_close", methods=("POST",), data={"minutes": "Agreed"}),
    RouteCase("process:agenda_refresh", methods=("POST",)),
    RouteCase("process:agenda_add", methods=("POST",), data={"title": "AOB", "note": ""}),
    RouteCase("process:agenda_item_edit", methods=("POST",), data={"title": "x", "note": "", "outcome": ""}),
    RouteCase("process:agenda_item_move", methods=("POST",), data={"direction": "up"}),
    RouteCase("process:agenda_item_remove", methods=("POST",)),
    RouteCase("process:meeting_pack"),
    RouteCase("process:meeting_pack_pdf"),
    RouteCase("process:decisions"),
    RouteCase("process:decisions_csv"),
    RouteCase("process:decision_new", methods=("GET", "POST"), data=DECISION),
    RouteCase("process:decision_edit", methods=("GET", "POST"), data=DECISION),
    RouteCase("process:decision_decide", methods=("POST",), data={"choice": "Yes", "rationale": ""}),
    RouteCase("process:decision_cancel", methods=("POST",), data={"reason": ""}),
    RouteCase("process:decision_task", methods=("POST",), data={"title": "Call Leeds", "assignee": ""}),
    RouteCase("process_decisions_api:decisions", methods=("GET", "POST"), data={"question": "x"}),
    RouteCase("process_decisions_api:decision_decide", methods=("POST",), data={"choice": "x"}),
]

KWARGS = {
    "agenda_item_id": lambda world: (
        world.once(
            "sop_agenda_item",
            lambda: AgendaItem.objects.create(
                tenant=world.tenant, meeting=_meeting(world), title="Victim item"
            ),
        ).pk
    ),
}
