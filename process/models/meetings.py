"""Meetings of a cycle (agenda, attendees, minutes) and the decisions register."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, Subject, SubjectKind
from sopsocial.tenancy.models import Membership, Tenant

from .cycles import CyclePhase, SopCycle


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(HasSubject):
    subject_kind = SubjectKind.MEETING

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(SopCycle, on_delete=models.CASCADE, related_name="meetings")
    phase = models.ForeignKey(
        CyclePhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True, help_text="A room or a call link")
    organiser = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendees = models.ManyToManyField(
        Membership, through="MeetingAttendee", related_name="meetings", blank=True
    )
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def subject_parents(self):
        return [self.phase or self.cycle]

    def get_absolute_url(self):
        return reverse("process:meeting", kwargs={"tenant_slug": self.tenant.slug, "meeting_id": self.pk})


class MeetingAttendee(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendee_links")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="meeting_attendee_unique")]

    def __str__(self):
        return f"{self.member_id} at {self.meeting_id}"


class AgendaItem(models.Model):
    """One point of a meeting's agenda. Built from what needs a decision (versions to approve, open
    high alerts, overdue tasks...) and editable; `subject` links back to the thing itself."""

    class Kind(models.TextChoices):
        VERSION = "version", "Plan version to approve"
        ALERT = "alert", "Open high alert"
        TASK = "task", "Overdue task"
        DECISION = "decision", "Decision due"
        SCENARIO = "scenario", "Scenario"
        ASSUMPTION = "assumption", "Assumption"
        OTHER = "other", "Other"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(max_length=300)
    subject = models.ForeignKey(Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    link = models.CharField(max_length=500, blank=True)
    note = models.TextField(blank=True)
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class DecisionStatus(models.TextChoices):
    OPEN = "open", "To decide"
    DECIDED = "decided", "Decided"
    CANCELLED = "cancelled", "Cancelled"


class Decision(HasSubject):
    """A decision is a subject: its question, the options considered, the choice and why, who owns it
    and the effect expected (a KPI moving in a direction by a size within a horizon), which the
    scorecard later checks against actuals."""

    class Direction(models.TextChoices):
        UP = "up", "Up"
        DOWN = "down", "Down"
        HOLD = "hold", "Hold"

    subject_kind = SubjectKind.DECISION

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(
        SopCycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    about = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    question = models.CharField(max_length=300)
    options = models.JSONField(default=list, blank=True, help_text="The options considered, as text")
    choice = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    owner = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="owned_decisions"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    expected_kpi = models.CharField(max_length=100, blank=True, help_text="e.g. forecast accuracy, fill rate")
    expected_direction = models.CharField(max_length=4, choices=Direction.choices, blank=True)
    expected_size = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    expected_unit = models.CharField(max_length=20, blank=True, help_text="%, units, cases, days...")
    horizon_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["tenant", "status", "-created"], name="decision_register"),
            models.Index(fields=["owner", "status", "due_on"], name="decision_by_owner"),
        ]

    def __str__(self):
        return self.question

    def subject_parents(self):
        return [p for p in (self.meeting or self.cycle, self.about) if p is not None]

    def get_absolute_url(self):
        return reverse("process:decision", kwargs={"tenant_slug": self.tenant.slug, "decision_id": self.pk})
