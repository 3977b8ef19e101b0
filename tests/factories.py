"""factory_boy factories for the core. Domain apps keep theirs in tests/<app>/factories.py."""

import factory
from django.contrib.auth import get_user_model

from sopsocial.tenancy.models import Membership, Partner, Tenant


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery")


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda t: t.slug.title())


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = Partner.Kind.LOGISTICS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    tenant = factory.SubFactory(TenantFactory)
    user = factory.SubFactory(UserFactory)
    role = "planner"
    department = "Planning"
    title = "Planner"
