"""Serializers for signing in through the API and for the signed-in user's own record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from anze.accounts import policy
from anze.accounts.models import RoleAssignment, User


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("用户名"), max_length=150)
    password = serializers.CharField(
        label=_("密码"), max_length=256, trim_whitespace=False, style={"input_type": "password"}
    )
    otp = serializers.CharField(
        label=_("动态口令"),
        max_length=10,
        required=False,
        allow_blank=True,
        help_text=_("管理员角色必填：认证器应用上的 6 位数字。"),
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()
    password_change_required = serializers.BooleanField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(label=_("原密码"), max_length=256, trim_whitespace=False)
    new_password = serializers.CharField(label=_("新密码"), max_length=256, trim_whitespace=False)


class AuthErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class RoleAssignmentSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display")
    region = serializers.CharField(source="region.name", default=None, allow_null=True)
    unit = serializers.CharField(source="unit.name", default=None, allow_null=True)

    class Meta:
        model = RoleAssignment
        fields = ["public_id", "role", "role_label", "region", "unit", "valid_from", "valid_until"]


class CurrentUserSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    password_expires_at = serializers.SerializerMethodField()
    password_change_required = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "public_id",
            "username",
            "display_name",
            "last_login",
            "valid_until",
            "roles",
            "password_changed_at",
            "password_expires_at",
            "password_change_required",
        ]

    @extend_schema_field(RoleAssignmentSerializer(many=True))
    def get_roles(self, user: User) -> list[dict]:
        return RoleAssignmentSerializer(user.active_assignments(), many=True).data

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_password_expires_at(self, user: User) -> str | None:
        expires = policy.password_expires_at(user)
        return expires.isoformat() if expires else None

    def get_password_change_required(self, user: User) -> bool:
        return policy.password_change_required(user)
