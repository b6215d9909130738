from django.urls import path

from anze.org import views

app_name = "org"

urlpatterns = [
    path("regions/", views.RegionListView.as_view(), name="region_list"),
    path("regions/new/", views.RegionCreateView.as_view(), name="region_create"),
    path("regions/<uuid:public_id>/", views.RegionDetailView.as_view(), name="region_detail"),
    path("regions/<uuid:public_id>/edit/", views.RegionUpdateView.as_view(), name="region_update"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/new/", views.UnitCreateView.as_view(), name="unit_create"),
    path("units/suggest/", views.unit_suggest, name="unit_suggest"),
    path("units/<uuid:public_id>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("units/<uuid:public_id>/edit/", views.UnitUpdateView.as_view(), name="unit_update"),
    path("units/<uuid:public_id>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("groups/", views.UnitGroupListView.as_view(), name="unitgroup_list"),
    path("groups/new/", views.UnitGroupCreateView.as_view(), name="unitgroup_create"),
    path("groups/<uuid:public_id>/", views.UnitGroupDetailView.as_view(), name="unitgroup_detail"),
    path("groups/<uuid:public_id>/edit/", views.UnitGroupUpdateView.as_view(), name="unitgroup_update"),
    path("groups/<uuid:public_id>/members/", views.unitgroup_members, name="unitgroup_members"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person_create"),
    path("people/<uuid:public_id>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<uuid:public_id>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("people/<uuid:public_id>/appoint/", views.person_appoint, name="person_appoint"),
    path("committees/", views.CommitteeListView.as_view(), name="committee_list"),
    path("committees/new/", views.CommitteeCreateView.as_view(), name="committee_create"),
    path("committees/<uuid:public_id>/", views.CommitteeDetailView.as_view(), name="committee_detail"),
    path("committees/<uuid:public_id>/edit/", views.CommitteeUpdateView.as_view(), name="committee_update"),
    path("committees/<uuid:public_id>/members/", views.committee_members, name="committee_members"),
]
