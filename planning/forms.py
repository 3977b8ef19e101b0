"""Input validation for planning screens. Foreign keys are limited to the member's tenant."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from sopsocial.tenancy.forms import person_label

from .models import (
    Brand,
    Customer,
    Event,
    Facility,
    Product,
    ProductionJob,
    Promotion,
    SalesOrder,
)

# An HTML date input only takes ISO dates; the default (localised) format would leave it blank on edit.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
        ("inventory", "Inventory snapshots"),
        ("actuals", "Actuals"),
        ("plan_entries", "Plan entries"),
    ]
    kind = forms.ChoiceField(choices=KINDS)
    file = forms.FileField(help_text="CSV or XLSX, first row the column names")
    version = forms.IntegerField(required=False, help_text="Draft version id (plan entries only)")
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

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.PLANNING_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is larger than {limit / 1024 / 1024:g} MB; split it into smaller files."
            )
        return upload
