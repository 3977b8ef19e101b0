from django.urls import path

from . import views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.alert_list, name="list"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/acknowledge/", views.alert_acknowledge, name="acknowledge"),
    path("alerts/<int:alert_id>/snooze/", views.alert_snooze, name="snooze"),
    path("alerts/<int:alert_id>/assign/", views.alert_assign, name="assign"),
    path("alerts/<int:alert_id>/resolve/", views.alert_resolve, name="resolve"),
    path("s/<int:subject_id>/alerts/", views.subject_alerts, name="subject_alerts"),
    path("rules/", views.rule_list, name="rules"),
    path("rules/new/", views.rule_new, name="rule_new"),
    path("rules/params/", views.rule_params, name="rule_params"),
    path("rules/<int:rule_id>/", views.rule_detail, name="rule"),
    path("rules/<int:rule_id>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", views.rule_toggle, name="rule_toggle"),
    path("rules/<int:rule_id>/delete/", views.rule_delete, name="rule_delete"),
]
