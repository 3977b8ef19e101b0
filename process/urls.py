"""Process pages under /t/<slug>/: each area (cycle calendar, tasks, My work, meetings and decisions,
people and teams) keeps its routes in its own block below."""

from django.urls import path

from .views import cycles, decisions, meetings, my_work, people, tasks

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
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/edit/", cycles.phase_edit, name="phase_edit"),
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
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/new/", tasks.task_new, name="task_new"),
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    # my work
    path("my-work/", my_work.my_work, name="my_work"),
    path("my-work/approve/<int:version_id>/", my_work.approve_version, name="approve_version"),
    path("tasks/<int:task_id>/status/", tasks.task_status, name="task_status"),
    path("tasks/<int:task_id>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/transfer/", tasks.task_transfer, name="task_transfer"),
    path("tasks/<int:task_id>/checklist/<int:item_id>/", tasks.task_check, name="task_check"),
    path("s/<int:subject_id>/tasks/", tasks.subject_tasks, name="subject_tasks"),
    path("away/", tasks.away, name="away"),
    path("away/<int:absence_id>/end/", tasks.away_end, name="away_end"),
    # meetings and decisions
    path("meetings/new/", meetings.meeting_new, name="meeting_new"),
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:meeting_id>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/minutes/", meetings.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:meeting_id>/close/", meetings.meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/agenda/refresh/", meetings.agenda_refresh, name="agenda_refresh"),
    path("meetings/<int:meeting_id>/agenda/add/", meetings.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/",
        meetings.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/move/",
        meetings.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "meetings/<int:meeting_id>/agenda/<int:agenda_item_id>/remove/",
        meetings.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path("meetings/<int:meeting_id>/pack/", meetings.meeting_pack, name="meeting_pack"),
    path("meetings/<int:meeting_id>/pack.pdf", meetings.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("decisions/", decisions.decision_register, name="decisions"),
    path("decisions/export.csv", decisions.decision_register_csv, name="decisions_csv"),
    path("decisions/new/", decisions.decision_new, name="decision_new"),
    path("decisions/<int:decision_id>/", decisions.decision_detail, name="decision"),
    path("decisions/<int:decision_id>/edit/", decisions.decision_edit, name="decision_edit"),
    path("decisions/<int:decision_id>/decide/", decisions.decision_decide, name="decision_decide"),
    path("decisions/<int:decision_id>/cancel/", decisions.decision_cancel, name="decision_cancel"),
    path("decisions/<int:decision_id>/tasks/", decisions.decision_task, name="decision_task"),
    # people and teams
    path("people/<int:membership_id>/", people.person, name="person"),
    path("teams/", people.teams, name="teams"),
    path("teams/new/", people.team_create, name="team_create"),
    path("teams/<int:team_id>/", people.team, name="team"),
    path("teams/<int:team_id>/edit/", people.team_edit, name="team_edit"),
    path("teams/<int:team_id>/delete/", people.team_delete, name="team_delete"),
    path("teams/<int:team_id>/members/", people.team_member_add, name="team_member_add"),
    path(
        "teams/<int:team_id>/members/<int:membership_id>/remove/",
        people.team_member_remove,
        name="team_member_remove",
    ),
    path("teams/<int:team_id>/follows/", people.team_follows_add, name="team_follows_add"),
    path(
        "teams/<int:team_id>/follows/<int:subject_id>/remove/",
        people.team_follow_remove,
        name="team_follow_remove",
    ),
]
