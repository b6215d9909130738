"""Monitoring API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.monitoring.api import views

router = SimpleRouter()
router.register("monitoring/points", views.PointViewSet, basename="monitoring-point")
router.register("monitoring/alarms", views.AlarmViewSet, basename="monitoring-alarm")

urlpatterns = router.urls
