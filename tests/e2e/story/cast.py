"""The story's world: the demo tenant `make run` loads, the ERP's API key, and the ERP's one call."""

import datetime as dt
import io
import json
import urllib.request

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.management import call_command
from django.utils import timezone

from planning import weeks as wk
from planning.models import Customer, Facility, PlanType, Product
from planning.selectors import working_version
from sopsocial.api.actions import do_create_api_key
from sopsocial.tenancy.models import Membership, Tenant

from .harness import PASSWORD


def load_cast():
    """The demo tenant `make run` loads, plus what the ERP needs to call the API (its key)."""
    call_command("load_demo", stdout=io.StringIO())
    # The tests hash with MD5 for speed; the server verifies with the hashers of its own settings.
    argon2 = Argon2PasswordHasher()
    get_user_model().objects.filter(memberships__isnull=False).update(
        password=argon2.encode(PASSWORD, argon2.salt())
    )
    tenant = Tenant.objects.get(slug="northwind")
    morgan = Membership.objects.select_related("tenant", "user").get(tenant=tenant, user__username="morgan")
    w0 = wk.week_start(timezone.localdate())
    oat = Product.objects.get(tenant=tenant, name="Oat Crunch 500g")
    contoso = Customer.objects.get(tenant=tenant, name="Contoso Retail")
    leeds = Facility.objects.get(tenant=tenant, name__icontains="Leeds")
    demand = working_version(tenant, PlanType.DEMAND)
    supply = working_version(tenant, PlanType.SUPPLY)
    today = timezone.localdate()
    return {
        "oat": oat,
        "contoso": contoso,
        "leeds": leeds,
        # URLs now: inside the browser loop the ORM is off limits (get_absolute_url reads the tenant).
        "url": {
            "oat": oat.get_absolute_url(),
            "contoso": contoso.get_absolute_url(),
            "contoso_subject": contoso.subject.get_absolute_url(),
            "leeds": leeds.get_absolute_url(),
            "demand": demand.get_absolute_url(),
            "demand_page": demand.subject.get_absolute_url(),
            "supply": supply.get_absolute_url(),
        },
        "w2": w0 + dt.timedelta(weeks=2),
        "w3": w0 + dt.timedelta(weeks=3),
        "today": today,
        "order": f"SO-{today:%y%m%d}-3600",  # the number the ERP gives the order in step 9
        "erp_key": do_create_api_key(morgan, "ERP (SAP)")[1],
    }


def erp_sends_order(base, key, cast, number):
    body = {
        "items": [
            {
                "number": number,
                "customer": cast["contoso"].code,
                "facility": cast["leeds"].code,
                "order_date": cast["today"].isoformat(),
                "ship_date": cast["w3"].isoformat(),
                "status": "open",
                "lines": [{"sku": cast["oat"].sku, "qty": 3600}],
            }
        ]
    }
    request = urllib.request.Request(
        f"{base}/api/v1/t/northwind/sales-orders/bulk/",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": number,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
