"""The names feeds' Celery tasks are registered under (feeds.tasks), for whoever queues or schedules
them: the feed actions, the beat schedule in config.settings. Plain strings, no imports of task code."""

FAN_OUT_ITEM = "feeds.fan_out_item"
SWEEP_FAN_OUT = "feeds.sweep_fan_out"
SEND_NOTIFICATION_EMAILS = "feeds.send_notification_emails"
SWEEP_NOTIFICATION_EMAILS = "feeds.sweep_notification_emails"
SEND_DAILY_DIGESTS = "feeds.send_daily_digests"
SEND_PUSH_NOTIFICATIONS = "feeds.send_push_notifications"
