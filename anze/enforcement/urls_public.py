"""Public enforcement pages (no login): 双随机 commitments, draws and their verification."""

from django.urls import path

from anze.enforcement import views_draws, views_inspections, views_listings

app_name = "enforcement_public"

urlpatterns = [
    path("draws/", views_draws.public_draw_list, name="draw_list"),
    path("draws/<uuid:public_id>/", views_draws.public_draw, name="draw"),
    path("draws/<uuid:public_id>/<slug:name>.json", views_draws.public_draw_file, name="draw_file"),
    path("penalties/", views_inspections.public_penalty_list, name="penalty_list"),
    path("listings/", views_listings.public_listing_list, name="listing_list"),
]
