from django.urls import path

from anze.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="event_list"),
    path("events/<int:sequence>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
    path("purge/", views.purge, name="purge"),
    path("history/<str:object_type>/<str:object_id>/", views.history, name="history"),
]
