"""Audit API, included under /api/ with the namespace "api"."""

from django.urls import path

from anze.audit.api import views

urlpatterns = [
    path("audit/events/", views.AuditEventListAPIView.as_view(), name="audit-event-list"),
    path("audit/events/<int:sequence>/", views.AuditEventDetailAPIView.as_view(), name="audit-event-detail"),
]
