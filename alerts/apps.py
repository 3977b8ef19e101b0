from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from sopsocial.audit import verbs

        verbs.register(
            {
                "alert.raise": "raised an alert",
                "alert.escalate": "escalated an alert",
                "alert.auto_resolve": "resolved an alert (the condition cleared)",
                "alert.acknowledge": "acknowledged an alert",
                "alert.snooze": "snoozed an alert",
                "alert.wake": "woke a snoozed alert",
                "alert.assign": "assigned an alert",
                "alert.resolve": "resolved an alert",
                "rule.create": "created a rule",
                "rule.update": "changed a rule",
                "rule.enable": "switched a rule on or off",
                "rule.delete": "deleted a rule",
            }
        )
        from sopsocial.pages import nav, panels
        from sopsocial.tenancy.policy import Perm

        nav.register(nav.NavItem("Alerts", "alerts:list", order=40, external_ok=False))
        nav.register(nav.NavItem("Rules", "alerts:rules", order=80, perm=Perm.MANAGE_RULES))
        panels.register(panels.Panel("Alerts", "alerts:subject_alerts", order=20, external_ok=True))
