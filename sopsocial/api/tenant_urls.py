from django.urls import path

from . import views

app_name = "api_keys"

urlpatterns = [
    path("settings/api-keys/", views.api_keys, name="list"),
    path("settings/api-keys/<int:api_key_id>/revoke/", views.revoke_api_key, name="revoke"),
]
