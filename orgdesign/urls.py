from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated

from orgdesign import views
from orgdesign.transfer.views import TransferView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", views.HomeView.as_view(), name="home"),
    path("favicon.ico", views.favicon),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("departments.urls")),
    path("", include("positions.urls")),
    path("", include("appraisal.urls")),
    path("", include("analytics.urls")),
    path("", include("orgdesign.transfer.urls")),
    path("admin/transfer/", admin.site.admin_view(TransferView.as_view()), name="admin-transfer"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("orgdesign.api.urls")),
]

# The API's schema and its docs page: for signed-in users (a session or a token) unless API_DOCS_PUBLIC.
if settings.API_DOCS_PUBLIC:
    schema_view = SpectacularAPIView.as_view(permission_classes=[AllowAny])
    docs_view = SpectacularSwaggerSplitView.as_view(url_name="schema", permission_classes=[AllowAny])
else:
    schema_view = SpectacularAPIView.as_view(permission_classes=[IsAuthenticated])
    docs_view = login_required(SpectacularSwaggerSplitView.as_view(url_name="schema"))
urlpatterns += [
    path("api/schema/", schema_view, name="schema"),
    path("api/docs/", docs_view, name="api-docs"),
]

handler400 = "orgdesign.api.exceptions.handler400"
handler404 = "orgdesign.api.exceptions.handler404"
handler500 = "orgdesign.api.exceptions.handler500"
