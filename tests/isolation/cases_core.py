from sopsocial.subjects.actions import create_subject
from sopsocial.tenancy.models import Invitation

from ..factories import MembershipFactory, PartnerFactory
from .registry import RouteCase

ROUTES = [
    RouteCase("tenancy:people", methods=("GET", "POST"), data={"email": "x@example.com", "role": "viewer"}),
    RouteCase("tenancy:change_role", methods=("POST",), data={"role": "admin"}),
    RouteCase("tenancy:remove_member", methods=("POST",)),
    RouteCase("tenancy:revoke_invitation", methods=("POST",)),
    RouteCase("tenancy:partner_create", methods=("POST",), data={"name": "Haulier", "kind": "3pl"}),
    RouteCase("tenancy:partner_rename", methods=("POST",), data={"name": "Renamed"}),
    RouteCase("tenancy:partner_deactivate", methods=("GET", "POST")),
    RouteCase("tenancy:settings", methods=("GET", "POST"), data={"four_eyes": "on"}),
    RouteCase("subjects:subject", external_ok=True),
    RouteCase("subjects:sharing", methods=("GET", "POST"), data={"partner": "1", "action": "share"}),
    RouteCase("audit:log"),
    RouteCase("audit:export"),
    RouteCase("audit:verify", methods=("POST",)),
]


def _invitation(world):
    from django.utils import timezone

    return Invitation.objects.create(
        tenant=world.tenant,
        email="pending@example.com",
        role="viewer",
        token_hash="f" * 64,
        expires_at=timezone.now() + timezone.timedelta(days=3),
    )


KWARGS = {
    "membership_id": lambda world: (
        world.once("membership", lambda: MembershipFactory(tenant=world.tenant)).pk
    ),
    "invitation_id": lambda world: world.once("invitation", lambda: _invitation(world)).pk,
    "partner_id": lambda world: (
        world.once("partner", lambda: PartnerFactory(tenant=world.tenant, name="Victim supplier")).pk
    ),
    "subject_id": lambda world: (
        world.once(
            "subject", lambda: create_subject(tenant=world.tenant, kind="topic", title="Victim topic")
        ).pk
    ),
}

# Routes outside any tenant: (name, expected anonymous status codes). Known, so the walk can tell a new
# unguarded route from these.
PUBLIC_ROUTES = {
    "site:start",
    "site:tenants",
    "site:healthz",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "accept_invitation",
    # Sign-up (404 unless SIGNUP_ENABLED) and the operator screen (404 unless platform staff): walked by
    # tests/isolation/test_platform_routes.py, listed in STAFF_ROUTES / SIGNUP_ROUTES below.
    "signup",
    "signup_verify",
    "operator:tenants",
    "operator:suspend",
    "operator:reactivate",
}

# Routes outside any tenant that only platform staff may reach (anyone else: 404), with the kwargs and
# methods the walk sends; and the sign-up routes, which do not exist while SIGNUP_ENABLED is off.
STAFF_ROUTES = {
    "operator:tenants": ((), ("GET", "POST")),
    "operator:suspend": (("tenant_id",), ("POST",)),
    "operator:reactivate": (("tenant_id",), ("POST",)),
}
SIGNUP_ROUTES = {
    "signup": ((), ("GET", "POST")),
    "signup_verify": (("token",), ("GET", "POST")),
}
