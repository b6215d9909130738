"""Enterprises API, included under /api/ with the namespace "api"."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from anze.enterprises.api import views

router = SimpleRouter()
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("enterprise-rule-sets", views.RuleSetViewSet, basename="enterprise-rule-set")

urlpatterns = [
    path("enterprise-indicators/", views.ClauseIndicatorView.as_view(), name="enterprise-indicators"),
    *router.urls,
]
