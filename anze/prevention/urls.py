from django.urls import path

from anze.prevention import views

app_name = "prevention"

urlpatterns = [
    path("risk-points/", views.risk_point_list, name="risk_point_list"),
    path("risk-points/new/", views.risk_point_create, name="risk_point_create"),
    path("risk-points/<uuid:public_id>/", views.risk_point_detail, name="risk_point_detail"),
    path("hidden-dangers/", views.hidden_danger_list, name="hidden_danger_list"),
    path("hidden-dangers/new/", views.hidden_danger_create, name="hidden_danger_create"),
    path("hidden-dangers/stats/", views.hidden_danger_stats, name="hidden_danger_stats"),
    path(
        "hidden-dangers/stats/refresh/", views.hidden_danger_stats_refresh, name="hidden_danger_stats_refresh"
    ),
    path("hidden-dangers/<uuid:public_id>/", views.hidden_danger_detail, name="hidden_danger_detail"),
    path("hidden-dangers/<uuid:public_id>/plan/", views.hidden_danger_plan, name="hidden_danger_plan"),
    path("hidden-dangers/<uuid:public_id>/photo/", views.hidden_danger_photo, name="hidden_danger_photo"),
    path(
        "hidden-dangers/<uuid:public_id>/<slug:action>/",
        views.hidden_danger_action,
        name="hidden_danger_action",
    ),
    path("photos/<uuid:public_id>/", views.photo_download, name="photo_download"),
]
