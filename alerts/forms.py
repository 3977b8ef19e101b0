"""The rule form: fixed fields plus one field per parameter of the chosen kind, and scope pickers."""

from django import forms

from sopsocial.api.errors import add_form_errors
from sopsocial.subjects.models import Subject

from .kinds import KIND_CHOICES, KINDS
from .models import Severity
from .scope import SCOPE_KINDS, SCOPE_PLURALS, family_names


class RuleForm(forms.Form):
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=KIND_CHOICES, label="Watch for")
    severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.MEDIUM)
    min_consecutive_weeks = forms.IntegerField(
        label="Minimum consecutive weeks",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="Ignore blips shorter than this.",
    )
    enabled = forms.BooleanField(required=False, initial=True, label="On")
    visible_to_partners = forms.BooleanField(
        required=False,
        initial=False,
        label="Visible to partners with whom the subject is shared",
        help_text="Off: its alerts are internal, never shown to partner users.",
    )

    def __init__(self, *args, tenant, kind=None, rule=None, **kwargs):
        if rule is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": rule.name,
                "kind": rule.kind,
                "severity": rule.severity,
                "enabled": rule.enabled,
                "visible_to_partners": rule.visible_to_partners,
                "min_consecutive_weeks": rule.min_consecutive_weeks,
                **{f"p_{k}": v for k, v in rule.params.items()},
                **{f"s_{k}": v for k, v in rule.scope.items()},
            }
        super().__init__(*args, **kwargs)
        self.kind = kind or self.data.get("kind") or self.initial.get("kind") or "demand_change"
        if self.kind not in KINDS:
            self.kind = "demand_change"
        for p in KINDS[self.kind].params:
            name = f"p_{p.name}"
            if p.choices:
                field = forms.ChoiceField(
                    choices=[(c, c.replace("_", " ")) for c in p.choices], label=p.label
                )
            else:
                # Parameters are validated by alerts.kinds.clean_params, so a text of letters reaches it and
                # gets its own message instead of the browser's.
                field = forms.CharField(label=p.label, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
            field.initial = self.initial.get(name, p.default)
            field.help_text = p.help
            self.fields[name] = field
        for key, kind in SCOPE_KINDS.items():
            choices = (
                Subject.objects.filter(tenant=tenant, kind=kind).order_by("title").values_list("pk", "title")
            )
            self.fields[f"s_{key}"] = forms.TypedMultipleChoiceField(
                choices=list(choices),
                coerce=int,
                required=False,
                label=f"Only these {SCOPE_PLURALS[key]}",
                help_text="None selected: all.",
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
        self.fields["s_families"] = forms.MultipleChoiceField(
            choices=[(f, f) for f in family_names(tenant)],
            required=False,
            label="Only these product families",
            help_text="None selected: all.",
            widget=forms.SelectMultiple(attrs={"size": 4}),
        )

    def param_fields(self):
        return [self[f"p_{p.name}"] for p in KINDS[self.kind].params]

    def scope_fields(self):
        return [self[name] for name in self.fields if name.startswith("s_")]

    def values(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "severity": data["severity"],
            "min_consecutive_weeks": data["min_consecutive_weeks"],
            "enabled": data["enabled"],
            "visible_to_partners": data["visible_to_partners"],
            "params": {p.name: data.get(f"p_{p.name}") for p in KINDS[data["kind"]].params},
            "scope": {k[2:]: v for k, v in data.items() if k.startswith("s_") and v},
        }

    def add_action_errors(self, error):
        add_form_errors(self, error, rename={"params.": "p_", "scope.": "s_"})


class ResolveForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, label="How was it resolved?"
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), label="Snooze until"
    )
