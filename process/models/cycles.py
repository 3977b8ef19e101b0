"""The cycle calendar: a tenant's phase template, each month's cycle and its phases, and absences."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from planning.models import PlanCycle, PlanType
from sopsocial.subjects.models import HasSubject, SubjectKind
from sopsocial.tenancy.models import Membership, Team, Tenant


class ProcessSettings(models.Model):
    """How a tenant runs its cycle: when reminders go out and when an overdue task is escalated."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="process_settings")
    remind_days_before = models.PositiveSmallIntegerField(
        default=1, help_text="Remind the assignee this many days before a task is due (0: on the day)"
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        default=2, help_text="Tell the phase owner when a task is this many days overdue"
    )

    def __str__(self):
        return f"process settings of {self.tenant_id}"


class PhaseTemplate(models.Model):
    """One phase of the tenant's cycle, in order. `criteria` are keys of `process.criteria.CRITERIA`
    the product checks before the phase may close; `locks_plan_type` names the plan whose cycle
    versions are frozen when the phase closes (blank: none)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="phase_templates")
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    owner_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_offset_days = models.PositiveSmallIntegerField(default=0, help_text="Days after the cycle starts")
    due_offset_days = models.PositiveSmallIntegerField(help_text="Days after the cycle starts")
    criteria = models.JSONField(default=list, blank=True)
    locks_plan_type = models.CharField(max_length=10, choices=PlanType.choices, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "key"], name="phase_template_unique_key"),
            models.CheckConstraint(
                condition=models.Q(due_offset_days__gte=models.F("starts_offset_days")),
                name="phase_template_due_after_start",
            ),
        ]

    def __str__(self):
        return self.name


class PhaseTaskTemplate(models.Model):
    """A task every cycle's phase starts with (e.g. "Load last month's actuals")."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey(PhaseTemplate, on_delete=models.CASCADE, related_name="task_templates")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_offset_days = models.PositiveSmallIntegerField(help_text="Days after the cycle starts")
    # Empty: the phase's owner.
    assignee_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignee_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class SopCycle(HasSubject):
    """The process side of a planning `PlanCycle` (one month): followable, with phases and meetings."""

    subject_kind = SubjectKind.CYCLE

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="sop_cycles")
    plan_cycle = models.OneToOneField(PlanCycle, on_delete=models.CASCADE, related_name="sop_cycle")
    starts_on = models.DateField()
    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]

    def __str__(self):
        return f"S&OP cycle {self.plan_cycle}"

    def get_absolute_url(self):
        return reverse("process:cycle", kwargs={"tenant_slug": self.tenant.slug, "cycle_id": self.pk})


class PhaseStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class CyclePhase(HasSubject):
    """A phase of one cycle, copied from the template when the cycle is made. "Late" is not stored:
    it is a phase not done whose due date has passed (`state`)."""

    subject_kind = SubjectKind.PHASE

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(SopCycle, on_delete=models.CASCADE, related_name="phases")
    template = models.ForeignKey(
        PhaseTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField()
    key = models.SlugField(max_length=50)
    name = models.CharField(max_length=100)
    owner_member = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    owner_team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    starts_on = models.DateField()
    due_on = models.DateField()
    criteria = models.JSONField(default=list, blank=True)
    locks_plan_type = models.CharField(max_length=10, choices=PlanType.choices, blank=True)
    status = models.CharField(max_length=12, choices=PhaseStatus.choices, default=PhaseStatus.NOT_STARTED)
    started_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when an admin closed the phase with criteria unmet: why (also in the audit event).
    override_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "key"], name="cycle_phase_unique_key"),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("starts_on")), name="phase_due_after_start"
            ),
        ]

    def __str__(self):
        return self.name

    def subject_title(self):
        return f"{self.name} ({self.cycle.plan_cycle})"

    def subject_parents(self):
        return [self.cycle]

    def get_absolute_url(self):
        return reverse(
            "process:phase",
            kwargs={"tenant_slug": self.tenant.slug, "cycle_id": self.cycle_id, "phase_id": self.pk},
        )

    def is_late(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status != PhaseStatus.DONE and self.due_on < today

    def state(self, today=None) -> str:
        """not_started, in_progress, done or late."""
        return "late" if self.is_late(today) else self.status


class Absence(models.Model):
    """A member away from `starts_on` to `ends_on` (inclusive): tasks and approvals meant for them go
    to `stand_in` meanwhile."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="absences")
    stand_in = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="standing_in_for")
    starts_on = models.DateField()
    ends_on = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~models.Q(stand_in=models.F("member")), name="absence_stand_in_not_self"
            ),
        ]
        indexes = [models.Index(fields=["member", "ends_on"], name="absence_by_member")]

    def __str__(self):
        return f"{self.member_id} away {self.starts_on}..{self.ends_on}"
