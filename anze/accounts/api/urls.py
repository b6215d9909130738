"""Account API, included under /api/ with the namespace "api"."""

from django.urls import path

from anze.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenObtainView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password/", views.PasswordChangeView.as_view(), name="auth-password"),
    path("users/me/", views.CurrentUserView.as_view(), name="users-me"),
]
