"""Task and absence forms: input shapes only. References (people, teams, phases) are chosen from the
member's tenant; the actions check everything again."""

from __future__ import annotations

from django import forms

from sopsocial.tenancy.models import Membership, Team

from .models import CyclePhase

MAX_DESCRIPTION = 5000


def assignee_choices(member: Membership) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices "m<id>" (a person) and "t<id>" (a team) of the member's tenant."""
    people = (
        Membership.objects.filter(tenant_id=member.tenant_id, is_active=True)
        .select_related("user", "partner")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    teams = Team.objects.filter(tenant_id=member.tenant_id).order_by("name")
    person_choices = [
        (f"m{m.pk}", f"{m.display_name} ({m.partner.name})" if m.partner_id else m.display_name)
        for m in people
    ]
    return [("People", person_choices), ("Teams", [(f"t{t.pk}", f"@{t.handle} – {t.name}") for t in teams])]


def parse_assignee(member: Membership, value: str) -> tuple[Membership | None, Team | None]:
    """The person or team a choice names, within the member's tenant (None, None: nobody/unknown)."""
    kind, digits = (value or "")[:1], (value or "")[1:]
    if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        return None, None
    if kind == "m":
        person = (
            Membership.objects.select_related("user")
            .filter(tenant_id=member.tenant_id, is_active=True, pk=int(digits))
            .first()
        )
        return person, None
    if kind == "t":
        return None, Team.objects.filter(tenant_id=member.tenant_id, pk=int(digits)).first()
    return None, None


class TaskForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=MAX_DESCRIPTION
    )
    assignee = forms.ChoiceField(required=False, label="For")
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    phase = forms.ChoiceField(required=False, label="Cycle phase")
    checklist = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=20000,
        help_text="One step per line.",
    )
    about = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    alert = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, member: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["assignee"].choices = [("", "nobody yet"), *assignee_choices(member)]
        self.phases = list(
            CyclePhase.objects.filter(tenant_id=member.tenant_id)
            .select_related("cycle__plan_cycle")
            .order_by("-cycle__starts_on", "position")[:30]
        )
        self.fields["phase"].choices = [("", "none")] + [
            (str(p.pk), f"{p.name} · {p.cycle.plan_cycle}") for p in self.phases
        ]

    def clean_assignee(self):
        value = self.cleaned_data.get("assignee") or ""
        person, team = parse_assignee(self.member, value)
        if value and person is None and team is None:
            raise forms.ValidationError("No such person or team in this workspace.")
        return person, team

    def clean_phase(self):
        value = self.cleaned_data.get("phase") or ""
        return next((p for p in self.phases if str(p.pk) == value), None)

    def checklist_lines(self) -> list[str]:
        return [
            line.strip() for line in (self.cleaned_data.get("checklist") or "").splitlines() if line.strip()
        ]


class TaskEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=MAX_DESCRIPTION
    )
    due_on = forms.DateField(
        required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    add_checklist = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20000,
        label="Add checklist steps",
        help_text="One step per line; they are added after the existing ones.",
    )

    def checklist_lines(self) -> list[str]:
        return [
            line.strip()
            for line in (self.cleaned_data.get("add_checklist") or "").splitlines()
            if line.strip()
        ]


class TransferForm(forms.Form):
    assignee = forms.ChoiceField(label="Hand to")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=500)

    def __init__(self, *args, member: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        self.fields["assignee"].choices = [("", "choose…"), *assignee_choices(member)]

    def clean_assignee(self):
        person, team = parse_assignee(self.member, self.cleaned_data.get("assignee") or "")
        if person is None and team is None:
            raise forms.ValidationError("Choose one person or one team to hand the task to.")
        return person, team


class AbsenceForm(forms.Form):
    starts_on = forms.DateField(
        label="First day away", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label="Last day away", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    stand_in = forms.ChoiceField(label="Stand-in")
    note = forms.CharField(
        required=False, max_length=200, help_text="Optional, e.g. “on holiday, back Monday”."
    )

    def __init__(self, *args, member: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member
        colleagues = (
            Membership.objects.filter(tenant_id=member.tenant_id, is_active=True, partner__isnull=True)
            .exclude(pk=member.pk)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "user__username")
        )
        self.colleagues = {str(m.pk): m for m in colleagues}
        self.fields["stand_in"].choices = [("", "choose…")] + [
            (k, m.display_name) for k, m in self.colleagues.items()
        ]

    def clean_stand_in(self):
        return self.colleagues.get(self.cleaned_data.get("stand_in") or "")
