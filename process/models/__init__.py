"""The S&OP process: cycles and their phases, tasks, meetings, decisions, absences and team defaults."""

from .cycles import (
    Absence,
    CyclePhase,
    PhaseStatus,
    PhaseTaskTemplate,
    PhaseTemplate,
    ProcessSettings,
    SopCycle,
)
from .meetings import AgendaItem, Decision, DecisionStatus, Meeting, MeetingAttendee, MeetingStatus
from .people import TeamDefaultFollow
from .tasks import ChecklistItem, Task, TaskSource, TaskStatus

__all__ = [
    "Absence",
    "AgendaItem",
    "ChecklistItem",
    "CyclePhase",
    "Decision",
    "DecisionStatus",
    "Meeting",
    "MeetingAttendee",
    "MeetingStatus",
    "PhaseStatus",
    "PhaseTaskTemplate",
    "PhaseTemplate",
    "ProcessSettings",
    "SopCycle",
    "Task",
    "TaskSource",
    "TaskStatus",
    "TeamDefaultFollow",
]
