"""Emergency API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.emergency.api import views

router = SimpleRouter()
router.register("rescue-teams", views.TeamViewSet, basename="rescue-team")
router.register("depots", views.DepotViewSet, basename="depot")
router.register("stock-batches", views.BatchViewSet, basename="stock-batch")
router.register("incidents", views.IncidentViewSet, basename="incident")

urlpatterns = router.urls
