"""Training and online exams (培训考试): banks, papers, sittings, attempts, certificates and staff study."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role
from anze.core.models import BaseModel
from anze.core.restrict import RestrictedQuerySet, Scope
from anze.enterprises.choices import HighRiskCategory
from anze.training.choices import AttemptStatus, CertificateState, Difficulty, Post, QuestionKind, StudyKind

_VIEW = frozenset({"view"})
_EDIT = frozenset({"view", "add", "change"})
_ALL = frozenset({"view", "add", "change", "delete"})

# Banks, papers, sittings and the results behind them are kept by the emergency departments (the office,
# county offices, a department for its own) and read by leaders, inspectors and auditors. Enterprise users
# reach none of them through restrict(): a candidate sees only their own attempt (Attempt.objects.of()).
TRAINING_ROLES = {
    Role.OFFICE.value: _ALL,
    Role.COUNTY.value: _EDIT,
    Role.UNIT.value: _EDIT,
    Role.LEADER.value: _VIEW,
    Role.INSPECTOR.value: _VIEW,
    Role.AUDITOR.value: _VIEW,
}
# Certificates are public facts about an enterprise's people: the enterprise sees its own.
CERTIFICATE_ROLES = {**TRAINING_ROLES, Role.ENTERPRISE.value: _VIEW}
# How many days before expiry a certificate counts as expiring and its holder is reminded to refresh.
EXPIRING_DAYS = 90


class QuestionBank(BaseModel):
    """题库 — the questions of one industry category and post, kept by a department."""

    name = models.CharField(_("题库名称"), max_length=100)
    category = models.CharField(
        _("行业类别"),
        max_length=32,
        choices=HighRiskCategory.choices,
        blank=True,
        help_text=_("留空为通用题库"),
    )
    post = models.CharField(_("考核对象"), max_length=20, choices=Post.choices)
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("维护部门"),
    )

    scope = Scope(region="region__path", unit="unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("题库")
        verbose_name_plural = _("题库")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="bank_unique_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("training:bank_detail", kwargs={"public_id": self.public_id})


class QuestionQuerySet(RestrictedQuerySet):
    def current(self) -> QuestionQuerySet:
        """The bank's questions as they stand now: not superseded by a revision (retired ones included)."""
        return self.filter(superseded_at__isnull=True)


class Question(BaseModel):
    """试题 — a single choice, multiple choice or true/false question with its key and explanation.

    A question on a paper is never changed: an edit writes a revision (a new row whose `previous` is this
    one) and marks this one superseded, so the papers, attempts and answers that point here keep the text
    and key the candidates saw (docs/training.md, 修订试题).
    """

    bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(_("题型"), max_length=12, choices=QuestionKind.choices)
    topic = models.CharField(_("知识点"), max_length=60)
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list)
    answer = models.CharField(_("答案"), max_length=8, help_text=_("正确选项的字母，如 A 或 ACD"))
    explanation = models.TextField(_("解析"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revision",
        editable=False,
        verbose_name=_("修订自"),
    )
    superseded_at = models.DateTimeField(_("被修订时间"), null=True, blank=True, editable=False)

    objects = QuestionQuerySet.as_manager()
    scope = Scope(region="bank__region__path", unit="bank__unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["bank", "topic", "id"]
        indexes = [models.Index(fields=["bank", "topic", "difficulty"], name="question_draw")]
        constraints = [
            # Among the questions as they stand now; a superseded version may share its stem with its revision.
            models.UniqueConstraint(
                fields=["bank", "stem"], condition=Q(superseded_at__isnull=True), name="question_unique_stem"
            ),
            models.CheckConstraint(condition=~Q(answer=""), name="question_has_answer"),
        ]

    def __str__(self) -> str:
        return self.stem[:40]

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Paper(BaseModel):
    """试卷 — questions drawn from a bank by rule, a time limit and a pass mark."""

    bank = models.ForeignKey(
        QuestionBank, on_delete=models.PROTECT, related_name="papers", verbose_name=_("题库")
    )
    title = models.CharField(_("试卷名称"), max_length=100)
    duration_minutes = models.PositiveSmallIntegerField(
        _("考试时长（分钟）"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    pass_score = models.PositiveSmallIntegerField(_("合格分数"))
    partial_credit = models.BooleanField(_("多选题少选得一半分"), default=False)
    seed = models.CharField(_("抽题种子"), max_length=32, editable=False)
    total_score = models.PositiveSmallIntegerField(_("总分"), default=0, editable=False)

    scope = Scope(region="bank__region__path", unit="bank__unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gte=1), name="paper_positive_duration"),
            models.CheckConstraint(
                condition=Q(pass_score__lte=models.F("total_score")), name="paper_pass_reachable"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:paper_detail", kwargs={"public_id": self.public_id})


class PaperRule(models.Model):
    """抽题规则 — how many questions of a topic and difficulty a paper draws, and their points each."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("顺序"))
    topic = models.CharField(_("知识点"), max_length=60, blank=True, help_text=_("留空为任意知识点"))
    difficulty = models.PositiveSmallIntegerField(
        _("难度"), choices=Difficulty.choices, null=True, blank=True
    )
    count = models.PositiveSmallIntegerField(_("题数"), validators=[MinValueValidator(1)])
    points = models.PositiveSmallIntegerField(_("每题分值"), validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "position"], name="paperrule_unique_position"),
            models.CheckConstraint(condition=Q(count__gte=1, points__gte=1), name="paperrule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.topic or '任意'} × {self.count}"


class PaperQuestion(models.Model):
    """试卷试题 — a question drawn onto a paper, with its place and points."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("题号"))
    points = models.PositiveSmallIntegerField(_("分值"))

    class Meta:
        verbose_name = _("试卷试题")
        verbose_name_plural = _("试卷试题")
        ordering = ["paper", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "question"], name="paperquestion_unique_question"),
            models.UniqueConstraint(fields=["paper", "position"], name="paperquestion_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}#{self.position}"


class Sitting(BaseModel):
    """考试场次 — a paper opened to listed candidates in a time window."""

    paper = models.ForeignKey(
        Paper, on_delete=models.PROTECT, related_name="sittings", verbose_name=_("试卷")
    )
    title = models.CharField(_("场次名称"), max_length=100)
    opens_at = models.DateTimeField(_("开考时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    unit = models.ForeignKey(
        "org.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织部门"),
    )
    one_per_page = models.BooleanField(_("一页一题"), default=False)
    grants_certificate = models.BooleanField(_("合格者发证"), default=True)
    certificate_years = models.PositiveSmallIntegerField(_("证书有效期（年）"), default=3)

    scope = Scope(region="region__path", unit="unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="sitting_window_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:sitting_detail", kwargs={"public_id": self.public_id})

    def is_open(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at


class Candidate(BaseModel):
    """考生 — a person listed for a sitting: an enterprise's principal or safety manager, or a staff member."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="candidates")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("账号")
    )
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("考核对象"), max_length=20, choices=Post.choices)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )

    scope = Scope(region="sitting__region__path", unit="sitting__unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("考生")
        verbose_name_plural = _("考生")
        ordering = ["sitting", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["sitting", "user"], name="candidate_once_per_sitting")]

    def __str__(self) -> str:
        return self.name


class AttemptQuerySet(RestrictedQuerySet):
    def of(self, user) -> AttemptQuerySet:
        """The attempts `user` sat as a candidate (how a candidate reaches their own, and only their own)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user_id=user.pk)


class Attempt(BaseModel):
    """答卷 — one candidate's one attempt at a sitting: its deadline, shuffles, score and verdict."""

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts")
    candidate = models.OneToOneField(Candidate, on_delete=models.PROTECT, related_name="attempt")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AttemptStatus.choices,
        default=AttemptStatus.IN_PROGRESS,
        editable=False,
    )
    started_at = models.DateTimeField(_("开始作答"))
    deadline = models.DateTimeField(_("交卷截止"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    seed = models.CharField(_("乱序种子"), max_length=32, editable=False)
    # Question ids in the order this candidate sees them, and per question id the order of its options.
    question_order = models.JSONField(_("题序"), default=list, editable=False)
    option_orders = models.JSONField(_("选项顺序"), default=dict, editable=False)
    score = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("满分"))
    passed = models.BooleanField(_("合格"), null=True, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AttemptQuerySet.as_manager()
    scope = Scope(region="sitting__region__path", unit="sitting__unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(
                fields=["deadline"], condition=Q(status="in_progress"), name="attempt_open_deadline"
            ),
            models.Index(fields=["user", "status"], name="attempt_user_status"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["sitting", "user"], name="attempt_once_per_sitting"),
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("started_at")), name="attempt_deadline_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress")
                | Q(submitted_at__isnull=False, score__isnull=False, passed__isnull=False),
                name="attempt_finished_is_scored",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.candidate} · {self.sitting}"

    def get_absolute_url(self) -> str:
        return reverse("training:attempt_detail", kwargs={"public_id": self.public_id})

    @property
    def status_choice(self) -> AttemptStatus:
        return AttemptStatus(self.status)

    def seconds_left(self, now: dt.datetime | None = None) -> int:
        return max(0, int((self.deadline - (now or timezone.now())).total_seconds()))


class Answer(models.Model):
    """作答 — the options a candidate chose for one question (original letters), saved as they are given."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    chosen = models.CharField(_("所选"), max_length=8, blank=True)
    answered_at = models.DateTimeField(_("作答时间"))
    points = models.PositiveSmallIntegerField(_("得分"), null=True, blank=True)
    is_correct = models.BooleanField(_("正确"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(
        region="attempt__sitting__region__path", unit="attempt__sitting__unit_id", roles=TRAINING_ROLES
    )

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="answer_once_per_question")
        ]
        indexes = [models.Index(fields=["question", "is_correct"], name="answer_question_correct")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}={self.chosen}"


class Certificate(BaseModel):
    """安全生产知识和管理能力考核合格证 — issued on passing; expires after the sitting's term."""

    number = models.CharField(_("证书编号"), max_length=48, unique=True)
    holder = models.CharField(_("持证人"), max_length=50)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    post = models.CharField(_("考核对象"), max_length=20, choices=Post.choices)
    category = models.CharField(_("行业类别"), max_length=32, choices=HighRiskCategory.choices, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="+", verbose_name=_("企业")
    )
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    attempt = models.OneToOneField(
        Attempt, on_delete=models.PROTECT, null=True, blank=True, related_name="certificate", editable=False
    )
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))
    # The expiry date the holder was last reminded of: a claim, so a reminder goes out once per term.
    reminded_for = models.DateField(_("已提醒到期日"), null=True, blank=True, editable=False)

    scope = Scope(region="region_path", enterprise="enterprise_id", roles=CERTIFICATE_ROLES)

    class Meta:
        verbose_name = _("考核合格证")
        verbose_name_plural = _("考核合格证")
        ordering = ["expires_on", "id"]
        indexes = [
            models.Index(fields=["enterprise", "post", "expires_on"], name="certificate_ent_post"),
            models.Index(fields=["expires_on"], name="certificate_expiry"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")), name="certificate_term_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} {self.number}"

    def state(self, today: dt.date | None = None) -> CertificateState:
        today = today or timezone.localdate()
        if self.expires_on < today:
            return CertificateState.EXPIRED
        if self.expires_on <= today + dt.timedelta(days=EXPIRING_DAYS):
            return CertificateState.EXPIRING
        return CertificateState.VALID


class StudyDuty(BaseModel):
    """学习职责配置 — the event-triggered duty that a staff study session of a kind raises in a region."""

    region = models.ForeignKey(
        "org.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区划")
    )
    kind = models.CharField(_("学习类型"), max_length=12, choices=StudyKind.choices)
    duty = models.ForeignKey(
        "duties.Duty", on_delete=models.PROTECT, related_name="+", verbose_name=_("职责")
    )

    scope = Scope(
        region="region__path",
        roles={Role.OFFICE.value: _ALL, Role.COUNTY.value: _VIEW, Role.AUDITOR.value: _VIEW},
    )

    class Meta:
        verbose_name = _("学习职责配置")
        verbose_name_plural = _("学习职责配置")
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="studyduty_unique_kind")]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_kind_display()}"


class StudySession(BaseModel):
    """学习记录 — a unit's theory study or training session, owed as a duty item with its evidence."""

    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位"))
    region_path = models.CharField(_("区划路径"), max_length=200, editable=False)
    kind = models.CharField(_("学习类型"), max_length=12, choices=StudyKind.choices)
    title = models.CharField(_("学习主题"), max_length=200)
    held_on = models.DateField(_("学习日期"))
    hours = models.DecimalField(
        _("学时"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0.5)]
    )
    participants = models.PositiveIntegerField(_("参加人数"), validators=[MinValueValidator(1)])
    occurrence = models.ForeignKey(
        "duties.Occurrence", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    scope = Scope(region="region_path", unit="unit_id", roles=TRAINING_ROLES)

    class Meta:
        verbose_name = _("学习记录")
        verbose_name_plural = _("学习记录")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(participants__gte=1), name="study_has_participants"),
        ]

    def __str__(self) -> str:
        return self.title
