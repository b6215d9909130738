"""Prevention API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.prevention.api import views

router = SimpleRouter()
router.register("risk-points", views.RiskPointViewSet, basename="risk-point")
router.register("hidden-dangers", views.HiddenDangerViewSet, basename="hidden-danger")

urlpatterns = router.urls
