from django.urls import path

from anze.monitoring import views_ingest

app_name = "monitoring"

urlpatterns = [
    path("ingest/", views_ingest.ingest_batch, name="ingest"),
]
