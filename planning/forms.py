"""Input validation for planning screens. Foreign keys are limited to the member's tenant."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.forms import person_label
from sopsocial.tenancy.models import Partner

from .actions import MAX_HORIZON_WEEKS
from .models import (
    Brand,
    Customer,
    Event,
    Facility,
    OrderStatus,
    PlanCycle,
    PlanType,
    PlanVersion,
    Product,
    ProductionJob,
    Promotion,
    Resource,
    SalesOrder,
    Supplier,
    VersionStatus,
)

# An HTML date input only takes ISO dates; the default (localised) format would leave it blank on edit.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AsciiIntegerField(forms.IntegerField):
    """A whole number spelled in ASCII digits (`int()` would take "٣" as 3; see sopsocial.pages.params)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        number = ascii_int(value if isinstance(value, int) else str(value).strip())
        if number is None:
            raise forms.ValidationError("Enter a whole number (digits 0-9).", code="invalid")
        return number


class TenantModelForm(forms.ModelForm):
    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        for name, model in (
            ("brand", Brand),
            ("customer", Customer),
            ("facility", Facility),
            ("product", Product),
        ):
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(tenant=tenant)
        if "owner" in self.fields:
            self.fields["owner"].queryset = (
                get_user_model()
                .objects.filter(
                    memberships__tenant=tenant, memberships__is_active=True, memberships__partner__isnull=True
                )
                .order_by("first_name", "last_name", "username")
            )
            self.fields["owner"].label_from_instance = person_label

    def _unique(self, field, message):
        value = self.cleaned_data.get(field)
        qs = self._meta.model.objects.filter(tenant=self.tenant, **{field: value})
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if value and qs.exists():
            raise forms.ValidationError(message)
        return value


class BrandForm(TenantModelForm):
    class Meta:
        model = Brand
        fields = ["name"]

    def clean_name(self):
        return self._unique("name", "A brand with this name exists.")


class ProductForm(TenantModelForm):
    class Meta:
        model = Product
        fields = ["sku", "name", "brand", "family", "unit", "case_size"]

    def clean_sku(self):
        return self._unique("sku", "A product with this SKU exists.")


class CustomerForm(TenantModelForm):
    class Meta:
        model = Customer
        fields = ["code", "name", "owner"]

    def clean_code(self):
        return self._unique("code", "A customer with this code exists.")


class FacilityForm(TenantModelForm):
    class Meta:
        model = Facility
        fields = ["code", "name", "kind"]

    def clean_code(self):
        return self._unique("code", "A facility with this code exists.")


class _WindowMixin:
    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end is before the start.")
        return data


class PromotionForm(_WindowMixin, TenantModelForm):
    class Meta:
        model = Promotion
        fields = ["name", "customer", "brand", "start", "end"]
        widgets = {"start": DATE, "end": DATE}


class ProductionJobForm(_WindowMixin, TenantModelForm):
    class Meta:
        model = ProductionJob
        fields = ["reference", "facility", "product", "start", "end", "qty"]
        widgets = {"start": DATE, "end": DATE}

    def clean_reference(self):
        return self._unique("reference", "A job with this reference exists.")

    def clean_qty(self):
        qty = self.cleaned_data["qty"]
        if qty is not None and qty < 0:
            raise forms.ValidationError("A quantity cannot be negative.")
        return qty


class EventForm(_WindowMixin, TenantModelForm):
    class Meta:
        model = Event
        fields = ["name", "start", "end", "description"]
        widgets = {"start": DATE, "end": DATE}


class OrderStatusForm(TenantModelForm):
    class Meta:
        model = SalesOrder
        fields = ["status", "ship_date"]
        widgets = {"ship_date": DATE}


class ResourceForm(TenantModelForm):
    class Meta:
        model = Resource
        fields = ["code", "name", "facility", "category", "unit"]

    def clean_code(self):
        return self._unique("code", "A resource with this code exists.")


class ResourceCapacityForm(forms.Form):
    """The same capacity for one or more weeks in a row (a line's hours, an oven's batches)."""

    first_week = forms.DateField(widget=DATE, help_text="Any day of the first week")
    weeks = AsciiIntegerField(min_value=1, max_value=MAX_HORIZON_WEEKS, initial=1, label="For (weeks)")
    capacity = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, label="Capacity per week")


class ResourceUsageForm(forms.Form):
    """How much of the resource one unit of a product takes."""

    product = forms.ModelChoiceField(queryset=Product.objects.none())
    usage = forms.DecimalField(min_value=0, max_digits=14, decimal_places=4, label="Usage per unit")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(tenant=tenant)


class SupplierForm(forms.Form):
    code = forms.CharField(max_length=64)
    name = forms.CharField(max_length=200)

    def __init__(self, *args, tenant, instance=None, **kwargs):
        if instance is not None and not args and "initial" not in kwargs:
            kwargs["initial"] = {"code": instance.code, "name": instance.partner.name}
        super().__init__(*args, **kwargs)
        self.tenant, self.instance = tenant, instance

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        others = Supplier.objects.filter(tenant=self.tenant, code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError("A supplier with this code exists.")
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        others = Partner.objects.filter(tenant=self.tenant, name__iexact=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.partner_id)
        if others.exists():
            raise forms.ValidationError("A partner organisation already has this name.")
        return name


class SalesOrderForm(forms.Form):
    """An order's header; its lines are `OrderLineFormSet`. Saved through the same load as a file."""

    number = forms.CharField(max_length=64)
    customer = forms.ModelChoiceField(queryset=Customer.objects.none())
    facility = forms.ModelChoiceField(queryset=Facility.objects.none(), help_text="Ship-from facility")
    order_date = forms.DateField(widget=DATE)
    ship_date = forms.DateField(widget=DATE)
    status = forms.ChoiceField(choices=OrderStatus.choices, initial=OrderStatus.OPEN)

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.fields["customer"].queryset = Customer.objects.filter(tenant=tenant)
        self.fields["facility"].queryset = Facility.objects.filter(tenant=tenant)

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        if SalesOrder.objects.filter(tenant=self.tenant, number=number).exists():
            raise forms.ValidationError("An order with this number exists.")
        return number

    def clean(self):
        data = super().clean()
        if data.get("order_date") and data.get("ship_date") and data["ship_date"] < data["order_date"]:
            self.add_error("ship_date", "The ship date is before the order date.")
        return data


class OrderLineForm(forms.Form):
    product = forms.ModelChoiceField(queryset=Product.objects.none())
    qty = forms.DecimalField(min_value=0, max_digits=14, decimal_places=2, label="Quantity")

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(tenant=tenant)


class _OrderLines(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if not any(f.cleaned_data and not f.cleaned_data.get("DELETE") for f in self.forms):
            raise forms.ValidationError("Add at least one line.")


OrderLineFormSet = forms.formset_factory(
    OrderLineForm, formset=_OrderLines, extra=5, max_num=200, validate_max=True, absolute_max=200
)


class CycleForm(forms.Form):
    """A new cycle and its first versions (the Plans page)."""

    month = forms.DateField(
        input_formats=["%Y-%m", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text="The S&OP month this cycle plans",
    )
    start_week = forms.DateField(
        widget=DATE, label="First week", help_text="Any day of it; may be in the past, to load history"
    )
    horizon_weeks = AsciiIntegerField(
        min_value=1, max_value=MAX_HORIZON_WEEKS, initial=26, label="Horizon (weeks)"
    )
    demand = forms.BooleanField(required=False, initial=True, label="Start its demand plan version")
    supply = forms.BooleanField(required=False, initial=True, label="Start its supply plan version")

    def first_versions(self):
        return tuple(t for t in (PlanType.DEMAND, PlanType.SUPPLY) if self.cleaned_data.get(t))


class VersionForm(forms.Form):
    """A new empty draft in a cycle, picked by name."""

    cycle = forms.ChoiceField()
    plan_type = forms.ChoiceField(choices=PlanType.choices, label="Plan")
    name = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, tenant, cycles=None, **kwargs):
        super().__init__(*args, **kwargs)
        cycles = PlanCycle.objects.filter(tenant=tenant) if cycles is None else cycles
        self.cycles = {str(c.pk): c for c in cycles}
        self.fields["cycle"].choices = [(pk, str(c)) for pk, c in self.cycles.items()]

    def clean_cycle(self):
        return self.cycles[self.cleaned_data["cycle"]]


class GridFilterForm(forms.Form):
    """The grid's filters, read by the grid and by its export alike so the two cannot drift apart.
    Bind it to `request.GET` even when empty: no filter is a valid (unfiltered) grid."""

    brand = forms.IntegerField(required=False)
    family = forms.CharField(required=False, max_length=100)
    customer = forms.IntegerField(required=False)
    facility = forms.IntegerField(required=False)
    q = forms.CharField(required=False, max_length=100, label="Search products")
    # not a filter: the grid's "Add a row" shows this product's empty series (the export leaves it out)
    add_product = forms.IntegerField(required=False)

    def grid_filters(self):
        """`selectors.grid_for`'s filter arguments (valid forms only)."""
        data = self.cleaned_data
        return {
            "brand_id": data["brand"],
            "family": data["family"] or None,
            "customer_id": data["customer"],
            "facility_id": data["facility"],
            "q": data["q"] or None,
        }

    def problem(self):
        """What is wrong, in one line, for the 400 page."""
        return "Bad grid filter: " + "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in self.errors.items()
        )


class CellForm(forms.Form):
    product = forms.IntegerField()
    customer = forms.IntegerField(required=False)
    facility = forms.IntegerField()
    week = forms.DateField()
    value = forms.CharField(max_length=40, required=False)
    revision = forms.IntegerField(min_value=0, required=False)
    reason = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why (posted on the plan's feed)",
    )


class CommentForm(forms.Form):
    body = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), label="Comment")


class ImportForm(forms.Form):
    KINDS = [
        ("products", "Products"),
        ("customers", "Customers"),
        ("facilities", "Facilities"),
        ("suppliers", "Suppliers"),
        ("sales_order_lines", "Sales orders (one row per line)"),
        ("inventory", "Inventory snapshots"),
        ("actuals", "Actuals"),
        ("resources", "Resources"),
        ("resource_capacity", "Resource capacity per week"),
        ("resource_loads", "Resource usage per product"),
        ("plan_entries", "Plan entries"),
    ]
    kind = forms.ChoiceField(choices=KINDS)
    file = forms.FileField(help_text="CSV or XLSX, first row the column names")
    version = forms.ChoiceField(
        required=False, label="Draft version", help_text="Plan entries only: the draft to load into"
    )
    numbers = forms.ChoiceField(
        label="Decimal mark",
        choices=[
            ("auto", "Automatic: a decimal comma when columns are separated by semicolons"),
            ("point", "Decimal point: 1,234.56"),
            ("comma", "Decimal comma: 1.234,56"),
        ],
        initial="auto",
        required=False,
    )
    round_to_cents = forms.BooleanField(
        label="Round numbers with more than two decimals (otherwise they are refused)", required=False
    )

    def clean_numbers(self):
        return self.cleaned_data.get("numbers") or "auto"

    def __init__(self, *args, tenant, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = PlanVersion.objects.filter(tenant=tenant, status=VersionStatus.DRAFT).select_related(
            "plan", "cycle", "subject"
        )
        self.drafts = {str(v.pk): v for v in drafts}
        self.fields["version"].choices = [("", "—")] + [
            (pk, v.subject.title) for pk, v in self.drafts.items()
        ]

    def clean_version(self):
        return self.drafts.get(self.cleaned_data.get("version") or "")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "plan_entries" and not data.get("version"):
            self.add_error("version", "Choose the draft version to load into.")
        return data

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PLANNING_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {limit / 1024 / 1024:g} MB; split it into smaller files."
            )
        return upload
