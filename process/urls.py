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
    path("meetings/<int:meeting_id>/", meetings.meeting_detail, name="meeting"),
    path("decisions/<int:decision_id>/", meetings.decision_detail, name="decision"),
]
