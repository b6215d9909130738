"""Pages of training: banks and their import, papers, sittings, results and certificates (for the
departments), and the exam itself (for candidates, on a phone as well as a desktop)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from anze.core.permissions import declare
from anze.core.restrict import get_restricted_or_404, scope_q
from anze.core.signals import object_denied
from anze.training import access, forms, importing, services, sheets
from anze.training.choices import AttemptStatus, Post
from anze.training.errors import QuestionInvalid, TrainingError
from anze.training.filtersets import (
    AttemptFilterSet,
    BankFilterSet,
    CertificateFilterSet,
    QuestionFilterSet,
    SittingFilterSet,
    StudyFilterSet,
)
from anze.training.models import (
    Answer,
    Attempt,
    Candidate,
    Certificate,
    Paper,
    PaperQuestion,
    Question,
    QuestionBank,
    Sitting,
    StudySession,
)
from anze.training.tables import AttemptTable, BankTable, CertificateTable, SittingTable, StudyTable

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may(user: Any, model: Any, action: str) -> bool:
    return scope_q(model, user, action) is not None


_home = access.home
_still_sitting = access.still_sitting


def _hide_key_from_candidate(request: HttpRequest, obj: Any, **paper: Any) -> None:
    """404 (audited like any refusal) when the page would show the key of an exam the user is still sitting."""
    if _still_sitting(request.user, **paper):
        object_denied.send(
            sender=type(obj), user=request.user, lookup={"public_id": obj.public_id}, action="view"
        )
        raise Http404(_("考试期间不能查看本题库、试卷和答卷。"))


# ------------------------------------------------------------------------------------ banks


class BankListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """题库 in scope, with their question counts."""

    permission_action = "view"
    table_class = BankTable
    filterset_class = BankFilterSet
    template_name = "training/bank_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            QuestionBank.objects.restrict(self.request.user, "view")
            .annotate(
                question_count=Count(
                    "questions", filter=Q(questions__is_active=True, questions__superseded_at__isnull=True)
                )
            )
            .order_by("name", "id")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_add"] = (
            _may(self.request.user, QuestionBank, "add") and _home(self.request.user)[0] is not None
        )
        return context


@declare("add")
@login_required
def bank_create(request: HttpRequest) -> HttpResponse:
    region, unit = _home(request.user)
    if region is None or not _may(request.user, QuestionBank, "add"):
        raise PermissionDenied(_("您无权建立题库。"))
    form = forms.BankForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.create_bank(actor=request.user, region=region, unit=unit, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, error.message_zh)
        else:
            messages.success(request, _("题库已建立，请导入试题。"))
            return redirect(bank)
    return render(
        request,
        "training/form_page.html",
        {"form": form, "heading": _("新建题库"), "back": reverse("training:bank_list")},
    )


@declare("view")
@login_required
def bank_detail(request: HttpRequest, public_id) -> HttpResponse:
    bank = get_restricted_or_404(QuestionBank.objects, request.user, "view", public_id=public_id)
    _hide_key_from_candidate(request, bank, bank=bank)
    questions = QuestionFilterSet(request.GET, queryset=bank.questions.current().order_by("topic", "id"))
    if not questions.is_valid():
        raise BadRequest(
            _("筛选条件无效：%(fields)s，请修改后重试。") % {"fields": "、".join(questions.errors)}
        )
    page = Paginator(questions.qs, 30).get_page(request.GET.get("page"))
    may_change = QuestionBank.objects.restrict(request.user, "change").filter(pk=bank.pk).exists()
    topics = (
        bank.questions.current()
        .filter(is_active=True)
        .values("topic")
        .annotate(n=Count("pk"))
        .order_by("topic")
    )
    return render(
        request,
        "training/bank_detail.html",
        {
            "bank": bank,
            "filter": questions,
            "page": page,
            "topics": topics,
            "papers": bank.papers.order_by("-created_at")[:20],
            "may_change": may_change,
            "import_form": forms.ImportForm() if may_change else None,
        },
    )


@declare("view")
@login_required
def question_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importing.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="question-template.xlsx"'
    return response


@declare("change")
@login_required
@require_POST
def bank_import(request: HttpRequest, public_id) -> HttpResponse:
    bank = get_restricted_or_404(QuestionBank.objects, request.user, "change", public_id=public_id)
    form = forms.ImportForm(request.POST, request.FILES)
    report, error = None, None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = importing.read_rows(upload.read())
            report = importing.import_questions(
                actor=request.user, bank=bank, rows=rows, filename=upload.name
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except TrainingError as exc:
            error = exc.message_zh
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    status = 200 if report is not None and not report.errors else 400
    return render(
        request,
        "training/import_result.html",
        {"bank": bank, "report": report, "error": error},
        status=status,
    )


def _question_to_change(request: HttpRequest, public_id) -> Question:
    question = get_restricted_or_404(
        Question.objects.select_related("bank"), request.user, "change", public_id=public_id
    )
    _hide_key_from_candidate(request, question, bank=question.bank_id)
    return question


@declare("change")
@login_required
def question_edit(request: HttpRequest, public_id) -> HttpResponse:
    """修订试题: one question of the bank, without re-importing the file."""
    question = _question_to_change(request, public_id)
    back = question.bank.get_absolute_url()
    if not question.is_current:
        messages.error(request, _("该试题已被修订，请修改最新版本。"))
        return redirect(back)
    form = forms.QuestionForm(request.POST or None, initial=forms.QuestionForm.initial_for(question))
    if request.method == "POST" and form.is_valid():
        try:
            edited = services.edit_question(actor=request.user, question=question, **form.changes())
        except QuestionInvalid as error:
            form.add_error(form.field_for(error.field), error.message_zh)
        except TrainingError as error:
            form.add_error(None, error.message_zh)
        else:
            if edited.pk != question.pk:
                messages.success(
                    request, _("试题已修订；已组卷和已作答的仍按原题，新组的试卷使用修订后的试题。")
                )
            else:
                messages.success(request, _("试题已保存。"))
            return redirect(back)
    return render(request, "training/form_page.html", {"form": form, "heading": _("修订试题"), "back": back})


@declare("change")
@login_required
@require_POST
def question_active(request: HttpRequest, public_id, active: bool) -> HttpResponse:
    """停用 or 恢复 one question (the bank page's buttons)."""
    question = _question_to_change(request, public_id)
    change = services.restore_question if active else services.retire_question
    try:
        change(actor=request.user, question=question)
    except TrainingError as error:
        messages.error(request, error.message_zh)
    else:
        messages.success(request, _("试题已恢复启用。") if active else _("试题已停用，新组的试卷不再抽到。"))
    return redirect(question.bank)


# ------------------------------------------------------------------------------------ papers


@declare("change")
@login_required
def paper_create(request: HttpRequest, public_id) -> HttpResponse:
    bank = get_restricted_or_404(QuestionBank.objects, request.user, "change", public_id=public_id)
    form = forms.PaperForm(request.POST or None)
    rules = forms.PaperRuleFormSet(request.POST or None, prefix="rule")
    if request.method == "POST" and form.is_valid() and rules.is_valid():
        chosen = [r for r in rules.cleaned_data if r and r.get("count")]
        try:
            paper = services.create_paper(actor=request.user, bank=bank, rules=chosen, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, error.message_zh)
        else:
            messages.success(request, _("试卷已按规则抽题生成。"))
            return redirect(paper)
    topics = (
        bank.questions.current()
        .filter(is_active=True)
        .values("topic", "difficulty")
        .annotate(n=Count("pk"))
        .order_by("topic", "difficulty")
    )
    return render(
        request, "training/paper_form.html", {"bank": bank, "form": form, "rules": rules, "topics": topics}
    )


@declare("view")
@login_required
def paper_detail(request: HttpRequest, public_id) -> HttpResponse:
    paper = get_restricted_or_404(
        Paper.objects.select_related("bank"), request.user, "view", public_id=public_id
    )
    _hide_key_from_candidate(request, paper, pk=paper.pk)
    items = PaperQuestion.objects.filter(paper=paper).select_related("question").order_by("position")
    return render(
        request,
        "training/paper_detail.html",
        {
            "paper": paper,
            "rules": paper.rules.all(),
            "items": items,
            "sittings": paper.sittings.order_by("-opens_at"),
            "may_sit": _may(request.user, Sitting, "add") and _home(request.user)[0] is not None,
        },
    )


# ------------------------------------------------------------------------------------ sittings


class SittingListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """考试场次 in scope."""

    permission_action = "view"
    table_class = SittingTable
    filterset_class = SittingFilterSet
    template_name = "training/sitting_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Sitting.objects.restrict(self.request.user, "view")
            .select_related("paper")
            .annotate(candidate_count=Count("candidates"))
            .order_by("-opens_at", "-id")
        )


@declare("add")
@login_required
def sitting_create(request: HttpRequest, public_id) -> HttpResponse:
    paper = get_restricted_or_404(Paper.objects, request.user, "view", public_id=public_id)
    region, unit = _home(request.user)
    if region is None or not _may(request.user, Sitting, "add"):
        raise PermissionDenied(_("您无权组织考试。"))
    form = forms.SittingForm(request.POST or None, initial={"title": paper.title})
    if request.method == "POST" and form.is_valid():
        try:
            sitting = services.create_sitting(
                actor=request.user, paper=paper, region=region, unit=unit, **form.cleaned_data
            )
        except TrainingError as error:
            form.add_error(None, error.message_zh)
        else:
            messages.success(request, _("考试场次已建立，请添加考生。"))
            return redirect(sitting)
    return render(
        request,
        "training/form_page.html",
        {"form": form, "heading": _("组织考试"), "back": paper.get_absolute_url()},
    )


@declare("view")
@login_required
def sitting_detail(request: HttpRequest, public_id) -> HttpResponse:
    sitting = get_restricted_or_404(
        Sitting.objects.select_related("paper"), request.user, "view", public_id=public_id
    )
    candidates = (
        Candidate.objects.filter(sitting=sitting)
        .select_related("enterprise", "unit", "attempt")
        .order_by("name", "id")
    )
    may_change = Sitting.objects.restrict(request.user, "change").filter(pk=sitting.pk).exists()
    attempts = Attempt.objects.filter(sitting=sitting)
    base = reverse("training:attempt_list") + f"?sitting={sitting.public_id}"
    cards = [
        {"label": _("考生"), "value": candidates.count(), "url": sitting.get_absolute_url() + "#candidates"},
        {
            "label": _("已交卷"),
            "value": attempts.exclude(status=AttemptStatus.IN_PROGRESS).count(),
            "url": base + "&finished=yes",
        },
        {"label": _("合格"), "value": attempts.filter(passed=True).count(), "url": base + "&passed=yes"},
        {
            "label": _("不合格"),
            "value": attempts.filter(passed=False).count(),
            "url": base + "&passed=no",
            "tone": "danger",
        },
    ]
    form = forms.CandidatesForm() if may_change and timezone.now() < sitting.closes_at else None
    return render(
        request,
        "training/sitting_detail.html",
        {"sitting": sitting, "candidates": candidates, "cards": cards, "form": form},
    )


@declare("change")
@login_required
@require_POST
def sitting_candidates(request: HttpRequest, public_id) -> HttpResponse:
    """Add candidates from lines of "账号,姓名,考核对象,企业信用代码"; a bad line adds nobody."""
    from anze.enterprises.models import Enterprise

    sitting = get_restricted_or_404(Sitting.objects, request.user, "change", public_id=public_id)
    form = forms.CandidatesForm(request.POST)
    posts = {str(label): value for value, label in Post.choices}
    entries, problems = [], []
    if form.is_valid():
        users = get_user_model().objects
        for number, line in enumerate(form.cleaned_data["lines"].splitlines(), start=1):
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            if not any(parts):
                continue
            if len(parts) < 3:
                problems.append(_("第 %(n)s 行：应为“账号,姓名,考核对象,企业信用代码”") % {"n": number})
                continue
            user = users.filter(username__iexact=parts[0], is_active=True).first()
            post = posts.get(parts[2])
            enterprise = None
            if len(parts) > 3 and parts[3]:
                enterprise = (
                    Enterprise.objects.restrict(request.user, "view")
                    .filter(credit_code=parts[3].upper())
                    .first()
                )
                if enterprise is None:
                    problems.append(
                        _("第 %(n)s 行：企业信用代码“%(c)s”不存在或不在您的范围内")
                        % {"n": number, "c": parts[3]}
                    )
                    continue
            if user is None:
                problems.append(_("第 %(n)s 行：账号“%(u)s”不存在或已停用") % {"n": number, "u": parts[0]})
            elif post is None:
                problems.append(
                    _("第 %(n)s 行：考核对象应为主要负责人、安全生产管理人员或机关工作人员") % {"n": number}
                )
            else:
                entries.append(
                    {
                        "user": user,
                        "name": parts[1] or user.get_username(),
                        "post": post,
                        "enterprise": enterprise,
                    }
                )
    else:
        problems.append(_("请填写考生名单。"))
    if not problems:
        try:
            services.add_candidates(actor=request.user, sitting=sitting, entries=entries)
        except TrainingError as error:
            problems.append(error.message_zh)
    if problems:
        for problem in problems:
            messages.error(request, problem)
        messages.error(request, _("名单未保存，请改正后重新提交。"))
    else:
        messages.success(request, _("已添加 %(n)s 名考生。") % {"n": len(entries)})
    return redirect(sitting)


# ------------------------------------------------------------------------------------ results


class AttemptListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """答卷 in scope: what every pass-rate figure on the statistics page links to."""

    permission_action = "view"
    table_class = AttemptTable
    filterset_class = AttemptFilterSet
    template_name = "training/attempt_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Attempt.objects.restrict(self.request.user, "view")
            .select_related("candidate__enterprise", "candidate__unit", "sitting")
            .order_by("-started_at", "-id")
        )


def _own_attempt(request: HttpRequest, public_id, *, light: bool = False) -> Attempt:
    """The signed-in candidate's own attempt; anyone else's answers 404 (and the refusal is audited).
    `light` reads only what saving an answer or handing in needs (the service locks and reads the row again)."""
    mine = Attempt.objects.of(request.user)
    mine = (
        mine.only("pk", "public_id", "user_id", "sitting_id", "question_order")
        if light
        else mine.select_related("sitting__paper", "candidate")
    )
    try:
        return mine.get(public_id=public_id)
    except Attempt.DoesNotExist:
        if Attempt.objects.filter(public_id=public_id).exists():
            object_denied.send(
                sender=Attempt, user=request.user, lookup={"public_id": public_id}, action="view"
            )
        raise Http404(_("未找到该答卷。")) from None


@declare("view")
@login_required
def attempt_detail(request: HttpRequest, public_id) -> HttpResponse:
    """A candidate sees their own score and verdict; a department also each answer against the key."""
    own = Attempt.objects.of(request.user).filter(public_id=public_id).first()
    if own is not None:
        own = services.finish_if_expired(own)
        certificate = Certificate.objects.filter(attempt=own).first()
        return render(request, "training/attempt_result.html", {"attempt": own, "certificate": certificate})
    attempt = get_restricted_or_404(
        Attempt.objects.select_related("sitting__paper", "candidate__enterprise", "candidate__unit"),
        request.user,
        "view",
        public_id=public_id,
    )
    _hide_key_from_candidate(request, attempt, pk=attempt.sitting.paper_id)
    answers = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    items = (
        PaperQuestion.objects.filter(paper_id=attempt.sitting.paper_id)
        .select_related("question")
        .order_by("position")
    )
    rows = [{"item": item, "answer": answers.get(item.question_id)} for item in items]
    return render(request, "training/attempt_detail.html", {"attempt": attempt, "rows": rows})


class CertificateListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """考核合格证 in scope (an enterprise sees its own)."""

    permission_action = "view"
    table_class = CertificateTable
    filterset_class = CertificateFilterSet
    template_name = "training/certificate_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            Certificate.objects.restrict(self.request.user, "view")
            .select_related("enterprise")
            .order_by("expires_on", "id")
        )


@declare("view")
@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    """Pass rates by industry and by county, and the questions answered wrong most often."""
    from anze.training import stats

    return render(request, "training/statistics.html", stats.figures(request.user))


# ------------------------------------------------------------------------------------ the candidate's pages


@declare("view")
@login_required
def my_exams(request: HttpRequest) -> HttpResponse:
    """我的考试: the sittings the user is listed for, open ones first, with their results."""
    now = timezone.now()
    rows = list(
        Candidate.objects.filter(user_id=request.user.pk)
        .select_related("sitting__paper", "attempt", "enterprise")
        .order_by("-sitting__opens_at")
    )
    pending = [c for c in rows if c.sitting.closes_at > now and not _finished(c)]
    done = [c for c in rows if c not in pending]
    return render(request, "training/my_exams.html", {"pending": pending, "done": done, "now": now})


def _finished(candidate: Candidate) -> bool:
    attempt = getattr(candidate, "attempt", None)
    return attempt is not None and attempt.status != AttemptStatus.IN_PROGRESS


@declare("view")
@login_required
@require_POST
def exam_start(request: HttpRequest, public_id) -> HttpResponse:
    try:
        candidate = Candidate.objects.select_related("sitting__paper").get(
            public_id=public_id, user_id=request.user.pk
        )
    except Candidate.DoesNotExist:
        raise Http404(_("未找到该考试。")) from None
    try:
        attempt = services.start_attempt(actor=request.user, candidate=candidate)
    except TrainingError as error:
        messages.error(request, error.message_zh)
        return redirect("training:my_exams")
    return redirect("training:exam", public_id=attempt.public_id)


_question_views = sheets.question_views


@declare("view")
@login_required
def exam(request: HttpRequest, public_id) -> HttpResponse:
    """The exam: every question on one page, or one per page (?q=N); answers are saved as they are given."""
    from anze.core.params import int_param

    attempt = services.finish_if_expired(_own_attempt(request, public_id))
    if not attempt.status_choice.can_answer():
        return redirect(attempt)
    total = len(attempt.question_order)
    if attempt.sitting.one_per_page:
        current = min(int_param(request, "q", 1, minimum=1, maximum=10_000), total)
        positions = [current]
    else:
        current, positions = None, list(range(1, total + 1))
    answered = Answer.objects.filter(attempt=attempt).exclude(chosen="").count()
    return render(
        request,
        "training/exam.html",
        {
            "attempt": attempt,
            "questions": _question_views(attempt, positions),
            "current": current,
            "total": total,
            "answered": answered,
            "numbers": range(1, total + 1),
            "seconds_left": attempt.seconds_left(),
        },
    )


@declare("view")
@login_required
@require_POST
def exam_answer(request: HttpRequest, public_id) -> HttpResponse:
    """Save one question's ticks (htmx answers a status line; a plain post goes on to the next question)."""
    from anze.core.params import BadQueryParameter

    attempt = _own_attempt(request, public_id, light=True)
    try:
        position = int(request.POST.get("q", ""))
        if not 1 <= position <= len(attempt.question_order):
            raise ValueError
        displayed = [int(v) for v in request.POST.getlist("choice")]
    except ValueError:
        raise BadQueryParameter("q", _("题号和选项序号")) from None
    message, finished = "", False
    try:
        services.save_answer(
            actor=request.user,
            attempt=attempt,
            question_id=attempt.question_order[position - 1],
            displayed=displayed,
        )
    except TrainingError as error:
        message, finished = error.message_zh, error.code in ("time_up", "already_submitted")
    if request.htmx:
        # htmx swaps only 2xx answers: a refusal is shown in place, and once time is up the page moves on to
        # the result (which hands the paper in).
        response = render(
            request, "training/_saved.html", {"message": message, "saved_at": timezone.localtime()}
        )
        if finished:
            response["HX-Redirect"] = attempt.get_absolute_url()
        return response
    if message:
        messages.error(request, message)
    url = reverse("training:exam", kwargs={"public_id": attempt.public_id})
    if attempt.sitting.one_per_page:
        nxt = position + 1 if "next" in request.POST and position < len(attempt.question_order) else position
        return redirect(f"{url}?q={nxt}")
    return redirect(f"{url}#q{position}")


@declare("view")
@login_required
@require_POST
def exam_submit(request: HttpRequest, public_id) -> HttpResponse:
    # Light: the service locks the row and reads what scoring needs in one query.
    attempt = _own_attempt(request, public_id, light=True)
    try:
        services.submit_attempt(actor=request.user, attempt=attempt)
    except TrainingError as error:
        messages.error(request, error.message_zh)
    return redirect(attempt)


# ------------------------------------------------------------------------------------ staff study


class StudyListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """机关学习: theory study and training sessions of government units, each a duty item with evidence."""

    permission_action = "view"
    table_class = StudyTable
    filterset_class = StudyFilterSet
    template_name = "training/study_list.html"
    table_pagination = {"per_page": 25}

    def get_queryset(self):
        return (
            StudySession.objects.restrict(self.request.user, "view")
            .select_related("unit", "occurrence")
            .order_by("-held_on", "-id")
        )

    def get_table(self, **kwargs: Any) -> StudyTable:
        from anze.duties.models import Occurrence

        table = super().get_table(**kwargs)
        # Linked only where the viewer may open the duty item: one query for the rows of this page.
        rows = table.page.object_list if hasattr(table, "page") else table.rows
        raised = {row.record.occurrence_id for row in rows} - {None}
        table.visible_occurrences = frozenset(
            Occurrence.objects.restrict(self.request.user, "view")
            .filter(pk__in=raised)
            .values_list("pk", flat=True)
        )
        return table

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_add"] = _may(self.request.user, StudySession, "add")
        return context


@declare("add")
@login_required
def study_create(request: HttpRequest) -> HttpResponse:
    from anze.org.models import Unit

    if not _may(request.user, StudySession, "add"):
        raise PermissionDenied(_("您无权登记学习。"))
    units = Unit.objects.restrict(request.user, "view").filter(is_active=True).order_by("name")
    form = forms.StudyForm(request.POST or None, units=units, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.record_study(actor=request.user, **form.cleaned_data)
        except TrainingError as error:
            form.add_error(None, error.message_zh)
        else:
            if session.occurrence_id:
                messages.success(
                    request, _("学习已登记，并生成职责事项；请在事项中上传签到表、记录和照片作为佐证。")
                )
                return redirect(session.occurrence.get_absolute_url())
            messages.success(request, _("学习已登记（本区划尚未配置学习职责，未生成职责事项）。"))
            return redirect("training:study_list")
    return render(
        request,
        "training/form_page.html",
        {"form": form, "heading": _("登记学习"), "back": reverse("training:study_list")},
    )
