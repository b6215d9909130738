"""Filters shared by the training pages and the API."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.enterprises.choices import HighRiskCategory
from anze.training.choices import AttemptStatus, CertificateState, Difficulty, Post, QuestionKind, StudyKind
from anze.training.models import (
    EXPIRING_DAYS,
    Answer,
    Attempt,
    Certificate,
    Question,
    QuestionBank,
    Sitting,
    StudySession,
)

SITTING_WHEN = [("open", _("进行中")), ("upcoming", _("未开始")), ("closed", _("已截止"))]
PASSED = [("done", _("已交卷")), ("yes", _("合格")), ("no", _("不合格"))]
FINISHED = [("yes", _("已交卷（含超时自动交卷）")), ("no", _("作答中"))]


class BankFilterSet(django_filters.FilterSet):
    """题库筛选：考核对象、行业类别、关键词。"""

    post = django_filters.ChoiceFilter(choices=Post.choices, label=_("考核对象"))
    category = django_filters.ChoiceFilter(choices=HighRiskCategory.choices, label=_("行业类别"))
    q = django_filters.CharFilter(
        field_name="name", lookup_expr="icontains", label=_("关键词"), max_length=100
    )

    class Meta:
        model = QuestionBank
        fields = ["post", "category", "q"]


class QuestionFilterSet(django_filters.FilterSet):
    """试题筛选：题型、知识点、难度、关键词。"""

    kind = django_filters.ChoiceFilter(choices=QuestionKind.choices, label=_("题型"))
    topic = django_filters.CharFilter(label=_("知识点"), max_length=60)
    difficulty = django_filters.TypedChoiceFilter(choices=Difficulty.choices, coerce=int, label=_("难度"))
    q = django_filters.CharFilter(
        field_name="stem", lookup_expr="icontains", label=_("关键词"), max_length=100
    )

    class Meta:
        model = Question
        fields = ["kind", "topic", "difficulty", "q"]


class QuestionApiFilterSet(QuestionFilterSet):
    """The bank page's question filters, and the bank itself (the API lists the questions of every bank in
    scope)."""

    bank = django_filters.UUIDFilter(field_name="bank__public_id", label=_("题库"))
    is_active = django_filters.BooleanFilter(label=_("启用"))

    class Meta(QuestionFilterSet.Meta):
        fields = ["bank", "kind", "topic", "difficulty", "q", "is_active"]


class SittingFilterSet(django_filters.FilterSet):
    """考试场次筛选：进行中、未开始、已截止。"""

    when = django_filters.ChoiceFilter(choices=SITTING_WHEN, method="by_when", label=_("时间"))
    q = django_filters.CharFilter(
        field_name="title", lookup_expr="icontains", label=_("关键词"), max_length=100
    )

    class Meta:
        model = Sitting
        fields = ["when", "q"]

    def by_when(self, queryset, name, value):
        now = timezone.now()
        if value == "open":
            return queryset.filter(opens_at__lte=now, closes_at__gt=now)
        if value == "upcoming":
            return queryset.filter(opens_at__gt=now)
        return queryset.filter(closes_at__lte=now)


class AttemptFilterSet(django_filters.FilterSet):
    """答卷筛选：场次、状态、是否合格、考核对象、行业、县区、答错某题。"""

    sitting = django_filters.UUIDFilter(field_name="sitting__public_id", label=_("场次"))
    status = django_filters.ChoiceFilter(choices=AttemptStatus.choices, label=_("状态"))
    finished = django_filters.ChoiceFilter(choices=FINISHED, method="by_finished", label=_("是否交卷"))
    passed = django_filters.ChoiceFilter(choices=PASSED, method="by_passed", label=_("结果"))
    post = django_filters.ChoiceFilter(
        field_name="candidate__post", choices=Post.choices, label=_("考核对象")
    )
    industry = django_filters.CharFilter(
        field_name="candidate__enterprise__industry__code", label=_("行业代码"), max_length=10
    )
    county = django_filters.CharFilter(
        field_name="candidate__enterprise__county__code", label=_("县区代码"), max_length=12
    )
    wrong_question = django_filters.UUIDFilter(method="by_wrong_question", label=_("答错的试题"))

    class Meta:
        model = Attempt
        fields = ["sitting", "status", "finished", "passed", "post", "industry", "county", "wrong_question"]

    def by_finished(self, queryset, name, value):
        handed_in = [AttemptStatus.SUBMITTED, AttemptStatus.TIMED_OUT]
        if value == "yes":
            return queryset.filter(status__in=handed_in)
        return queryset.exclude(status__in=handed_in)

    def by_passed(self, queryset, name, value):
        if value == "done":
            return queryset.filter(passed__isnull=False)
        return queryset.filter(passed=value == "yes")

    def by_wrong_question(self, queryset, name, value):
        wrong = Answer.objects.filter(attempt=OuterRef("pk"), question__public_id=value, is_correct=False)
        return queryset.filter(Exists(wrong))


class CertificateFilterSet(django_filters.FilterSet):
    """考核合格证筛选：状态、考核对象、县区、企业、持证人。"""

    state = django_filters.ChoiceFilter(choices=CertificateState.choices, method="by_state", label=_("状态"))
    post = django_filters.ChoiceFilter(choices=Post.choices[:2], label=_("考核对象"))
    county = django_filters.CharFilter(
        field_name="enterprise__county__code", label=_("县区代码"), max_length=12
    )
    enterprise = django_filters.UUIDFilter(field_name="enterprise__public_id", label=_("企业"))
    q = django_filters.CharFilter(method="search", label=_("持证人或企业"), max_length=100)

    class Meta:
        model = Certificate
        fields = ["state", "post", "county", "enterprise", "q"]

    def by_state(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + dt.timedelta(days=EXPIRING_DAYS)
        if value == CertificateState.EXPIRED:
            return queryset.filter(expires_on__lt=today)
        if value == CertificateState.EXPIRING:
            return queryset.filter(expires_on__gte=today, expires_on__lte=soon)
        return queryset.filter(expires_on__gt=soon)

    def search(self, queryset, name, value):
        return queryset.filter(Q(holder__icontains=value) | Q(enterprise__name__icontains=value))


class StudyFilterSet(django_filters.FilterSet):
    """机关学习筛选：类型、年度。"""

    kind = django_filters.ChoiceFilter(choices=StudyKind.choices, label=_("学习类型"))
    year = django_filters.NumberFilter(
        field_name="held_on__year", label=_("年度"), min_value=2000, max_value=2100
    )

    class Meta:
        model = StudySession
        fields = ["kind", "year"]
