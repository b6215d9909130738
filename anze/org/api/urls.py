from rest_framework.routers import SimpleRouter

from anze.org.api import views

router = SimpleRouter()
router.register("org/regions", views.RegionViewSet, basename="region")
router.register("org/units", views.UnitViewSet, basename="unit")
router.register("org/unit-groups", views.UnitGroupViewSet, basename="unitgroup")
router.register("org/people", views.PersonViewSet, basename="person")
router.register("org/committees", views.CommitteeViewSet, basename="committee")

urlpatterns = router.urls
