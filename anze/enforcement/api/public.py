"""The public API of enforcement: what the public pages publish, for anyone, without signing in.

    GET /api/public/penalties/?q=&year=&county=&type=&late=1&page=N   行政处罚公示 (the page's search)
    GET /api/public/listings/?q=                                       严重失信主体名单 in force

The same rows and the same masking as the public pages (a natural person's name masked, never an identity
number); draws publish their snapshot and seed as files on their own public page.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from anze.core.params import BadQueryParameter, int_param
from anze.core.permissions import PUBLIC
from anze.enforcement import disclosure_search
from anze.enforcement.choices import ListingStatus, PenaltyType
from anze.enforcement.models import Listing

LISTINGS_AT_MOST = 200


class PublicPenaltySerializer(serializers.Serializer):
    """A published penalty decision as the public page shows it."""

    decision_number = serializers.CharField()
    party = serializers.CharField(help_text="当事人；自然人姓名已遮蔽")
    penalty_type = serializers.ChoiceField(choices=PenaltyType.choices)
    penalty_type_label = serializers.CharField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    department = serializers.CharField()
    county = serializers.CharField(allow_blank=True)
    facts = serializers.CharField()
    decided_on = serializers.DateField()
    published_on = serializers.DateField()
    published_late = serializers.BooleanField(help_text="超过7个工作日才公开")


class PublicPenaltyPageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    has_next = serializers.BooleanField()
    results = PublicPenaltySerializer(many=True)


class PublicListingSerializer(serializers.Serializer):
    """A listing in force as the public list shows it."""

    subject = serializers.CharField(help_text="被列入的主体；自然人姓名已遮蔽")
    credit_code = serializers.CharField()
    rule = serializers.CharField()
    rule_label = serializers.CharField()
    decision_number = serializers.CharField()
    department = serializers.CharField()
    listed_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)


class PublicListingListSerializer(serializers.Serializer):
    results = PublicListingSerializer(many=True)


class _Public(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    permission_action = PUBLIC


class PublicPenaltyList(_Public):
    """行政处罚公示: the public search, one page of 20 decisions, newest first."""

    @extend_schema(
        tags=["public"],
        auth=[],
        parameters=[
            OpenApiParameter("q", str, description="当事人、文号、案由或统一社会信用代码"),
            OpenApiParameter("year", int, description="决定年份"),
            OpenApiParameter("county", str, description="县区区划代码"),
            OpenApiParameter("type", str, enum=list(PenaltyType.values), description="处罚种类"),
            OpenApiParameter("late", str, enum=["1"], description="1：只看超期公开的"),
            OpenApiParameter("page", int, description="页码，从 1 开始"),
        ],
        responses={200: PublicPenaltyPageSerializer},
    )
    def get(self, request: Request) -> Response:
        try:
            number = int_param(request._request, "page", 1, minimum=1, maximum=disclosure_search.MAX_PAGE)
        except BadQueryParameter as exc:
            return Response({"detail": str(exc)}, status=400)
        found = disclosure_search.search(request.query_params, number)
        results = [
            {
                "decision_number": p.decision_number,
                "party": p.public_party,
                "penalty_type": p.penalty_type,
                "penalty_type_label": p.get_penalty_type_display(),
                "amount": p.amount,
                "department": str(p.department),
                "county": p.county.name if p.county_id else "",
                "facts": p.facts,
                "decided_on": p.decided_on,
                "published_on": p.published_on,
                "published_late": bool(p.published_late),
            }
            for p in found.rows
        ]
        return Response(
            PublicPenaltyPageSerializer({"page": number, "has_next": found.has_next, "results": results}).data
        )


class PublicListingList(_Public):
    """严重失信主体名单: the listings in force (a removed or expired one is no longer published)."""

    @extend_schema(
        tags=["public"],
        auth=[],
        parameters=[OpenApiParameter("q", str, description="企业名称或统一社会信用代码开头")],
        responses={200: PublicListingListSerializer},
    )
    def get(self, request: Request) -> Response:
        rows = (
            Listing.objects.filter(status=ListingStatus.LISTED)
            .select_related("enterprise", "department")
            .order_by("-listed_on", "-id")
        )
        q = (request.query_params.get("q") or "").replace("\x00", "").strip()[:50]
        if q:
            rows = rows.filter(enterprise__name__icontains=q) | rows.filter(
                enterprise__credit_code__startswith=q
            )
        results = [
            {
                "subject": row.public_subject,
                "credit_code": row.enterprise.credit_code,
                "rule": row.rule,
                "rule_label": row.get_rule_display(),
                "decision_number": row.decision_number,
                "department": str(row.department),
                "listed_on": row.listed_on,
                "expires_on": row.expires_on,
            }
            for row in rows[:LISTINGS_AT_MOST]
        ]
        return Response(PublicListingListSerializer({"results": results}).data)
