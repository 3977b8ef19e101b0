"""Input parsing for feed pages. Business rules live in actions.check_*; these only shape the input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sopsocial.pages.params import ascii_int
from sopsocial.subjects.models import SubjectKind

from .models import Reaction, Visibility
from .selectors import HOME_FILTERS


class PostForm(forms.Form):
    body = forms.CharField(label=_("Post"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    visibility = forms.ChoiceField(
        label=_("Who can see it"), choices=Visibility.choices, initial=Visibility.INTERNAL
    )
    tagged = forms.TypedMultipleChoiceField(coerce=int, required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Tag ids are checked against what the member may see by the action, not by a choices list.
        self.fields["tagged"].valid_value = lambda value: ascii_int(value) is not None


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EditForm(forms.Form):
    body = forms.CharField(label=_("Post"), widget=forms.Textarea(attrs={"rows": 6}), required=False)


class ReactionForm(forms.Form):
    kind = forms.ChoiceField(choices=Reaction.Kind.choices)


class ForwardForm(forms.Form):
    recipients = forms.TypedMultipleChoiceField(label=_("To"), coerce=int, choices=())
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = [(m.pk, f"{m.display_name} ({m.user.username})") for m in people]


class HomeFilterForm(forms.Form):
    f = forms.ChoiceField(choices=list(HOME_FILTERS.items()), required=False)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *SubjectKind.choices], required=False)


SWITCH = forms.CheckboxInput(attrs={"role": "switch"})


class PreferencesForm(forms.Form):
    in_app = forms.BooleanField(label=_("Show notifications under the bell"), required=False)
    email_immediate = forms.BooleanField(label=_("E-mail me each notification as it happens"), required=False)
    email_digest = forms.BooleanField(
        label=_("E-mail me a daily digest of unread items, grouped by subject"), required=False
    )
    auto_follow = forms.BooleanField(label=_("Automatically follow what I post on or create"), required=False)
    # Phone notifications (Web Push), per category: shown in their own fieldset (PUSH_FIELDS).
    push_mentions = forms.BooleanField(
        widget=SWITCH, label=_("Mentions and posts forwarded to me"), required=False
    )
    push_tasks = forms.BooleanField(widget=SWITCH, label=_("Tasks assigned to me or due"), required=False)
    push_approvals = forms.BooleanField(
        widget=SWITCH, label=_("Plan versions waiting for my approval"), required=False
    )
    push_high_alerts = forms.BooleanField(
        widget=SWITCH, label=_("High alerts on what I follow"), required=False
    )

    PUSH_FIELDS = ("push_mentions", "push_tasks", "push_approvals", "push_high_alerts")

    def general_fields(self):
        return [self[name] for name in self.fields if name not in self.PUSH_FIELDS]

    def push_fields(self):
        return [self[name] for name in self.PUSH_FIELDS]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
