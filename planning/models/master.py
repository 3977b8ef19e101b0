"""Master data: the things plans are about. Each followable thing owns one Subject (HasSubject)."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.subjects.models import HasSubject, SubjectKind
from sopsocial.tenancy.models import Partner, Tenant


def _url(name, obj, kwarg):
    return reverse(f"planning:{name}", kwargs={"tenant_slug": obj.tenant.slug, kwarg: obj.pk})


class Brand(HasSubject):
    subject_kind = SubjectKind.BRAND

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="brands")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="brand_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _url("brand", self, "brand_id")


class Product(HasSubject):
    subject_kind = SubjectKind.PRODUCT

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, null=True, blank=True, related_name="products")
    family = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=20, default="case")
    # Money (in the tenant's currency, per unit): a customer's own price is a CustomerPrice.
    price = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    standard_cost = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    case_size = models.PositiveIntegerField(default=1, help_text="Consumer units per case")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "sku"], name="product_unique_sku")]

    def __str__(self):
        return self.name

    def subject_parents(self):
        return [self.brand] if self.brand_id else []

    def get_absolute_url(self):
        return _url("product", self, "product_id")


class Customer(HasSubject):
    subject_kind = SubjectKind.CUSTOMER

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="customers")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The account manager",
    )

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="customer_unique_code")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _url("customer", self, "customer_id")


class FacilityKind(models.TextChoices):
    PLANT = "plant", "Plant"
    DEPOT = "depot", "Depot"
    DC = "dc", "Distribution centre"


class Facility(HasSubject):
    subject_kind = SubjectKind.FACILITY

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="facilities")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=FacilityKind.choices, default=FacilityKind.DEPOT)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "facilities"
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="facility_unique_code")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _url("facility", self, "facility_id")


class Supplier(models.Model):
    """A supplier is a tenancy Partner (kind supplier) with a code used by imports and the ERP."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="suppliers")
    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="supplier")
    code = models.CharField(max_length=64)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="supplier_unique_code")]

    def __str__(self):
        return self.partner.name


class OrderStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class SalesOrder(HasSubject):
    subject_kind = SubjectKind.SALES_ORDER

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="sales_orders")
    number = models.CharField(max_length=64)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="orders", help_text="Ship-from facility"
    )
    order_date = models.DateField()
    ship_date = models.DateField()
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN)

    class Meta:
        ordering = ["-order_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "number"], name="order_unique_number")]

    def __str__(self):
        return f"Order {self.number}"

    def subject_title(self):
        return f"Order {self.number} ({self.customer.name})"

    def subject_parents(self):
        products = Product.objects.filter(order_lines__order=self).distinct()
        return [self.customer, self.facility, *products]

    def get_absolute_url(self):
        return _url("order", self, "order_id")


class SalesOrderLine(models.Model):
    order = models.ForeignKey(SalesOrder, on_delete=models.CASCADE, related_name="lines")
    line = models.PositiveIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="order_lines")
    qty = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["line"]
        constraints = [models.UniqueConstraint(fields=["order", "line"], name="order_line_unique")]

    def __str__(self):
        return f"{self.order_id}/{self.line}"


class Promotion(HasSubject):
    subject_kind = SubjectKind.PROMOTION

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="promotions")
    name = models.CharField(max_length=200)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="promotions")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="promotions")
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="promotion_window")
        ]

    def __str__(self):
        return self.name

    def subject_parents(self):
        return [self.customer, self.brand]

    def get_absolute_url(self):
        return _url("promotion", self, "promotion_id")


class ProductionJob(HasSubject):
    subject_kind = SubjectKind.PRODUCTION_JOB

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="production_jobs")
    reference = models.CharField(max_length=64)
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="jobs")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="jobs")
    start = models.DateField()
    end = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["-start"]
        constraints = [models.UniqueConstraint(fields=["tenant", "reference"], name="job_unique_reference")]

    def __str__(self):
        return f"Job {self.reference}"

    def subject_title(self):
        return f"Job {self.reference}: {self.product.name} at {self.facility.name}"

    def subject_parents(self):
        return [self.facility, self.product]

    def get_absolute_url(self):
        return _url("job", self, "job_id")


class Event(HasSubject):
    """Something in the calendar that moves numbers (a heatwave, a strike, a trade show)."""

    subject_kind = SubjectKind.EVENT

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=200)
    start = models.DateField()
    end = models.DateField()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-start"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return _url("event", self, "event_id")


class InventorySnapshot(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="inventory")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="inventory")
    as_of = models.DateField()
    on_hand = models.DecimalField(max_digits=14, decimal_places=2)
    safety_stock = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        ordering = ["-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["product", "facility", "as_of"], name="inventory_unique")
        ]
        indexes = [models.Index(fields=["tenant", "as_of"], name="inventory_tenant_asof")]

    def __str__(self):
        return f"{self.product_id}@{self.facility_id} {self.as_of}: {self.on_hand}"


class Capacity(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="capacities")
    week = models.DateField(help_text="ISO week start (Monday)")
    capacity = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["week"]
        verbose_name_plural = "capacities"
        constraints = [models.UniqueConstraint(fields=["facility", "week"], name="capacity_unique")]

    def __str__(self):
        return f"{self.facility_id} {self.week}: {self.capacity}"


class Resource(HasSubject):
    """Something at a facility whose time is limited (a line, an oven, a saw, a team): its capacity is
    given per week, and each product made on it uses some of it per unit (`ResourceLoad`)."""

    subject_kind = SubjectKind.RESOURCE

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="resources")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="resources")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True, help_text="A line, an oven, a saw, a team…")
    unit = models.CharField(max_length=20, default="hours", help_text="What capacity and usage count")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "code"], name="resource_unique_code")]

    def __str__(self):
        return self.name

    def subject_title(self):
        return f"{self.name} at {self.facility.name}"

    def subject_parents(self):
        return [self.facility]

    def get_absolute_url(self):
        return _url("resource", self, "resource_id")


class ResourceCapacity(models.Model):
    """How much of a resource's unit (hours, by default) one week offers."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="capacities")
    week = models.DateField(help_text="ISO week start (Monday)")
    capacity = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["week"]
        verbose_name_plural = "resource capacities"
        constraints = [
            models.UniqueConstraint(fields=["resource", "week"], name="resource_capacity_unique"),
            models.CheckConstraint(
                condition=models.Q(capacity__gte=0), name="resource_capacity_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["tenant", "week"], name="rescap_tenant_week")]

    def __str__(self):
        return f"{self.resource_id} {self.week}: {self.capacity}"


class ResourceLoad(models.Model):
    """The routing in one number: making one unit of `product` uses `usage` of the resource's unit."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="loads")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="resource_loads")
    usage = models.DecimalField(max_digits=14, decimal_places=4, help_text="Resource units per product unit")

    class Meta:
        ordering = ["resource", "product"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "product"], name="resource_load_unique"),
            models.CheckConstraint(condition=models.Q(usage__gte=0), name="resource_load_not_negative"),
        ]

    def __str__(self):
        return f"{self.resource_id} x {self.product_id}: {self.usage}"


class Actual(models.Model):
    """Shipped quantity per product x customer x facility x week."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="actuals")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="actuals")
    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="actuals")
    week = models.DateField()
    qty = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "customer", "facility", "week"], name="actual_unique")
        ]
        indexes = [models.Index(fields=["tenant", "week"], name="actual_tenant_week")]

    def __str__(self):
        return f"{self.product_id}/{self.customer_id}/{self.facility_id} {self.week}: {self.qty}"


class CustomerPrice(models.Model):
    """A customer's own price for a product (the product's price applies to everyone else)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="customer_prices")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="prices")
    price = models.DecimalField(max_digits=14, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "customer"], name="customer_price_unique"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="customer_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product_id} for {self.customer_id}: {self.price}"
