"""Enforcement API, included under /api/ with the namespace "api"."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from anze.enforcement.api import public, views

router = SimpleRouter()
router.register("accidents", views.AccidentViewSet, basename="accident")
router.register("accident-steps", views.AccidentStepViewSet, basename="accident-step")
router.register("inspection-plans", views.InspectionPlanViewSet, basename="inspection-plan")
router.register("draws", views.DrawViewSet, basename="draw")
router.register("inspections", views.InspectionViewSet, basename="inspection")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("penalties", views.PenaltyViewSet, basename="penalty")
router.register("listings", views.ListingViewSet, basename="listing")

urlpatterns = router.urls + [
    path("public/penalties/", public.PublicPenaltyList.as_view(), name="public-penalty-list"),
    path("public/listings/", public.PublicListingList.as_view(), name="public-listing-list"),
]
