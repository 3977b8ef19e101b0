"""Process pages under /t/<slug>/: each area (cycle calendar, tasks, My work, meetings and decisions,
people and teams) keeps its routes in its own block below."""

from django.urls import path

from .views import cycles, meetings, tasks

app_name = "process"
urlpatterns = [
    # cycle calendar
    path("cycles/", cycles.cycle_list, name="cycles"),
    path("cycles/start/", cycles.cycle_start, name="cycle_start"),
    path("cycles/<int:cycle_id>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/calendar.ics", cycles.cycle_ics, name="cycle_ics"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/", cycles.phase_detail, name="phase"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/start/", cycles.phase_start, name="phase_start"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/close/", cycles.phase_close, name="phase_close"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/reopen/", cycles.phase_reopen, name="phase_reopen"),
    path("cycle-settings/", cycles.cycle_settings, name="cycle_settings"),
    path("cycle-settings/phases/new/", cycles.phase_template_new, name="phase_template_new"),
    path(
        "cycle-settings/phases/<int:phase_template_id>/",
        cycles.phase_template_edit,
        name="phase_template_edit",
    ),
    path(
        "cycle-settings/phases/<int:phase_template_id>/delete/",
        cycles.phase_template_delete,
        name="phase_template_delete",
    ),
    path(
        "cycle-settings/phases/<int:phase_template_id>/tasks/",
        cycles.task_template_new,
        name="task_template_new",
    ),
    path(
        "cycle-settings/tasks/<int:task_template_id>/delete/",
        cycles.task_template_delete,
        name="task_template_delete",
    ),
    # tasks
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    # meetings and decisions
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("decisions/<int:decision_id>/", meetings.decision_detail, name="decision"),
]
