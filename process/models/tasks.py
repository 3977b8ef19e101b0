"""Tasks: an assignee (a person or a team), a due date, a checklist and a link to what it is about."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from sopsocial.subjects.models import HasSubject, Subject, SubjectKind
from sopsocial.tenancy.models import Membership, Team, Tenant

from .cycles import CyclePhase


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class TaskSource(models.TextChoices):
    HAND = "hand", "Created by hand"
    TEMPLATE = "template", "From the phase template"
    ALERT = "alert", "From an alert"
    DECISION = "decision", "From a decision"
    API = "api", "Through the API"


class Task(HasSubject):
    subject_kind = SubjectKind.TASK

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # A person or a team (one of them, or neither: unassigned).
    assignee_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tasks"
    )
    assignee_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="assigned_tasks"
    )
    # Set when the task went to a stand-in because its assignee is away: who it was meant for.
    standing_in_for = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    phase = models.ForeignKey(
        CyclePhase, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    # What the task is about: any subject (an order, a plan version, a decision...), optionally an
    # alert, and `about_link` for the exact place (a plan cell's URL).
    about = models.ForeignKey(Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks")
    about_alert = models.ForeignKey(
        Alert, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    about_link = models.CharField(max_length=500, blank=True)
    decision = models.ForeignKey(
        "process.Decision", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_up_tasks"
    )
    source = models.CharField(max_length=10, choices=TaskSource.choices, default=TaskSource.HAND)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the reminder sweep has done, so each reminder goes out once.
    reminded_due_on = models.DateField(
        null=True, blank=True, help_text="Due date the advance reminder was for"
    )
    reminded_overdue_on = models.DateField(
        null=True, blank=True, help_text="Day of the last overdue reminder"
    )
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(assignee_member__isnull=False, assignee_team__isnull=False),
                name="task_one_assignee",
            )
        ]
        indexes = [
            models.Index(fields=["assignee_member", "status", "due_on"], name="task_by_assignee"),
            models.Index(fields=["assignee_team", "status", "due_on"], name="task_by_team"),
            models.Index(fields=["tenant", "status", "due_on"], name="task_by_tenant_due"),
        ]

    def __str__(self):
        return self.title

    def subject_parents(self):
        return [p for p in (self.phase, self.about) if p is not None]

    def get_absolute_url(self):
        return reverse("process:task", kwargs={"tenant_slug": self.tenant.slug, "task_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TASK_STATUSES

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_on is not None and self.due_on < today


class ChecklistItem(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="checklist")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.text
