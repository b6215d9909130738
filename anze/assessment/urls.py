from django.urls import path

from anze.assessment import views, views_exports, views_schemes

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("schemes/new/", views_schemes.scheme_create, name="scheme_create"),
    path("schemes/<uuid:public_id>/", views.scheme_detail, name="scheme_detail"),
    path("schemes/<uuid:public_id>/edit/", views_schemes.scheme_edit, name="scheme_edit"),
    path("schemes/<uuid:public_id>/revise/", views_schemes.scheme_revise, name="scheme_revise"),
    path("schemes/<uuid:public_id>/bodies/add/", views_schemes.body_add, name="body_add"),
    path("bodies/<uuid:public_id>/remove/", views_schemes.body_remove, name="body_remove"),
    path("schemes/<uuid:public_id>/items/add/", views_schemes.item_add, name="item_add"),
    path("items/<uuid:public_id>/edit/", views_schemes.item_edit, name="item_edit"),
    path("items/<uuid:public_id>/remove/", views_schemes.item_remove, name="item_remove"),
    path("schemes/<uuid:public_id>/rule-set/new/", views_schemes.rule_set_create, name="rule_set_create"),
    path("schemes/<uuid:public_id>/rules/add/", views_schemes.rule_add, name="rule_add"),
    path("schemes/<uuid:scheme_id>/rules/<uuid:public_id>/edit/", views_schemes.rule_edit, name="rule_edit"),
    path(
        "schemes/<uuid:scheme_id>/rules/<uuid:public_id>/remove/", views_schemes.rule_remove, name="rule_remove"
    ),
    path("schemes/<uuid:public_id>/compute/", views.scheme_compute, name="scheme_compute"),
    path("schemes/<uuid:public_id>/what-if/", views.what_if, name="what_if"),
    path("runs/<uuid:public_id>/", views.run_detail, name="run_detail"),
    path("runs/<uuid:public_id>/<slug:action>/", views.run_action, name="run_action"),
    path("runs/<uuid:public_id>/export.xlsx", views_exports.run_xlsx, name="run_xlsx"),
    path("runs/<uuid:public_id>/report.docx", views_exports.run_docx, name="run_docx"),
    path("results/<uuid:public_id>/", views.result_detail, name="result_detail"),
    path("results/<uuid:public_id>/appeal/", views.result_appeal, name="result_appeal"),
    path("bodies/<uuid:public_id>/entries/", views.body_entries, name="body_entries"),
    path("bodies/<uuid:public_id>/submit/", views.body_submit, name="body_submit"),
    path("entries/<uuid:public_id>/review/", views.entry_review, name="entry_review"),
    path("evidence/<uuid:public_id>/", views.entry_evidence, name="entry_evidence"),
    path("self-assessments/", views.my_self_assessments, name="my_self_assessments"),
    path("appeals/", views.appeal_list, name="appeal_list"),
    path("appeals/<uuid:public_id>/", views.appeal_detail, name="appeal_detail"),
    path("awards/", views.award_list, name="award_list"),
    path("vetoed.xlsx", views_exports.vetoed_xlsx, name="vetoed_xlsx"),
]
