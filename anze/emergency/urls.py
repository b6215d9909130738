from django.urls import path

from anze.emergency import views, views_drills, views_incidents, views_supplies

app_name = "emergency"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("teams/", views.TeamListView.as_view(), name="team_list"),
    path("teams/new/", views.team_create, name="team_create"),
    path("teams/<uuid:public_id>/", views.team_detail, name="team_detail"),
    path("teams/<uuid:public_id>/<slug:action>/", views.team_action, name="team_action"),
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<uuid:public_id>/end/", views.agreement_end, name="agreement_end"),
    path("depots/", views_supplies.DepotListView.as_view(), name="depot_list"),
    path("depots/new/", views_supplies.depot_create, name="depot_create"),
    path("depots/<uuid:public_id>/", views_supplies.depot_detail, name="depot_detail"),
    path("depots/<uuid:public_id>/receive/", views_supplies.depot_receive, name="depot_receive"),
    path("depots/<uuid:public_id>/dispatch/", views_supplies.depot_dispatch, name="depot_dispatch"),
    path("stock/", views_supplies.BatchListView.as_view(), name="batch_list"),
    path("minimums/", views_supplies.minimum_list, name="minimum_list"),
    path("incidents/", views_incidents.IncidentListView.as_view(), name="incident_list"),
    path("incidents/new/", views_incidents.incident_create, name="incident_create"),
    path("incidents/<uuid:public_id>/", views_incidents.incident_detail, name="incident_detail"),
    path("incidents/<uuid:public_id>/timeline/", views_incidents.incident_timeline, name="incident_timeline"),
    path(
        "incidents/<uuid:public_id>/timeline/feed/",
        views_incidents.incident_timeline_feed,
        name="incident_feed",
    ),
    path(
        "incidents/<uuid:public_id>/<slug:action>/", views_incidents.incident_action, name="incident_action"
    ),
    path("drills/", views_drills.DrillListView.as_view(), name="drill_list"),
    path("drills/new/", views_drills.drill_create, name="drill_create"),
    path("drills/plans/new/", views_drills.plan_create, name="plan_create"),
    path("drills/<uuid:public_id>/", views_drills.drill_detail, name="drill_detail"),
    path("drills/<uuid:public_id>/record/", views_drills.drill_record, name="drill_record"),
]
