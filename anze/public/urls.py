"""The public portal at /public/ (no login)."""

from django.urls import path

from anze.public import views_portal

app_name = "public"

urlpatterns = [
    path("", views_portal.portal_home, name="home"),
    path("report/", views_portal.tip_submit, name="tip_submit"),
    path("report/received/", views_portal.tip_received, name="tip_received"),
    path("track/", views_portal.tip_track, name="tip_track"),
    path("disclosures/", views_portal.disclosure_list, name="disclosure_list"),
    path("disclosures/<uuid:public_id>/", views_portal.disclosure_detail, name="disclosure_detail"),
]
