from django.urls import path

from . import operator_views

app_name = "operator"
urlpatterns = [
    path("", operator_views.tenant_list, name="tenants"),
    path("<int:tenant_id>/suspend/", operator_views.tenant_suspend, name="suspend"),
    path("<int:tenant_id>/reactivate/", operator_views.tenant_reactivate, name="reactivate"),
]
