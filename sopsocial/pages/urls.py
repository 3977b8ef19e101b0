from django.urls import path

from . import views

app_name = "site"
urlpatterns = [
    path("", views.start, name="start"),
    path("tenants/", views.tenants, name="tenants"),
    path("healthz", views.healthz, name="healthz"),
]
