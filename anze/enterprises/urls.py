"""Enterprise pages, under /enterprises/."""

from django.urls import path

from anze.enterprises import views, views_config

app_name = "enterprises"

urlpatterns = [
    path("", views.EnterpriseListView.as_view(), name="enterprise_list"),
    path("mine/", views.my_enterprise, name="mine"),
    path("new/", views.enterprise_create, name="enterprise_create"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("gaps/", views.gaps, name="gaps"),
    path("import/", views_config.import_upload, name="import"),
    path("import/template.xlsx", views_config.import_template, name="import_template"),
    path("rules/", views_config.ruleset_list, name="ruleset_list"),
    path("rules/evaluate/", views_config.evaluate_now, name="evaluate"),
    path("rules/<uuid:public_id>/", views_config.ruleset_detail, name="ruleset_detail"),
    path("rules/<uuid:public_id>/new-version/", views_config.ruleset_new_version, name="ruleset_new_version"),
    path("rules/<uuid:public_id>/publish/", views_config.ruleset_publish, name="ruleset_publish"),
    path("rule/<uuid:public_id>/", views_config.rule_detail, name="rule_detail"),
    path("rule/<uuid:public_id>/edit/", views_config.rule_edit, name="rule_edit"),
    path("records/<slug:kind>/<uuid:record_id>/edit/", views.record_edit, name="record_edit"),
    path("records/<slug:kind>/<uuid:record_id>/delete/", views.record_delete, name="record_delete"),
    path("<uuid:public_id>/", views.enterprise_detail, name="enterprise_detail"),
    path("<uuid:public_id>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("<uuid:public_id>/records/<slug:kind>/add/", views.record_add, name="record_add"),
]
