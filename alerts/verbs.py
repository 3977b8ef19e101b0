"""What alerts audits: an alert's life (raised by evaluation, handled by people) and rule changes."""

from sopsocial.audit.verbs import Verb


class AlertsVerb(Verb):
    RAISE = ("alert.raise", "raised an alert")
    ESCALATE = ("alert.escalate", "escalated an alert")
    UPDATE = ("alert.update", "updated an alert")
    AUTO_RESOLVE = ("alert.auto_resolve", "resolved an alert (the condition cleared)")
    ACKNOWLEDGE = ("alert.acknowledge", "acknowledged an alert")
    SNOOZE = ("alert.snooze", "snoozed an alert")
    WAKE = ("alert.wake", "woke a snoozed alert")
    ASSIGN = ("alert.assign", "assigned an alert")
    RESOLVE = ("alert.resolve", "resolved an alert")
    RULE_CREATE = ("rule.create", "created a rule")
    RULE_UPDATE = ("rule.update", "changed a rule")
    RULE_ENABLE = ("rule.enable", "switched a rule on")
    RULE_DISABLE = ("rule.disable", "switched a rule off")
    RULE_DELETE = ("rule.delete", "deleted a rule")
