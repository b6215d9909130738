"""Filters shared by the assessment pages and the API, so a number on the results page links to its list."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from anze.assessment.choices import AppealStatus, BodyKind, ResultGrade, VetoOutcome
from anze.assessment.models import Appeal, BodyResult


class BodyResultFilterSet(django_filters.FilterSet):
    """考核结果筛选：结果版本、否决结果、等次、对象类型、年度。"""

    run = django_filters.UUIDFilter(field_name="run__public_id", label=_("考核结果"))
    outcome = django_filters.ChoiceFilter(choices=VetoOutcome.choices, label=_("否决结果"))
    grade = django_filters.ChoiceFilter(choices=ResultGrade.choices, label=_("等次"))
    kind = django_filters.ChoiceFilter(field_name="body__kind", choices=BodyKind.choices, label=_("对象类型"))
    year = django_filters.NumberFilter(
        field_name="run__scheme__year", label=_("年度"), min_value=2000, max_value=2100
    )

    class Meta:
        model = BodyResult
        fields = ["run", "outcome", "grade", "kind", "year"]


class AppealFilterSet(django_filters.FilterSet):
    """申诉筛选：状态、年度。"""

    status = django_filters.ChoiceFilter(choices=AppealStatus.choices, label=_("状态"))
    year = django_filters.NumberFilter(
        field_name="result__run__scheme__year", label=_("年度"), min_value=2000, max_value=2100
    )

    class Meta:
        model = Appeal
        fields = ["status", "year"]
