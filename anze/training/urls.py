from django.urls import path

from anze.training import views

app_name = "training"

urlpatterns = [
    path("banks/", views.BankListView.as_view(), name="bank_list"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path("banks/template.xlsx", views.question_template, name="question_template"),
    path("banks/<uuid:public_id>/", views.bank_detail, name="bank_detail"),
    path("banks/<uuid:public_id>/import/", views.bank_import, name="bank_import"),
    path("banks/<uuid:public_id>/papers/new/", views.paper_create, name="paper_create"),
    path("questions/<uuid:public_id>/edit/", views.question_edit, name="question_edit"),
    path(
        "questions/<uuid:public_id>/retire/", views.question_active, {"active": False}, name="question_retire"
    ),
    path(
        "questions/<uuid:public_id>/restore/",
        views.question_active,
        {"active": True},
        name="question_restore",
    ),
    path("papers/<uuid:public_id>/", views.paper_detail, name="paper_detail"),
    path("papers/<uuid:public_id>/sittings/new/", views.sitting_create, name="sitting_create"),
    path("sittings/", views.SittingListView.as_view(), name="sitting_list"),
    path("sittings/<uuid:public_id>/", views.sitting_detail, name="sitting_detail"),
    path("sittings/<uuid:public_id>/candidates/", views.sitting_candidates, name="sitting_candidates"),
    path("attempts/", views.AttemptListView.as_view(), name="attempt_list"),
    path("attempts/<uuid:public_id>/", views.attempt_detail, name="attempt_detail"),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("study/", views.StudyListView.as_view(), name="study_list"),
    path("study/new/", views.study_create, name="study_create"),
    path("my/", views.my_exams, name="my_exams"),
    path("my/<uuid:public_id>/start/", views.exam_start, name="exam_start"),
    path("exam/<uuid:public_id>/", views.exam, name="exam"),
    path("exam/<uuid:public_id>/answer/", views.exam_answer, name="exam_answer"),
    path("exam/<uuid:public_id>/submit/", views.exam_submit, name="exam_submit"),
]
