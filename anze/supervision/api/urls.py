"""Supervision API, included under /api/ with the namespace "api"."""

from rest_framework.routers import SimpleRouter

from anze.supervision.api import views

router = SimpleRouter()
router.register("supervision/cases", views.CaseViewSet, basename="supervision-case")
router.register("supervision/extensions", views.ExtensionRequestViewSet, basename="supervision-extension")
router.register("supervision/circulars", views.CircularViewSet, basename="supervision-circular")
router.register("supervision/inbox", views.InboxViewSet, basename="supervision-inbox")

urlpatterns = router.urls
