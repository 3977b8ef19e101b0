"""URL map. Everything a tenant owns lives under /t/<tenant_slug>/ and every view there is wrapped by
`sopsocial.tenancy.access.tenant_view` (enforced by TenantGuardCheckMiddleware and the URL-walking test)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api import api
from sopsocial.tenancy import signup_views
from sopsocial.tenancy import views as tenancy_views
from sopsocial.tenancy.forms import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

# The platform-admin login is a second way in: it shares the site login's throttle.
admin.site.login_form = ThrottledAdminAuthenticationForm

tenant_patterns = [
    path("", include("sopsocial.tenancy.urls")),
    path("", include("sopsocial.subjects.urls")),
    path("", include("sopsocial.audit.urls")),
    path("", include("planning.urls")),
    path("", include("feeds.urls")),
    path("", include("alerts.urls")),
    path("", include("process.urls")),
    path("", include("sopsocial.api.tenant_urls")),
]

urlpatterns = [
    path("", include("sopsocial.pages.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=ThrottledAuthenticationForm
        ),
        name="login",
    ),
    path("accounts/password_reset/", tenancy_views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("invite/<str:token>/", tenancy_views.accept_invitation, name="accept_invitation"),
    path("signup/", signup_views.signup, name="signup"),
    path("signup/verify/<str:token>/", signup_views.signup_verify, name="signup_verify"),
    path("operator/", include("sopsocial.tenancy.operator_urls")),
    path("platform-admin/", admin.site.urls),
    path("t/<slug:tenant_slug>/", include(tenant_patterns)),
    path("api/v1/", include(api.url_patterns())),
]

handler400 = "sopsocial.pages.views.error_400"
handler403 = "sopsocial.pages.views.error_403"
handler404 = "sopsocial.pages.views.error_404"
handler500 = "sopsocial.pages.views.error_500"
