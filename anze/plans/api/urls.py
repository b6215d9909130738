"""Plan API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.plans.api import views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("plan-versions", views.PlanVersionViewSet, basename="planversion")
router.register("clauses", views.ClauseViewSet, basename="clause")
router.register("clause-assignments", views.ClauseAssignmentViewSet, basename="clauseassignment")
router.register("plan-imports", views.PlanImportViewSet, basename="planimport")

urlpatterns = router.urls
