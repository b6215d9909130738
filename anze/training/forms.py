"""Forms of the training pages: labels in Chinese, errors beside the field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from anze.enterprises.choices import HighRiskCategory
from anze.training.choices import Difficulty, Post, QuestionKind, StudyKind


class BankForm(forms.Form):
    name = forms.CharField(label=_("题库名称"), max_length=100)
    post = forms.ChoiceField(label=_("考核对象"), choices=Post.choices)
    category = forms.ChoiceField(
        label=_("行业类别"), choices=[("", _("通用"))] + list(HighRiskCategory.choices), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("试题文件（.xlsx）"), help_text=_("按导入模板填写；任何一行有误则整批不导入。")
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 文件（可先下载导入模板）。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件不能超过 5 MB。"))
        return upload


class QuestionForm(forms.Form):
    """One question as its owner edits it; the rules (options, key) are questions.clean_question's, whose
    errors the view puts beside the field they name."""

    kind = forms.ChoiceField(label=_("题型"), choices=QuestionKind.choices)
    topic = forms.CharField(label=_("知识点"), max_length=60)
    difficulty = forms.TypedChoiceField(label=_("难度"), choices=Difficulty.choices, coerce=int)
    stem = forms.CharField(label=_("题干"), widget=forms.Textarea(attrs={"rows": 3}))
    option0 = forms.CharField(label=_("选项A"), required=False, help_text=_("判断题的选项留空"))
    option1 = forms.CharField(label=_("选项B"), required=False)
    option2 = forms.CharField(label=_("选项C"), required=False)
    option3 = forms.CharField(label=_("选项D"), required=False)
    option4 = forms.CharField(label=_("选项E"), required=False)
    option5 = forms.CharField(label=_("选项F"), required=False)
    answer = forms.CharField(
        label=_("答案"), max_length=8, help_text=_("选项字母，如 A 或 ACD；判断题填“正确”或“错误”")
    )
    explanation = forms.CharField(label=_("解析"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    OPTION_FIELDS = ("option0", "option1", "option2", "option3", "option4", "option5")

    @classmethod
    def initial_for(cls, question: Any) -> dict[str, Any]:
        initial = {
            name: getattr(question, name) for name in ("kind", "topic", "difficulty", "stem", "explanation")
        }
        if question.kind == QuestionKind.TRUE_FALSE:
            initial["answer"] = "正确" if question.answer == "A" else "错误"  # the words the key is read from
        else:
            initial["answer"] = question.answer
            initial.update(zip(cls.OPTION_FIELDS, question.options, strict=False))
        return initial

    def changes(self) -> dict[str, Any]:
        """The cleaned data as the service's fields."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "topic": data["topic"],
            "difficulty": data["difficulty"],
            "stem": data["stem"],
            "options": [data[name] for name in self.OPTION_FIELDS],
            "answer": data["answer"],
            "explanation": data["explanation"],
        }

    def field_for(self, service_field: str) -> str | None:
        """The form field a service error names (the options' error goes beside option A)."""
        return (
            "option0"
            if service_field == "options"
            else service_field
            if service_field in self.fields
            else None
        )


class PaperForm(forms.Form):
    title = forms.CharField(label=_("试卷名称"), max_length=100)
    duration_minutes = forms.IntegerField(label=_("考试时长（分钟）"), min_value=1, max_value=600, initial=60)
    pass_score = forms.IntegerField(label=_("合格分数"), min_value=0, max_value=1000, initial=80)
    partial_credit = forms.BooleanField(label=_("多选题少选得一半分"), required=False)


class PaperRuleForm(forms.Form):
    topic = forms.CharField(label=_("知识点"), max_length=60, required=False, help_text=_("留空为任意"))
    difficulty = forms.TypedChoiceField(
        label=_("难度"),
        choices=[("", _("任意"))] + list(Difficulty.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    count = forms.IntegerField(label=_("题数"), min_value=1, max_value=200, required=False)
    points = forms.IntegerField(label=_("每题分值"), min_value=1, max_value=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("count") and not data.get("points"):
            self.add_error("points", _("请填写每题分值。"))
        return data


PaperRuleFormSet = formset_factory(PaperRuleForm, extra=5, max_num=20)


class SittingForm(forms.Form):
    title = forms.CharField(label=_("场次名称"), max_length=100)
    opens_at = forms.DateTimeField(
        label=_("开考时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    closes_at = forms.DateTimeField(
        label=_("截止时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    one_per_page = forms.BooleanField(label=_("一页一题"), required=False)
    grants_certificate = forms.BooleanField(label=_("合格者发放考核合格证"), required=False, initial=True)
    certificate_years = forms.IntegerField(label=_("证书有效期（年）"), min_value=1, max_value=10, initial=3)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("截止时间应晚于开考时间。"))
        return data


class CandidatesForm(forms.Form):
    lines = forms.CharField(
        label=_("考生名单"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "每行一人：账号,姓名,考核对象（主要负责人/安全生产管理人员/机关工作人员）,企业统一社会信用代码（机关工作人员留空）"
        ),
    )


class StudyForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=None)
    kind = forms.ChoiceField(label=_("学习类型"), choices=StudyKind.choices)
    title = forms.CharField(label=_("学习主题"), max_length=200)
    held_on = forms.DateField(label=_("学习日期"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("学时"), min_value=0.5, max_value=99, decimal_places=1)
    participants = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=100000)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
