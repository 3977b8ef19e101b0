"""Tenants, the people in them (memberships with a role) and their outside partner organisations."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Tenant(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    created = models.DateTimeField(auto_now_add=True)
    # Set by platform staff on the operator screen: the tenant's people, API keys and live sockets are
    # refused and no e-mail goes out until it is cleared again. Nothing is deleted.
    suspended_at = models.DateTimeField(null=True, blank=True)
    four_eyes = models.BooleanField(
        default=False,
        verbose_name="Four eyes on plan versions",
        help_text="The person who submitted a plan version may not approve it.",
    )
    currency = models.CharField(
        max_length=3, default="EUR", help_text="ISO 4217 code every price, cost and plan value is in"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_suspended(self):
        return self.suspended_at is not None


class Partner(models.Model):
    """An outside organisation (supplier, 3PL, customer) whose users see only what is shared with it."""

    class Kind(models.TextChoices):
        SUPPLIER = "supplier", "Supplier"
        LOGISTICS = "3pl", "3PL / logistics"
        CUSTOMER = "customer", "Customer"

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Deactivating ends its people's access and its shares; the row stays for the audit trail.
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("tenant", Lower("name"), name="partner_unique_name_per_tenant")
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.deactivated_at is None


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    PLANNER = "planner", "Planner"
    EXECUTIVE = "executive", "Executive"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's seat in a tenant. A user may hold several (one per tenant) and switches between them.

    A membership with a partner is external: that person sees only subjects shared with the partner.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    department = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=100, blank=True)
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    is_active = models.BooleanField(default=True)
    joined = models.DateTimeField(auto_now_add=True)
    # The person as a followable subject (kind "person"): following someone brings their posts,
    # decisions and completed tasks into your feed. Made by the membership's actions.
    subject = models.OneToOneField(
        "subjects.Subject", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["user__first_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user_per_tenant")
        ]

    def __str__(self):
        return f"{self.user} @ {self.tenant.slug} ({self.role})"

    @property
    def is_external(self):
        return self.partner_id is not None

    @property
    def display_name(self):
        return self.user.get_full_name() or self.user.username


class Team(models.Model):
    """A named group of members (e.g. "Demand planning", "Leeds depot team"): `@team` mentions reach
    every member, and tasks and cycle phases may be assigned to a team rather than one person."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    handle = models.SlugField(max_length=50, help_text="What follows @ in a mention, e.g. demand-planning")
    description = models.CharField(max_length=300, blank=True)
    members = models.ManyToManyField(Membership, through="TeamMembership", related_name="teams", blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "handle"], name="team_unique_handle"),
            models.UniqueConstraint(fields=["tenant", "name"], name="team_unique_name"),
        ]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="team_memberships")
    joined = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="team_member_unique")]

    def __str__(self):
        return f"{self.member_id} in {self.team_id}"


class Invitation(models.Model):
    """A single-use, expiring invitation. Only the SHA-256 of the token is stored."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    department = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=100, blank=True)
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"invitation of {self.email} to {self.tenant.slug}"

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None

    def is_for(self, user):
        """Whether `user` has the address this invitation was sent to (case aside)."""
        return bool(user.email) and user.email.strip().lower() == self.email.strip().lower()


class SignupRequest(models.Model):
    """A self-service sign-up waiting for its e-mail address to be verified (SIGNUP_ENABLED). Nothing
    else exists until then: the tenant, the account and the admin membership are created when the link
    is followed. The link is single use; only the SHA-256 of its token is stored, and the password only
    as Django's hash."""

    organisation = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50)
    first_name = models.CharField(max_length=150)
    last_name = models.CharField(max_length=150, blank=True)
    email = models.EmailField()
    password_hash = models.CharField(max_length=256)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    tenant = models.ForeignKey(Tenant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created"]

    def __str__(self):
        return f"sign-up of {self.organisation} by {self.email}"
