from django.urls import path

from anze.duties import views, views_holidays, views_revision, views_work

app_name = "duties"

urlpatterns = [
    path("", views.my_duties, name="my_duties"),
    path("occurrences/", views.OccurrenceListView.as_view(), name="occurrence_list"),
    path("overdue/", views.OverdueListView.as_view(), name="overdue"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/feed/issue/", views.feed_issue, name="feed_issue"),
    path("calendar/feed/revoke/", views.feed_revoke, name="feed_revoke"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("health/", views.health, name="health"),
    path("holidays/", views_holidays.holiday_list, name="holiday_list"),
    path("holidays/<int:year>/", views_holidays.holiday_year, name="holiday_year"),
    path("holidays/<int:year>/enter/", views_holidays.holiday_enter, name="holiday_enter"),
    path("holidays/<int:year>/settle/", views_holidays.holiday_settle, name="holiday_settle"),
    path("occurrences/<uuid:public_id>/", views_work.occurrence_detail, name="occurrence_detail"),
    path("occurrences/<uuid:public_id>/report/", views_work.occurrence_report, name="occurrence_report"),
    path("occurrences/<uuid:public_id>/review/", views_work.occurrence_review, name="occurrence_review"),
    path("evidence/<uuid:public_id>/", views_work.evidence_download, name="evidence_download"),
    path("list/", views_work.DutyListView.as_view(), name="duty_list"),
    path("suggest/<uuid:public_id>/", views_work.duty_suggest, name="duty_suggest"),
    path("coverage/<uuid:public_id>/", views_work.coverage_visit, name="coverage_visit"),
    path("revisions/", views_revision.revision_list, name="revision_list"),
    path(
        "revisions/carry-over/<uuid:public_id>/",
        views_revision.revision_carry_over,
        name="revision_carry_over",
    ),
    path("revisions/<uuid:public_id>/keep/", views_revision.revision_keep, name="revision_keep"),
    path("revisions/<uuid:public_id>/update/", views_revision.revision_update, name="revision_update"),
    path("revisions/<uuid:public_id>/retire/", views_revision.revision_retire, name="revision_retire"),
    path("<uuid:public_id>/", views_work.duty_detail, name="duty_detail"),
    path("<uuid:public_id>/confirm/", views_work.duty_confirm, name="duty_confirm"),
    path("<uuid:public_id>/confirm/preview/", views_work.duty_confirm_preview, name="duty_confirm_preview"),
]
