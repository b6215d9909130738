from django.urls import path

from anze.assessment import views, views_exports

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/<uuid:public_id>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<uuid:public_id>/compute/", views.scheme_compute, name="scheme_compute"),
    path("schemes/<uuid:public_id>/what-if/", views.what_if, name="what_if"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:public_id>/<slug:action>/", views.run_action, name="run_action"),
    path("runs/<uuid:public_id>/export.xlsx", views_exports.run_xlsx, name="run_xlsx"),
    path("runs/<uuid:public_id>/report.docx", views_exports.run_docx, name="run_docx"),
    path("results/<uuid:public_id>/", views.result_detail, name="result_detail"),
    path("results/<uuid:public_id>/appeal/", views.result_appeal, name="result_appeal"),
    path("bodies/<uuid:public_id>/entries/", views.body_entries, name="body_entries"),
    path("entries/<uuid:public_id>/review/", views.entry_review, name="entry_review"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<uuid:public_id>/", views.appeal_detail, name="appeal_detail"),
    path("awards/", views.award_list, name="award_list"),
    path("vetoed.xlsx", views_exports.vetoed_xlsx, name="vetoed_xlsx"),
]
