from django.urls import path

from anze.enforcement import views, views_draws, views_inspections, views_listings

app_name = "enforcement"

urlpatterns = [
    path("accidents/", views.AccidentListView.as_view(), name="accident_list"),
    path("accidents/new/", views.accident_create, name="accident_create"),
    path("accidents/export.xlsx", views.accident_export, name="accident_export"),
    path("accidents/<uuid:public_id>/", views.accident_detail, name="accident_detail"),
    path("accidents/<uuid:public_id>/<slug:action>/", views.accident_action, name="accident_action"),
    path("accident-steps/<uuid:public_id>/complete/", views.step_complete, name="step_complete"),
    path("plans/", views_draws.plan_list, name="plan_list"),
    path("plans/export.xlsx", views_draws.plan_export, name="plan_export"),
    path("plans/<uuid:public_id>/", views_draws.plan_detail, name="plan_detail"),
    path("plans/<uuid:public_id>/approve/", views_draws.plan_approve, name="plan_approve"),
    path("plans/<uuid:public_id>/draws/new/", views_draws.draw_commit, name="draw_commit"),
    path("draws/<uuid:public_id>/", views_draws.draw_detail, name="draw_detail"),
    path("draws/<uuid:public_id>/<slug:action>/", views_draws.draw_action, name="draw_action"),
    path("inspections/", views_inspections.inspection_list, name="inspection_list"),
    path("inspections/today/", views_inspections.inspection_today, name="inspection_today"),
    path("inspections/export.xlsx", views_inspections.inspection_export, name="inspection_export"),
    path("inspections/<uuid:public_id>/", views_inspections.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<uuid:public_id>/photos/",
        views_inspections.inspection_photos,
        name="inspection_photos",
    ),
    path("inspection-photos/<uuid:public_id>/", views_inspections.inspection_photo, name="inspection_photo"),
    path(
        "inspections/<uuid:public_id>/<slug:action>/",
        views_inspections.inspection_action,
        name="inspection_action",
    ),
    path(
        "findings/<uuid:public_id>/rectified/", views_inspections.finding_rectified, name="finding_rectified"
    ),
    path("penalties/", views_inspections.penalty_list, name="penalty_list"),
    path("penalties/new/", views_inspections.penalty_create, name="penalty_create"),
    path("penalties/export.xlsx", views_inspections.penalty_export, name="penalty_export"),
    path("penalties/<uuid:public_id>/", views_inspections.penalty_detail, name="penalty_detail"),
    path("penalties/<uuid:public_id>/publish/", views_inspections.penalty_publish, name="penalty_publish"),
    path(
        "penalties/<uuid:public_id>/responsible/",
        views_inspections.penalty_responsible,
        name="penalty_responsible",
    ),
    path(
        "penalties/<uuid:public_id>/propose-listing/",
        views_inspections.penalty_propose_listing,
        name="penalty_propose_listing",
    ),
    path("penalties/<uuid:public_id>/decision.docx", views_inspections.penalty_docx, name="penalty_docx"),
    path("listings/", views_listings.listing_list, name="listing_list"),
    path("listings/export.xlsx", views_listings.listing_export, name="listing_export"),
    path("listings/<uuid:public_id>/", views_listings.listing_detail, name="listing_detail"),
    path("listings/<uuid:public_id>/<slug:action>/", views_listings.listing_action, name="listing_action"),
]
