"""Input of the meeting and decision pages: parse and check shapes; the actions check the rest."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from sopsocial.tenancy.models import Membership

from .models import Decision

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def people_of(tenant):
    """Who may attend a meeting or own a decision: the tenant's active internal members."""
    return (
        Membership.objects.filter(tenant=tenant, is_active=True, partner__isnull=True)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user__username")
    )


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class MeetingForm(forms.Form):
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    location = forms.CharField(max_length=200, required=False, help_text="A room or a call link")
    attendees = PeopleChoice(
        queryset=Membership.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people_of(tenant)
        for name in ("starts_at", "ends_at"):
            self.fields[name].widget.format = "%Y-%m-%dT%H:%M"


class DecisionForm(forms.Form):
    question = forms.CharField(max_length=300, validators=[ProhibitNullCharactersValidator()])
    options = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The options considered, one per line",
    )
    choice = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Choice")
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Why")
    owner = PersonChoice(queryset=Membership.objects.none(), required=False, empty_label="nobody yet")
    due_on = forms.DateField(required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}))
    expected_kpi = forms.CharField(
        max_length=100,
        required=False,
        label="Expected effect: KPI",
        help_text="e.g. forecast accuracy, fill rate",
    )
    expected_direction = forms.ChoiceField(
        choices=[("", "–"), *Decision.Direction.choices], required=False, label="Direction"
    )
    expected_size = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        label="Size",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    expected_unit = forms.CharField(
        max_length=20, required=False, label="Unit", help_text="%, units, cases, days…"
    )
    horizon_weeks = forms.IntegerField(min_value=1, max_value=104, required=False, label="Within (weeks)")
    decide_now = forms.BooleanField(required=False, label="Decided now (the choice above is final)")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_of(tenant)

    def clean_options(self):
        text = self.cleaned_data.get("options") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class DecideForm(forms.Form):
    choice = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    rationale = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Why")


class FollowUpTaskForm(forms.Form):
    title = forms.CharField(max_length=200, label="Task")
    assignee = PersonChoice(queryset=Membership.objects.none(), required=False, empty_label="nobody yet")
    due_on = forms.DateField(required=False, label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = people_of(tenant)


class AgendaItemForm(forms.Form):
    title = forms.CharField(max_length=300)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
