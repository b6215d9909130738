"""Duties API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.duties.api import views

router = SimpleRouter()
router.register("duties", views.DutyViewSet, basename="duty")
router.register("occurrences", views.OccurrenceViewSet, basename="occurrence")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = router.urls
