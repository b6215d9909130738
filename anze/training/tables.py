"""Tables of the training pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.training.choices import pass_badge
from anze.training.models import Attempt, Certificate, QuestionBank, Sitting, StudySession


class BankTable(tables.Table):
    """题库。"""

    name = tables.Column(verbose_name=_("题库名称"), linkify=lambda record: record.get_absolute_url())
    post = tables.Column(verbose_name=_("考核对象"))
    category = tables.Column(verbose_name=_("行业类别"), default=_("通用"))
    questions = tables.Column(verbose_name=_("试题数"), accessor="question_count", orderable=False)

    class Meta:
        model = QuestionBank
        fields = ("name", "post", "category", "questions")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("还没有题库。")


class SittingTable(tables.Table):
    """考试场次。"""

    title = tables.Column(verbose_name=_("场次名称"), linkify=lambda record: record.get_absolute_url())
    opens_at = tables.DateTimeColumn(verbose_name=_("开考时间"), format="Y-m-d H:i")
    closes_at = tables.DateTimeColumn(verbose_name=_("截止时间"), format="Y-m-d H:i")
    paper = tables.Column(verbose_name=_("试卷"), accessor="paper__title")
    candidates = tables.Column(verbose_name=_("考生"), accessor="candidate_count", orderable=False)

    class Meta:
        model = Sitting
        fields = ("title", "opens_at", "closes_at", "paper", "candidates")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的考试场次。")


class AttemptTable(tables.Table):
    """答卷。"""

    name = tables.Column(
        verbose_name=_("考生"), accessor="candidate__name", linkify=lambda record: record.get_absolute_url()
    )
    post = tables.Column(verbose_name=_("考核对象"), accessor="candidate__post")
    enterprise = tables.Column(
        verbose_name=_("企业/单位"), accessor="candidate__enterprise__name", default=""
    )
    sitting = tables.Column(verbose_name=_("场次"), accessor="sitting__title")
    status = tables.Column(verbose_name=_("状态"))
    score = tables.Column(verbose_name=_("得分"))
    passed = tables.Column(verbose_name=_("结果"))

    class Meta:
        model = Attempt
        fields = ("name", "post", "enterprise", "sitting", "status", "score", "passed")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的答卷。")

    def render_post(self, value, record):
        return record.candidate.get_post_display()

    def render_enterprise(self, value, record):
        return value or (record.candidate.unit.name if record.candidate.unit_id else "—")

    def render_status(self, value, record):
        return format_html('<span class="badge text-bg-{}">{}</span>', record.status_choice.badge, value)

    def render_score(self, value, record):
        return f"{value} / {record.max_score}"

    def render_passed(self, value, record):
        label = _("合格") if value else _("不合格")
        return format_html('<span class="badge text-bg-{}">{}</span>', pass_badge(value), label)


class CertificateTable(tables.Table):
    """考核合格证。"""

    number = tables.Column(verbose_name=_("证书编号"))
    holder = tables.Column(verbose_name=_("持证人"))
    post = tables.Column(verbose_name=_("考核对象"))
    enterprise = tables.Column(verbose_name=_("企业"), accessor="enterprise__name",
                               linkify=lambda record: record.enterprise.get_absolute_url())  # fmt: skip
    issued_on = tables.DateColumn(verbose_name=_("发证日期"), format="Y-m-d")
    expires_on = tables.DateColumn(verbose_name=_("有效期至"), format="Y-m-d")
    state = tables.Column(verbose_name=_("状态"), accessor="expires_on", orderable=False, empty_values=())

    class Meta:
        model = Certificate
        fields = ("number", "holder", "post", "enterprise", "issued_on", "expires_on", "state")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的合格证。")

    def render_state(self, value, record):
        state = record.state()
        return format_html('<span class="badge text-bg-{}">{}</span>', state.badge, state.label)


class StudyTable(tables.Table):
    """机关学习记录。"""

    held_on = tables.DateColumn(verbose_name=_("学习日期"), format="Y-m-d")
    unit = tables.Column(verbose_name=_("单位"), accessor="unit__name")
    kind = tables.Column(verbose_name=_("学习类型"))
    title = tables.Column(verbose_name=_("学习主题"))
    hours = tables.Column(verbose_name=_("学时"))
    participants = tables.Column(verbose_name=_("参加人数"))
    occurrence = tables.Column(verbose_name=_("职责事项"), empty_values=(), orderable=False)

    class Meta:
        model = StudySession
        fields = ("held_on", "unit", "kind", "title", "hours", "participants", "occurrence")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有学习记录。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The duty items the viewer may open, set per table by StudyListView.get_table; the others show only
        # their status.
        self.visible_occurrences: frozenset[int] = frozenset()

    def render_occurrence(self, value, record):
        if record.occurrence_id is None:
            return _("未配置学习职责")
        if record.occurrence_id not in self.visible_occurrences:
            return record.occurrence.get_status_display()
        return format_html(
            '<a href="{}">{}</a>',
            record.occurrence.get_absolute_url(),
            record.occurrence.get_status_display(),
        )
