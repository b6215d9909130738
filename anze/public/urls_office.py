"""The office's pages for public reports, at /tips/ (signed in)."""

from django.urls import path

from anze.public import views_office

app_name = "tips"

urlpatterns = [
    path("", views_office.tip_list, name="tip_list"),
    path("rewards/", views_office.reward_list, name="reward_list"),
    path("rewards/<uuid:public_id>/<slug:action>/", views_office.reward_action, name="reward_action"),
    path("photos/<uuid:public_id>/", views_office.tip_photo, name="tip_photo"),
    path("disclose/<uuid:public_id>/", views_office.disclosure_create, name="disclosure_create"),
    path("<uuid:public_id>/", views_office.tip_detail, name="tip_detail"),
    path("<uuid:public_id>/assign/", views_office.tip_assign, name="tip_assign"),
    path("<uuid:public_id>/duplicate/", views_office.tip_duplicate, name="tip_duplicate"),
    path("<uuid:public_id>/verify/", views_office.tip_verify, name="tip_verify"),
    path("<uuid:public_id>/identity/", views_office.tip_identity, name="tip_identity"),
    path("<uuid:public_id>/reward/", views_office.reward_propose, name="reward_propose"),
]
