"""Every write in feeds. `check_*` validates input (raising ValidationError keyed by field, writing
nothing) and calls `do_*`, which writes the rows and the audit event in one transaction and queues
the fan-out (inbox rows, live pushes, e-mails) to run after commit.

The functions other apps call:
  check_create_post(member, *, subject, body, tagged=(), files=(), visibility="internal") -> Post
  do_create_system_item(*, tenant, subject, tagged=(), actor=None, verb, text, data=None, kind="system")
  do_follow(member, subject) / do_unfollow(member, subject) / do_auto_follow(tenant=, user=, subject=)
  do_auto_follow_many(tenant=, pairs=[(user, subject), ...])  (a batch, in a fixed number of queries)
  notify_users(item, user_ids, verb, actor)  (bell entries and e-mails by preference: tasks, approvals)
All work inside an outer transaction.atomic (their side effects wait for the outermost commit).

Where they live: posts and system items in `posts`, comments/reactions/forwards in `conversation`,
follows in `follows`, reading state and preferences in `read_state`; the fan-out run after commit in
`feeds.fan_out` and the e-mails in `feeds.mail` (re-exported here too).
"""

from ..fan_out import do_fan_out_item, items_awaiting_fan_out
from ..mail import do_send_daily_digests, do_send_notification_emails
from ..notifications import notify_users
from .conversation import (
    MAX_FORWARD_RECIPIENTS,
    check_create_comment,
    check_forward_post,
    do_create_comment,
    do_forward_post,
    do_toggle_reaction,
)
from .follows import do_auto_follow, do_auto_follow_many, do_follow, do_unfollow
from .posts import (
    MAX_TAGS,
    check_create_post,
    check_delete_post,
    check_edit_post,
    do_create_post,
    do_create_system_item,
    do_delete_post,
    do_edit_post,
)
from .read_state import do_mark_notifications_read, do_mark_read, do_save_preferences

__all__ = [
    "MAX_FORWARD_RECIPIENTS",
    "MAX_TAGS",
    "check_create_comment",
    "check_create_post",
    "check_delete_post",
    "check_edit_post",
    "check_forward_post",
    "do_auto_follow",
    "do_auto_follow_many",
    "do_create_comment",
    "do_create_post",
    "do_create_system_item",
    "do_delete_post",
    "do_edit_post",
    "do_fan_out_item",
    "do_follow",
    "do_forward_post",
    "do_mark_notifications_read",
    "do_mark_read",
    "do_save_preferences",
    "notify_users",
    "do_send_daily_digests",
    "do_send_notification_emails",
    "do_toggle_reaction",
    "do_unfollow",
    "items_awaiting_fan_out",
]
