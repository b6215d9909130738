from django.urls import path

from anze.enforcement import views

app_name = "enforcement"

urlpatterns = [
    path("accidents/", views.AccidentListView.as_view(), name="accident_list"),
    path("accidents/new/", views.accident_create, name="accident_create"),
    path("accidents/<uuid:public_id>/", views.accident_detail, name="accident_detail"),
    path("accidents/<uuid:public_id>/<slug:action>/", views.accident_action, name="accident_action"),
    path("accident-steps/<uuid:public_id>/complete/", views.step_complete, name="step_complete"),
]
