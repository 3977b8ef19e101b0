from django.urls import path

from . import pwa, views

app_name = "site"
urlpatterns = [
    path("", views.start, name="start"),
    path("tenants/", views.tenants, name="tenants"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("offline/", pwa.offline, name="offline"),
]
