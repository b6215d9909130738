"""Training API: banks, sittings, attempts and certificates, read-only, with the pages' filters."""

from __future__ import annotations

from django.db.models import Count, Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from anze.training.api.serializers import (
    AttemptSerializer,
    BankSerializer,
    CertificateSerializer,
    SittingSerializer,
)
from anze.training.filtersets import AttemptFilterSet, BankFilterSet, CertificateFilterSet, SittingFilterSet
from anze.training.models import Attempt, Certificate, QuestionBank, Sitting


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class BankViewSet(viewsets.ReadOnlyModelViewSet):
    """题库（不含试题答案）。"""

    serializer_class = BankSerializer
    filterset_class = BankFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            QuestionBank.objects.restrict(self.request.user, "view")
            .annotate(question_count=Count("questions", filter=Q(questions__is_active=True)))
            .order_by("name", "id")
        )


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class SittingViewSet(viewsets.ReadOnlyModelViewSet):
    """考试场次。"""

    serializer_class = SittingSerializer
    filterset_class = SittingFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Sitting.objects.restrict(self.request.user, "view")
            .select_related("paper")
            .order_by("-opens_at", "-id")
        )


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class AttemptViewSet(viewsets.ReadOnlyModelViewSet):
    """答卷：成绩与是否合格（部门可见；考生在页面上查看本人成绩）。"""

    serializer_class = AttemptSerializer
    filterset_class = AttemptFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Attempt.objects.restrict(self.request.user, "view")
            .select_related("sitting", "candidate__enterprise")
            .order_by("-started_at", "-id")
        )


@extend_schema_view(list=extend_schema(tags=["training"]), retrieve=extend_schema(tags=["training"]))
class CertificateViewSet(viewsets.ReadOnlyModelViewSet):
    """考核合格证。"""

    serializer_class = CertificateSerializer
    filterset_class = CertificateFilterSet
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    permission_action = "view"

    def get_queryset(self):
        return (
            Certificate.objects.restrict(self.request.user, "view")
            .select_related("enterprise")
            .order_by("expires_on", "id")
        )
