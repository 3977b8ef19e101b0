"""Input of the cycle calendar's pages: the template's phases and tasks, process settings, and the
reasons given when closing (overriding) or reopening a phase. No business logic: actions validate."""

from __future__ import annotations

from django import forms

from planning.models import PlanType
from sopsocial.tenancy.models import Membership, Team, Tenant

from . import criteria
from .actions.cycles import MAX_OFFSET, MAX_REASON, PhaseTemplateInput
from .models import CyclePhase, PhaseTemplate


def _owner_choices(tenant: Tenant, blank: str) -> list[tuple[str, str]]:
    people = Membership.objects.filter(tenant=tenant, is_active=True, partner__isnull=True).select_related(
        "user"
    )
    teams = Team.objects.filter(tenant=tenant)
    return [
        ("", blank),
        *((f"m{m.pk}", m.display_name) for m in sorted(people, key=lambda m: m.display_name.lower())),
        *((f"t{t.pk}", f"Team @{t.handle} ({t.name})") for t in teams),
    ]


def _owner(tenant: Tenant, value: str) -> tuple[Membership | None, Team | None]:
    if value.startswith("m"):
        return Membership.objects.filter(tenant=tenant, pk=int(value[1:])).first(), None
    if value.startswith("t"):
        return None, Team.objects.filter(tenant=tenant, pk=int(value[1:])).first()
    return None, None


def owner_value(obj: PhaseTemplate | CyclePhase) -> str:
    if obj.owner_member_id:
        return f"m{obj.owner_member_id}"
    if obj.owner_team_id:
        return f"t{obj.owner_team_id}"
    return ""


class ProcessSettingsForm(forms.Form):
    remind_days_before = forms.IntegerField(
        min_value=0, max_value=60, label="Remind assignees this many days before a task is due"
    )
    escalate_after_days = forms.IntegerField(
        min_value=0, max_value=60, label="Tell the phase owner when a task is this many days overdue"
    )


class PhaseTemplateForm(forms.Form):
    name = forms.CharField(max_length=100)
    position = forms.IntegerField(min_value=0, max_value=100, help_text="Phases run in this order")
    owner = forms.ChoiceField(required=False, help_text="A person or a team")
    starts_offset_days = forms.IntegerField(
        min_value=0, max_value=MAX_OFFSET, label="Starts (days after the cycle starts)"
    )
    due_offset_days = forms.IntegerField(
        min_value=0, max_value=MAX_OFFSET, label="Due (days after the cycle starts)"
    )
    criteria = forms.MultipleChoiceField(
        choices=criteria.CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Exit criteria",
        help_text="Checked before the phase may close",
    )
    locks_plan_type = forms.ChoiceField(
        choices=[("", "Nothing"), *PlanType.choices],
        required=False,
        label="Closing it locks",
        help_text="The cycle's versions of this plan are frozen until the phase is reopened",
    )

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["owner"].choices = _owner_choices(tenant, "Nobody yet")

    @classmethod
    def initial_for(cls, template: PhaseTemplate) -> dict[str, object]:
        return {
            "name": template.name,
            "position": template.position,
            "owner": owner_value(template),
            "starts_offset_days": template.starts_offset_days,
            "due_offset_days": template.due_offset_days,
            "criteria": list(template.criteria or []),
            "locks_plan_type": template.locks_plan_type,
        }

    def to_input(self) -> PhaseTemplateInput:
        data = self.cleaned_data
        owner_member, owner_team = _owner(self.tenant, data.get("owner") or "")
        return PhaseTemplateInput(
            name=data["name"],
            position=data["position"],
            starts_offset_days=data["starts_offset_days"],
            due_offset_days=data["due_offset_days"],
            owner_member=owner_member,
            owner_team=owner_team,
            criteria=tuple(data.get("criteria") or ()),
            locks_plan_type=data.get("locks_plan_type") or "",
        )


class TaskTemplateForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    due_offset_days = forms.IntegerField(
        min_value=0, max_value=MAX_OFFSET, label="Due (days after the cycle starts)"
    )
    assignee = forms.ChoiceField(required=False, help_text="Empty: the phase's owner")

    def __init__(self, *args, tenant: Tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["assignee"].choices = _owner_choices(tenant, "The phase's owner")

    def chosen_assignee(self) -> tuple[Membership | None, Team | None]:
        return _owner(self.tenant, self.cleaned_data.get("assignee") or "")


class ClosePhaseForm(forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason for overriding unmet criteria",
    )


class ReopenPhaseForm(forms.Form):
    reason = forms.CharField(
        max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2}), label="Why reopen it"
    )


class PhaseEditForm(forms.Form):
    """One running cycle's phase: its owner, dates and the plan it locks when closed."""

    owner = forms.ChoiceField(required=False, help_text="A person or a team")
    starts_on = forms.DateField(label="Starts", widget=forms.DateInput(attrs={"type": "date"}))
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    locks_plan_type = forms.ChoiceField(
        required=False,
        choices=[("", "Nothing"), *PlanType.choices],
        label="Closing it locks",
        help_text="The cycle's versions of that plan, until the phase is reopened",
    )

    def __init__(self, tenant: Tenant, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["owner"].choices = _owner_choices(tenant, "nobody yet")

    @classmethod
    def for_phase(cls, phase: CyclePhase) -> PhaseEditForm:
        return cls(
            phase.tenant,
            initial={
                "owner": owner_value(phase),
                "starts_on": phase.starts_on,
                "due_on": phase.due_on,
                "locks_plan_type": phase.locks_plan_type,
            },
        )

    def owner_pair(self) -> tuple[Membership | None, Team | None]:
        return _owner(self.tenant, self.cleaned_data.get("owner") or "")
