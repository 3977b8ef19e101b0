"""Input for the team pages: shapes and lengths only; the team actions decide the rest."""

from django import forms

from .actions.teams import MAX_DESCRIPTION, MAX_HANDLE, MAX_NAME


class TeamForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME, help_text="e.g. Demand planning, Leeds depot team")
    handle = forms.CharField(
        max_length=MAX_HANDLE,
        required=False,
        help_text="What follows @ to tell the whole team, e.g. demand-planning. "
        "Left empty, it is made from the name.",
    )
    description = forms.CharField(max_length=MAX_DESCRIPTION, required=False, widget=forms.TextInput)
