from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from sopsocial.audit.middleware import client_ip

from . import actions, throttle
from .models import Partner, Role


def person_label(user):
    """How a form's choice of person reads: the full name and the address ("Priya Shah
    (priya@example.com)"), never the bare username; the username only when there is no name."""
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.email})" if user.email else name


class InviteForm(forms.Form):
    email = forms.EmailField(label="E-mail")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
    department = forms.CharField(max_length=100, required=False)
    title = forms.CharField(max_length=100, required=False, label="Job title")
    partner = forms.ModelChoiceField(
        queryset=Partner.objects.none(),
        required=False,
        empty_label="— internal (our own staff) —",
        help_text="Partner users see only what is shared with their organisation.",
    )

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(tenant=tenant, deactivated_at=None)

    def clean(self):
        data = super().clean()
        if data.get("partner") and data.get("role") == Role.ADMIN:
            self.add_error("role", "Partner users cannot be admins.")
        return data


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    department = forms.CharField(max_length=100, required=False)
    title = forms.CharField(max_length=100, required=False, label="Job title")


class AcceptInvitationForm(forms.Form):
    """Creates the account of someone who accepts an invitation without having one."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150, required=False)
    username = forms.RegexField(
        regex=r"^[\w.@+-]+$",
        max_length=150,
        error_messages={"invalid": "Letters, digits and @ . + - _ only."},
    )
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken.")
        return username

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            user = get_user_model()(username=data.get("username", ""), first_name=data.get("first_name", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ThrottledAuthenticationForm(AuthenticationForm):
    """The login form, making people wait longer after each failure past a ceiling (see throttle.py)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": "Too many failed attempts. Wait %(wait)s before trying again, or reset your password.",
    }

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = client_ip(self.request) if self.request else None
        wait = throttle.seconds_to_wait(username, ip)
        if wait:
            raise forms.ValidationError(
                self.error_messages["locked"], code="locked", params={"wait": throttle.describe_wait(wait)}
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            throttle.note_failure(username, ip)
            raise
        throttle.clear(username, ip)
        return data


class ThrottledAdminAuthenticationForm(ThrottledAuthenticationForm, AdminAuthenticationForm):
    """The platform-admin login: the same throttle (and counters) as the site login, plus the admin's
    own refusal of accounts that are not staff."""

    error_messages = {**AdminAuthenticationForm.error_messages, **ThrottledAuthenticationForm.error_messages}
    error_messages["invalid_login"] = AdminAuthenticationForm.error_messages["invalid_login"]


class ThrottledPasswordResetForm(PasswordResetForm):
    """The e-mail address to send a reset link to, refused past the hourly limits (see throttle.py).
    Saving only queues the e-mail (actions.do_request_password_reset): sending from the request would
    take longer for addresses that have an account, and tell them apart."""

    error_messages = {
        "throttled": (
            "Too many password reset requests from your network or for this address. "
            "Try again in an hour; a link already sent stays valid."
        ),
    }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        data = super().clean()
        email = data.get("email")
        ip = client_ip(self.request) if self.request else None
        if email and not throttle.note_password_reset_request(email, ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return data

    def save(self, *args, **kwargs):
        actions.do_request_password_reset(self.cleaned_data["email"])


class PartnerForm(forms.Form):
    name = forms.CharField(max_length=200, label="Organisation name")
    kind = forms.ChoiceField(choices=Partner.Kind.choices, label="Kind")


class RenamePartnerForm(forms.Form):
    name = forms.CharField(max_length=200, label="New name")


class TenantSettingsForm(forms.Form):
    four_eyes = forms.BooleanField(
        required=False,
        label="Four eyes on plan versions",
        help_text="The person who submitted a plan version may not approve it: someone else must.",
    )


class StartTenantForm(forms.Form):
    """The operator screen's "start a company" form (the same check as `manage.py create_tenant`)."""

    name = forms.CharField(max_length=200, label="Company name")
    slug = forms.CharField(max_length=50, help_text="Its address: /t/<slug>/. Letters, digits, hyphens.")
    admin_email = forms.EmailField(label="First admin's e-mail")


class SignupForm(forms.Form):
    """Self-service sign-up: the organisation and its first admin. Refused past the hourly limits."""

    organisation = forms.CharField(max_length=200, label="Organisation name")
    slug = forms.CharField(
        max_length=50, label="Address", help_text="Your workspace will be at /t/<address>/."
    )
    first_name = forms.CharField(max_length=150, label="Your first name")
    last_name = forms.CharField(max_length=150, required=False, label="Your last name")
    email = forms.EmailField(label="Your work e-mail")
    password1 = forms.CharField(
        label="Password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="Password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    error_messages = {
        "throttled": "Too many sign-up requests from your network or for this address. Try again in an hour.",
    }

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        from .tenant_actions import clean_tenant_fields

        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            user = get_user_model()(
                username=data.get("email", ""),
                email=data.get("email", ""),
                first_name=data.get("first_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if data.get("slug") is not None or data.get("organisation") is not None:
            try:
                clean_tenant_fields(slug=data.get("slug", ""), name=data.get("organisation", ""))
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error("organisation" if field == "name" else field, messages)
        if not self.errors:
            ip = client_ip(self.request) if self.request else None
            if not throttle.note_signup_request(data.get("email"), ip):
                raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        return data
