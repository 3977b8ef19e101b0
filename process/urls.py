"""Process pages under /t/<slug>/: each area (cycle calendar, tasks, My work, meetings and decisions,
people and teams) keeps its routes in its own block below."""

from django.urls import path

from .views import cycles, meetings, my_work, tasks

app_name = "process"
urlpatterns = [
    # cycle calendar
    path("cycles/<int:cycle_id>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:cycle_id>/phases/<int:phase_id>/", cycles.phase_detail, name="phase"),
    # tasks
    path("tasks/<int:task_id>/", tasks.task_detail, name="task"),
    # my work
    path("my-work/", my_work.my_work, name="my_work"),
    path("my-work/approve/<int:version_id>/", my_work.approve_version, name="approve_version"),
    # meetings and decisions
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("decisions/<int:decision_id>/", meetings.decision_detail, name="decision"),
]
