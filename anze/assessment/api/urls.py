"""Assessment API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.assessment.api import views

router = SimpleRouter()
router.register("assessment-runs", views.RunViewSet, basename="assessment-run")
router.register("assessment-results", views.BodyResultViewSet, basename="assessment-result")
router.register(
    "assessment-self-assessments", views.SelfAssessmentViewSet, basename="assessment-self-assessment"
)

urlpatterns = router.urls
