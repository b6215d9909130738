from django.urls import path

from anze.plans import views, views_cascade, views_import, views_matrix

app_name = "plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plan_list"),
    path("matrix/", views_matrix.matrix, name="matrix"),
    path("matrix/export.xlsx", views_matrix.matrix_export, name="matrix_export"),
    path("import/", views_import.import_upload, name="import_upload"),
    path("import/<uuid:public_id>/", views_import.import_preview, name="import_preview"),
    path("import/<uuid:public_id>/confirm/", views_import.import_confirm, name="import_confirm"),
    path("import/<uuid:public_id>/cancel/", views_import.import_cancel, name="import_cancel"),
    path("import/<uuid:public_id>/alias/", views_import.import_alias, name="import_alias"),
    path("import/<uuid:public_id>/correct/", views_import.import_correct, name="import_correct"),
    path("import/<uuid:public_id>/document/", views_import.import_document, name="import_document"),
    path("unresolved/", views_import.unresolved_list, name="unresolved_list"),
    path("units/<uuid:public_id>/", views.unit_responsibilities, name="unit_responsibilities"),
    path("people/<uuid:public_id>/", views.person_clauses, name="person_clauses"),
    path("versions/<uuid:public_id>/document/", views.version_document, name="version_document"),
    path("<uuid:public_id>/", views.plan_detail, name="plan_detail"),
    path("<uuid:public_id>/versions/", views.version_list, name="version_list"),
    path("<uuid:public_id>/map/", views_import.map_name, name="map_name"),
    path("<uuid:public_id>/cascade/", views_cascade.plan_cascade, name="plan_cascade"),
    path("<uuid:public_id>/cascade/link/", views_cascade.cascade_link, name="cascade_link"),
    path("<uuid:public_id>/cascade/unlink/", views_cascade.cascade_unlink, name="cascade_unlink"),
]
