"""Account pages. Everything under manage/ is administration (network allow-list applies)."""

from django.urls import path

from anze.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("profile/", views.profile, name="profile"),
    path("manage/users/", views.user_list, name="user_list"),
    path("manage/users/new/", views.user_create, name="user_create"),
    path("manage/users/<uuid:public_id>/", views.user_detail, name="user_detail"),
    path("manage/users/<uuid:public_id>/roles/", views.role_assign, name="role_assign"),
    path(
        "manage/users/<uuid:public_id>/roles/<uuid:assignment_id>/revoke/",
        views.role_revoke,
        name="role_revoke",
    ),
    path("manage/users/<uuid:public_id>/unlock/", views.user_unlock, name="user_unlock"),
    path(
        "manage/users/<uuid:public_id>/reset-password/", views.user_reset_password, name="user_reset_password"
    ),
    path("manage/users/<uuid:public_id>/reset-otp/", views.user_reset_otp, name="user_reset_otp"),
    path(
        "manage/users/<uuid:public_id>/deactivate/",
        views.user_set_active,
        {"active": False},
        name="user_deactivate",
    ),
    path(
        "manage/users/<uuid:public_id>/activate/",
        views.user_set_active,
        {"active": True},
        name="user_activate",
    ),
]
