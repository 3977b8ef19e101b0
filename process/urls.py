"""Process pages under /t/<slug>/: each area (cycle calendar, tasks, My work, meetings and decisions,
people and teams) keeps its routes in its own block below."""

from django.urls import path

from .views import cycles, meetings, people, tasks

app_name = "process"
urlpatterns = [
    # cycle calendar
    path("cycles/<int:cycle_id>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/", cycles.phase_detail, name="phase"),
    # tasks
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    # meetings and decisions
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("decisions/<int:decision_id>/", meetings.decision_detail, name="decision"),
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
