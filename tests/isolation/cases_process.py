from ..process.factories import make_cycle, make_decision, make_meeting, make_phase, make_task
from .registry import RouteCase


def _cycle(world):
    return world.once("sop_cycle", lambda: make_cycle(world.tenant))


def _phase(world):
    return world.once("sop_phase", lambda: make_phase(_cycle(world)))


def _meeting(world):
    return world.once("sop_meeting", lambda: make_meeting(_cycle(world), phase=_phase(world)))


# Routes every process area shares; each area's own routes are in cases_process_<area>.py.
ROUTES = [
    RouteCase("process:cycle"),
    RouteCase("process:phase"),
    RouteCase("process:task", external_ok=True),
    RouteCase("process:meeting"),
    RouteCase("process:decision"),
]

KWARGS = {
    "cycle_id": lambda world: _cycle(world).pk,
    "phase_id": lambda world: _phase(world).pk,
    "task_id": lambda world: world.once("sop_task", lambda: make_task(world.tenant, phase=_phase(world))).pk,
    "meeting_id": lambda world: _meeting(world).pk,
    "decision_id": lambda world: (
        world.once("sop_decision", lambda: make_decision(world.tenant, meeting=_meeting(world))).pk
    ),
}
