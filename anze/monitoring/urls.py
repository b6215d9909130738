from django.urls import path

from anze.monitoring import views, views_hazards, views_ingest

app_name = "monitoring"

urlpatterns = [
    path("ingest/", views_ingest.ingest_batch, name="ingest"),
    path("ingest/vehicles/", views_ingest.ingest_vehicle_positions, name="ingest_vehicles"),
    path("hazards/", views.HazardListView.as_view(), name="hazard_list"),
    path("hazards/new/", views_hazards.hazard_create, name="hazard_create"),
    path("hazards/<uuid:public_id>/", views.hazard_detail, name="hazard_detail"),
    path("hazards/<uuid:public_id>/file/", views_hazards.hazard_file, name="hazard_file"),
    path("hazards/<uuid:public_id>/reassess/", views_hazards.hazard_reassess, name="hazard_reassess"),
    path("points/", views.PointListView.as_view(), name="point_list"),
    path("points/<uuid:public_id>/", views.point_detail, name="point_detail"),
    path("alarms/", views.AlarmListView.as_view(), name="alarm_list"),
    path("alarms/<uuid:public_id>/", views.alarm_detail, name="alarm_detail"),
    path("alarms/<uuid:public_id>/<slug:action>/", views.alarm_action, name="alarm_action"),
    path("online/", views.online_rate, name="online_rate"),
    path("warnings/", views.risk_warning, name="risk_warning"),
    path("vehicles/", views.VehicleListView.as_view(), name="vehicle_list"),
    path("vehicle-alarms/", views.VehicleAlarmListView.as_view(), name="vehicle_alarm_list"),
    path(
        "vehicle-alarms/<uuid:public_id>/acknowledge/",
        views.vehicle_alarm_acknowledge,
        name="vehicle_alarm_acknowledge",
    ),
]
