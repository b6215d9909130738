"""Signing in and out through the API, changing one's password, and reading one's own record."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anze.accounts import policy, services
from anze.accounts.api.authentication import token_expires_at
from anze.accounts.api.serializers import (
    AuthErrorSerializer,
    CurrentUserSerializer,
    PasswordChangeSerializer,
    TokenRequestSerializer,
    TokenResponseSerializer,
)
from anze.accounts.backends import Refusal, answered_as
from anze.audit.services import record_standalone
from anze.core.permissions import PUBLIC

_REFUSAL_STATUS = {
    Refusal.INVALID: status.HTTP_400_BAD_REQUEST,
    Refusal.OTP_INVALID: status.HTTP_400_BAD_REQUEST,
    Refusal.LOCKED: status.HTTP_403_FORBIDDEN,
    Refusal.INACTIVE: status.HTTP_403_FORBIDDEN,
    Refusal.EXPIRED: status.HTTP_403_FORBIDDEN,
}


class TokenObtainView(APIView):
    """Exchange a username, password and (for administrators) a TOTP for a token; lockout applies as on the page."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    permission_action = PUBLIC

    @extend_schema(
        tags=["auth"],
        request=TokenRequestSerializer,
        responses={
            200: TokenResponseSerializer,
            400: OpenApiResponse(
                AuthErrorSerializer,
                description="invalid_credentials: a wrong or unknown name or password, a missing or wrong OTP "
                "(administrators), a locked account or a throttled address, all answered alike",
            ),
            403: OpenApiResponse(AuthErrorSerializer, description="account_inactive or account_expired"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        django_request = request._request
        user = authenticate(
            django_request, username=data["username"], password=data["password"], otp=data.get("otp") or ""
        )
        if user is None:
            # A wrong password, an unknown name, a lock, a throttled address and a missing or wrong OTP all
            # answer alike: nothing tells whether the name exists or an administrator's password was right.
            refusal = answered_as(getattr(django_request, "anze_login_refusal", Refusal.INVALID))
            return Response(
                {"detail": str(refusal.label), "code": refusal.value}, status=_REFUSAL_STATUS[refusal]
            )
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        return Response(
            TokenResponseSerializer(
                {
                    "token": token.key,
                    "expires_at": token_expires_at(token),
                    "password_change_required": policy.password_change_required(user),
                }
            ).data
        )


class LogoutView(APIView):
    """End the caller's token (or session)."""

    permission_action = "view"
    allow_password_change_required = True

    @extend_schema(tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if isinstance(request.auth, Token):
            record_standalone("auth.logout", actor=request.user, obj=request.user, reason="api token")
            request.auth.delete()
        else:
            services.sign_out(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeView(APIView):
    """Change one's own password (the only call open while an initial or expired password must be changed).

    Every token of the user ends; sign in again with the new password.
    """

    permission_action = "change"
    allow_password_change_required = True

    @extend_schema(
        tags=["auth"],
        request=PasswordChangeSerializer,
        responses={204: None, 400: OpenApiResponse(description="field errors")},
    )
    def post(self, request: Request) -> Response:
        serializer = PasswordChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.change_password(
                actor=request.user,
                user=request.user,
                old=serializer.validated_data["old_password"],
                new=serializer.validated_data["new_password"],
                request=None if isinstance(request.auth, Token) else request._request,
            )
        except DjangoValidationError as exc:
            return Response(
                {**exc.message_dict, "code": "invalid_password", "detail": _("密码不符合要求。")},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class CurrentUserView(APIView):
    """The signed-in user: name, roles with their areas, password age."""

    permission_action = "view"

    @extend_schema(tags=["users"], responses={200: CurrentUserSerializer})
    def get(self, request: Request) -> Response:
        return Response(CurrentUserSerializer(request.user).data)
