from django.urls import path

from anze.supervision import views, views_assign, views_batches, views_settings

app_name = "supervision"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/notice.docx", views.case_notice, name="case_notice"),
    path("cases/<uuid:public_id>/extension/", views.case_extension_request, name="case_extension_request"),
    path("cases/<uuid:public_id>/close/", views.case_close, name="case_close"),
    path("assign/", views_assign.occurrence_assign, name="occurrence_assign"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("circulars/", views.CircularListView.as_view(), name="circular_list"),
    path("circulars/<uuid:public_id>/", views.circular_detail, name="circular_detail"),
    path("circulars/<uuid:public_id>/circular.docx", views.circular_document, name="circular_document"),
    path("extensions/", views.ExtensionRequestListView.as_view(), name="extension_list"),
    path("extensions/<uuid:public_id>/decide/", views.extension_decide, name="extension_decide"),
    path("batches/", views_batches.batch_list, name="batch_list"),
    path("batches/<uuid:public_id>/release/", views_batches.batch_release, name="batch_release"),
    path("batches/<uuid:public_id>/withdraw/", views_batches.batch_withdraw, name="batch_withdraw"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("lights/", views.traffic_lights, name="lights"),
    path("settings/", views_settings.settings_index, name="settings"),
    path("settings/policies/new/", views_settings.policy_create, name="policy_create"),
    path("settings/policies/<uuid:public_id>/", views_settings.policy_update, name="policy_update"),
    path(
        "settings/policies/<uuid:public_id>/active/",
        views_settings.policy_set_active,
        name="policy_set_active",
    ),
    path("settings/channels/new/", views_settings.endpoint_create, name="endpoint_create"),
    path("settings/channels/<uuid:public_id>/", views_settings.endpoint_update, name="endpoint_update"),
    path(
        "settings/channels/<uuid:public_id>/active/",
        views_settings.endpoint_set_active,
        name="endpoint_set_active",
    ),
    path(
        "settings/channels/<uuid:public_id>/test/",
        views_settings.endpoint_send_test,
        name="endpoint_send_test",
    ),
]
