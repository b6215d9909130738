from django.urls import path

from anze.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("cases/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:public_id>/notice.docx", views.case_notice, name="case_notice"),
    path("cases/<uuid:public_id>/extension/", views.case_extension_request, name="case_extension_request"),
    path("cases/<uuid:public_id>/close/", views.case_close, name="case_close"),
    path("reminders/", views.ReminderListView.as_view(), name="reminder_list"),
    path("deliveries/", views.DeliveryListView.as_view(), name="delivery_list"),
    path("circulars/", views.CircularListView.as_view(), name="circular_list"),
    path("circulars/<uuid:public_id>/", views.circular_detail, name="circular_detail"),
    path("circulars/<uuid:public_id>/circular.docx", views.circular_document, name="circular_document"),
    path("extensions/", views.ExtensionRequestListView.as_view(), name="extension_list"),
    path("extensions/<uuid:public_id>/decide/", views.extension_decide, name="extension_decide"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_read, name="inbox_read"),
    path("lights/", views.traffic_lights, name="lights"),
]
