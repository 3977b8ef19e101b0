"""Feeds: follows, feed items (posts, system items, alerts, forwards), the per-user inbox, comments,
reactions, attachments, mentions and notifications.

One `FeedItem` table holds every kind of item; `Post` is a proxy over the posts so other apps can point
a foreign key at "a post". `FeedItemSubject` rows place an item on its primary subject, its tags and
all their ancestors (resolved when the item is written), so a subject's feed, including its
descendants' items, is one index range. `InboxEntry` is the fan-out on write: one row per recipient.
"""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone

from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Tenant


class Follow(models.Model):
    class Source(models.TextChoices):
        MANUAL = "manual", "Followed"
        AUTO = "auto", "Created or owns it"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="follows")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "subject"], name="follow_unique_user_subject")]
        # The fan-out reads follows by subject; the Following page reads them by user.
        indexes = [
            models.Index(fields=["subject", "user"], name="follow_by_subject"),
            models.Index(fields=["user", "tenant", "-created"], name="follow_by_user"),
        ]

    def __str__(self):
        return f"{self.user_id} follows {self.subject_id}"


class Visibility(models.TextChoices):
    INTERNAL = "internal", "Internal (our people)"
    PARTNERS = "partners", "Also the partners this is shared with"


class FeedItem(models.Model):
    class Kind(models.TextChoices):
        POST = "post", "Post"
        SYSTEM = "system", "Update"
        ALERT = "alert", "Alert"
        FORWARD = "forward", "Forward"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="feed_items")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(
        max_length=80, blank=True, help_text="System items: what happened, e.g. plan.publish"
    )
    body = models.TextField(blank=True, help_text="Markdown source (posts, forward notes) or plain text")
    body_html = models.TextField(blank=True, help_text="Sanitised HTML rendered from body when written")
    data = models.JSONField(default=dict, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL)
    forwarded_item = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="forwards"
    )
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set when the inbox rows are written. Still empty a while after `created` means the fan-out message
    # was lost (worker killed, Redis restarted): the beat sweep fans the item out then.
    fanned_out_at = models.DateTimeField(null=True, blank=True, editable=False)
    # PostgreSQL full-text vector of the body (kept by the actions; NULL on SQLite, which searches plainly).
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["tenant", "-created", "-id"], name="feeditem_tenant_created"),
            models.Index(
                fields=["created"],
                condition=models.Q(fanned_out_at__isnull=True),
                name="feeditem_pending_fan_out",
            ),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} on {self.subject_id}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("feeds:post", kwargs={"tenant_slug": self.tenant.slug, "post_id": self.pk})

    @property
    def is_deleted(self):
        return self.deleted_at is not None


class PostManager(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(kind=FeedItem.Kind.POST)


class Post(FeedItem):
    """The posts among the feed items (a proxy: same table). Other apps link a post with a FK to this."""

    objects = PostManager()

    class Meta:
        proxy = True


class FeedItemSubject(models.Model):
    class Relation(models.IntegerChoices):
        PRIMARY = 0, "Posted on"
        TAGGED = 1, "Tagged"
        ANCESTOR = 2, "Inside"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="placements")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    relation = models.SmallIntegerField(choices=Relation.choices)
    created = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "subject"], name="feeditemsubject_unique")]
        indexes = [models.Index(fields=["subject", "-created", "-item"], name="feeditemsubject_feed")]

    def __str__(self):
        return f"item {self.item_id} on {self.subject_id}"


class PostRevision(models.Model):
    """A post's body before an edit: the edit history."""

    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    body_html = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"revision of {self.item_id} at {self.created}"


class Comment(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    body_html = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created", "id"]
        indexes = [models.Index(fields=["item", "created"], name="comment_by_item")]

    def __str__(self):
        return f"comment {self.pk} on {self.item_id}"


class Reaction(models.Model):
    class Kind(models.TextChoices):
        ACK = "ack", "Acknowledged"
        LIKE = "like", "Like"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "user", "kind"], name="reaction_unique_per_user")
        ]

    def __str__(self):
        return f"{self.kind} by {self.user_id} on {self.item_id}"


class Mention(models.Model):
    """A person named with @username in a post, comment or forward note (or a forward's recipient)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"@{self.user_id} in {self.item_id}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", "Image"
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel workbook"
        CSV = "csv", "CSV"
        DOCX = "docx", "Word document"
        PPTX = "pptx", "PowerPoint"
        ZIP = "zip", "ZIP archive"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Stored under a random name; the user's file name is only ever shown and sent as a download name.
    file = models.FileField(upload_to="feeds/", max_length=200)
    thumbnail = models.FileField(upload_to="feeds/", max_length=200, blank=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self):
        return self.kind == self.Kind.IMAGE


class InboxEntry(models.Model):
    """One item in one user's home feed (written by the fan-out; Zulip's UserMessage).

    The fan-out writes one row per follower, so every index and checked foreign key here is paid a
    thousand times per item (see `do_fan_out_item`). The user has no index of its own: the unique
    (user, item) and `inbox_feed` indexes both start with it. `tenant` (a copy of the item's tenant,
    which the item's own key checks) and `reason_subject` (the "because you follow" hint) keep no database
    constraint: their checks ran at COMMIT once per row (a few ms per 1,000 rows each). Deletes through the
    ORM still cascade to these rows; only the tenant lookup has no index (deleting a tenant scans).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    created = models.DateTimeField()
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="+")
    reason_subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_constraint=False
    )
    unread = models.BooleanField(default=True)
    mention = models.BooleanField(default=False)
    alert = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item"], name="inbox_unique_user_item")]
        indexes = [
            models.Index(fields=["user", "tenant", "-created", "-item"], name="inbox_feed"),
            # The unread badges (every home page, every live push) count these; without it the count
            # read all of a user's inbox rows (12,500 each in the full bench) to keep the unread ones.
            models.Index(fields=["user", "tenant"], condition=models.Q(unread=True), name="inbox_unread"),
        ]

    def __str__(self):
        return f"{self.item_id} for {self.user_id}"


class Notification(models.Model):
    """A bell entry: someone mentioned you, forwarded you a post, commented on your post, or an alert."""

    class Verb(models.TextChoices):
        MENTION = "mention", "mentioned you"
        FORWARD = "forward", "forwarded you a post"
        COMMENT = "comment", "commented on your post"
        ALERT = "alert", "alert"
        TASK = "task", "assigned you a task"
        APPROVAL = "approval", "asked for your approval"
        DECISION = "decision", "made you owner of a decision"
        MEETING = "meeting", "asked you to a meeting"
        MINUTES = "minutes", "sent the minutes of a meeting"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedItem, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    verb = models.CharField(max_length=10, choices=Verb.choices)
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "tenant", "-created"], name="notification_by_user")]

    def __str__(self):
        return f"{self.verb} for {self.user_id} on {self.item_id}"


class NotificationPreference(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    in_app = models.BooleanField(default=True, help_text="Show notifications under the bell")
    email_immediate = models.BooleanField(
        default=False, help_text="E-mail me each notification as it happens"
    )
    email_digest = models.BooleanField(default=True, help_text="E-mail me a daily digest of unread items")
    auto_follow = models.BooleanField(
        default=True, help_text="Follow what I post on or create (and, for partners, what is shared with us)"
    )
    last_digest_at = models.DateTimeField(null=True, blank=True)
    # Phone notifications (Web Push), per category; sent only to the browsers the person subscribed.
    push_mentions = models.BooleanField(default=True, help_text="Mentions and posts forwarded to me")
    push_tasks = models.BooleanField(default=True, help_text="Tasks assigned to me or due")
    push_approvals = models.BooleanField(default=True, help_text="Plan versions waiting for my approval")
    push_high_alerts = models.BooleanField(default=True, help_text="High alerts on what I follow")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="notificationpref_unique")]

    def __str__(self):
        return f"preferences of {self.user_id} in {self.tenant_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription for one person in one tenant (what `PushManager.subscribe`
    returned there). The endpoint is a capability URL at the browser's push service; the keys encrypt
    the payload for that browser only. A browser subscribed in two tenants has one row in each."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000)  # feeds.push.ENDPOINT_MAX_LENGTH
    p256dh = models.CharField(max_length=200, help_text="The browser's P-256 public key (base64url)")
    auth = models.CharField(max_length=100, help_text="The browser's auth secret (base64url)")
    user_agent = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failure_count = models.PositiveIntegerField(default=0, help_text="Failed sends since the last success")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "endpoint"], name="pushsubscription_unique_endpoint")
        ]
        indexes = [models.Index(fields=["user", "tenant"], name="pushsubscription_by_user")]

    def __str__(self):
        return f"push subscription {self.pk} of {self.user_id}"

    @property
    def push_service(self):
        """The push service's host (shown and audited; the endpoint itself is a capability)."""
        from urllib.parse import urlsplit

        try:
            return urlsplit(self.endpoint).hostname or "unknown push service"
        except ValueError:
            return "unknown push service"

    @property
    def device_label(self):
        """ "Chrome on Android" from the user agent it was subscribed with, for the person's device list."""
        ua = self.user_agent
        browsers = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
        systems = (
            ("Android", "Android"),
            ("iPhone", "iPhone"),
            ("iPad", "iPad"),
            ("Windows", "Windows"),
            ("Mac OS X", "macOS"),
            ("Linux", "Linux"),
        )
        browser = next((name for mark, name in browsers if mark in ua), "A browser")
        system = next((name for mark, name in systems if mark in ua), "")
        return f"{browser} on {system}" if system else browser
