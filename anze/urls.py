"""Top-level URLs: pages by app, the API with its schema and docs, the admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from anze.core import views as core_views

api_patterns = [
    path("", include("anze.org.api.urls")),
    path("", include("anze.accounts.api.urls")),
    path("", include("anze.audit.api.urls")),
    path("", include("anze.plans.api.urls")),
    path("", include("anze.duties.api.urls")),
    path("", include("anze.supervision.api.urls")),
    path("", include("anze.prevention.api.urls")),
    path("", include("anze.enterprises.api.urls")),
    path("", include("anze.enforcement.api.urls")),
    path("", include("anze.monitoring.api.urls")),
    path("", include("anze.training.api.urls")),
    path("", include("anze.emergency.api.urls")),
]

urlpatterns = [
    path("", include("anze.core.urls")),
    path("accounts/", include("anze.accounts.urls")),
    path("org/", include("anze.org.urls")),
    path("audit/", include("anze.audit.urls")),
    path("plans/", include("anze.plans.urls")),
    path("duties/", include("anze.duties.urls")),
    path("supervision/", include("anze.supervision.urls")),
    path("enterprises/", include("anze.enterprises.urls")),
    path("prevention/", include("anze.prevention.urls")),
    path("monitoring/", include("anze.monitoring.urls")),
    path("enforcement/", include("anze.enforcement.urls")),
    path("training/", include("anze.training.urls")),
    path("emergency/", include("anze.emergency.urls")),
    path("assessment/", include("anze.assessment.urls")),
    path("tips/", include("anze.public.urls_office")),
    path("public/", include("anze.public.urls")),
    path("public/enforcement/", include("anze.enforcement.urls_public")),
    path("api/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
