from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler400 = "orgdesign.api.exceptions.handler400"
handler404 = "orgdesign.api.exceptions.handler404"
handler500 = "orgdesign.api.exceptions.handler500"
