from django.urls import path

from . import views

app_name = "tenancy"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:membership_id>/role/", views.change_role, name="change_role"),
    path("people/<int:membership_id>/remove/", views.remove_member, name="remove_member"),
    path("partners/", views.partner_create, name="partner_create"),
    path("partners/<int:partner_id>/rename/", views.partner_rename, name="partner_rename"),
    path("partners/<int:partner_id>/deactivate/", views.partner_deactivate, name="partner_deactivate"),
    path("settings/", views.tenant_settings, name="settings"),
    path("invitations/<int:invitation_id>/revoke/", views.revoke_invitation, name="revoke_invitation"),
]
