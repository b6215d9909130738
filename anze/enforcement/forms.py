"""Forms of the enforcement pages: labels in Chinese, errors next to the field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.enforcement.choices import (
    AccidentType,
    CheckResult,
    FindingKind,
    MisreportKind,
    PartyKind,
    PenaltyType,
    ReportLevel,
)
from anze.public.forms import PhotosField

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CountsMixin(forms.Form):
    deaths = forms.IntegerField(label=_("死亡人数"), min_value=0, initial=0)
    missing = forms.IntegerField(label=_("失踪人数"), min_value=0, initial=0)
    serious_injuries = forms.IntegerField(label=_("重伤人数（含急性工业中毒）"), min_value=0, initial=0)
    direct_loss = forms.DecimalField(
        label=_("直接经济损失（万元）"), min_value=Decimal(0), max_digits=12, decimal_places=2, initial=0
    )


class AccidentForm(CountsMixin):
    """事故报告 (493号令 art. 12)."""

    title = forms.CharField(label=_("事故名称"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=_DT)
    received_at = forms.DateTimeField(
        label=_("县级接报时间"), widget=_DT, required=False, help_text=_("空表示现在")
    )
    place = forms.CharField(label=_("发生地点"), max_length=200)
    accident_type = forms.ChoiceField(label=_("事故类型"), choices=AccidentType.choices)
    enterprise = forms.ModelChoiceField(
        label=_("事故单位（企业）"), queryset=None, required=False, to_field_name="public_id"
    )
    unit_name = forms.CharField(
        label=_("事故单位名称"),
        max_length=200,
        required=False,
        help_text=_("不在企业名录中的单位请填写名称并选择县区"),
    )
    county = forms.ModelChoiceField(label=_("县区"), queryset=None, required=False, to_field_name="code")
    description = forms.CharField(
        label=_("事故简要经过"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measures = forms.CharField(
        label=_("已经采取的措施"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    field_order = [
        "title",
        "occurred_at",
        "received_at",
        "place",
        "accident_type",
        "enterprise",
        "unit_name",
        "county",
        "deaths",
        "missing",
        "serious_injuries",
        "direct_loss",
        "description",
        "measures",
    ]

    def __init__(self, *args, enterprises, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["county"].queryset = counties

    def clean(self):
        data = super().clean()
        if not data.get("enterprise") and not (data.get("unit_name") and data.get("county")):
            raise forms.ValidationError(_("请选择事故单位（企业），或填写单位名称并选择县区。"))
        return data


class FollowUpForm(CountsMixin):
    """事故补报。"""

    reported_at = forms.DateTimeField(label=_("补报时间"), widget=_DT)
    note = forms.CharField(label=_("补报说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReachLevelForm(forms.Form):
    level = forms.TypedChoiceField(label=_("接报层级"), choices=ReportLevel.choices, coerce=int)
    reached_at = forms.DateTimeField(label=_("接报时间"), widget=_DT)


class InvestigationForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("调查组牵头单位"), queryset=None, to_field_name="public_id")
    opened_on = forms.DateField(label=_("成立日期"), widget=_D)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = units


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("延长天数"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class DateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=_D)


class EvaluationForm(forms.Form):
    on = forms.DateField(label=_("完成日期"), widget=_D)
    note = forms.CharField(label=_("评估结论"), max_length=300)


class MisreportForm(forms.Form):
    kind = forms.ChoiceField(label=_("情形"), choices=MisreportKind.choices)
    found_on = forms.DateField(label=_("认定日期"), widget=_D)
    description = forms.CharField(label=_("事实"), widget=forms.Textarea(attrs={"rows": 2}))


class CommitDrawForm(forms.Form):
    """公布承诺: which sector and round, whose inspectors, 联合执法 / 异地执法."""

    sector = forms.ModelChoiceField(label=_("抽查领域"), queryset=None, to_field_name="public_id")
    round = forms.IntegerField(label=_("轮次"), min_value=1, initial=1)
    departments = forms.ModelMultipleChoiceField(
        label=_("参与部门"),
        queryset=None,
        required=False,
        to_field_name="public_id",
        help_text=_("空表示本部门；联合执法请选择两个以上部门"),
    )
    joint = forms.BooleanField(label=_("联合执法（每个部门至少一人）"), required=False)
    remote = forms.BooleanField(label=_("异地执法（不抽取企业所在县区的执法人员）"), required=False)

    def __init__(self, *args, sectors, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors
        self.fields["departments"].queryset = departments


class RerunForm(forms.Form):
    reason = forms.CharField(label=_("重抽理由（公开）"), max_length=300)


class ChecklistForm(forms.Form):
    """One result and note per checklist item of an inspection."""

    def __init__(self, *args, checks, **kwargs):
        super().__init__(*args, **kwargs)
        for check in checks:
            self.fields[f"result_{check.pk}"] = forms.ChoiceField(
                label=check.title, choices=CheckResult.choices, initial=check.result
            )
            self.fields[f"note_{check.pk}"] = forms.CharField(
                label=_("情况"), max_length=300, required=False, initial=check.note
            )


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=FindingKind.choices)
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 2}))
    rectify_by = forms.DateField(label=_("整改期限（责令限期整改）"), widget=_D, required=False)
    grade = forms.ChoiceField(
        label=_("隐患等级"), choices=[("general", _("一般隐患")), ("major", _("重大隐患"))]
    )
    place = forms.CharField(label=_("部位"), max_length=200, required=False)
    responsible_person = forms.CharField(label=_("整改责任人"), max_length=50, required=False)


class InspectionPhotoForm(forms.Form):
    """检查照片: several at once from a phone's camera; each is checked by its content in the service."""

    photos = PhotosField(label=_("照片"), help_text=_("JPEG 或 PNG，一次最多 6 张；保存时去除拍摄信息。"))
    finding = forms.ChoiceField(label=_("对应问题"), required=False)
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, findings=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.findings = {str(f.public_id): f for f in findings}
        self.fields["finding"].choices = [("", _("整次检查"))] + [
            (key, f.description[:30]) for key, f in self.findings.items()
        ]

    def clean_finding(self):
        return self.findings.get(self.cleaned_data.get("finding") or "")


class CompleteInspectionForm(forms.Form):
    inspected_on = forms.DateField(label=_("检查日期"), widget=_D)
    summary = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyForm(forms.Form):
    """行政处罚决定."""

    decision_number = forms.CharField(label=_("决定书文号"), max_length=60)
    enterprise = forms.ModelChoiceField(
        label=_("企业"), queryset=None, required=False, to_field_name="public_id"
    )
    party_kind = forms.ChoiceField(label=_("当事人类型"), choices=PartyKind.choices)
    party_name = forms.CharField(label=_("当事人"), max_length=200)
    party_id_number = forms.CharField(label=_("证件号码（自然人，不公开）"), max_length=30, required=False)
    department = forms.ModelChoiceField(label=_("处罚机关"), queryset=None, to_field_name="public_id")
    county = forms.ModelChoiceField(label=_("县区"), queryset=None, required=False, to_field_name="code")
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("处罚依据"), max_length=300)
    penalty_type = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyType.choices)
    amount = forms.DecimalField(
        label=_("罚款金额（元）"), min_value=Decimal(0), max_digits=14, decimal_places=2, initial=0
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=_D)
    without_permit = forms.BooleanField(
        label=_("未取得安全生产许可或在暂扣、吊销期间生产经营"), required=False
    )
    aggravated_fine = forms.BooleanField(
        label=_("情节特别严重，按《安全生产法》第一百一十四条处2至5倍罚款"), required=False
    )
    agency_misconduct = forms.BooleanField(
        label=_("中介机构出租出借资质、挂靠或出具虚假报告、证书"), required=False
    )
    refused_enforcement = forms.BooleanField(label=_("有履行能力而拒不履行、逃避执行"), required=False)

    def __init__(self, *args, enterprises, departments, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.fields["department"].queryset = departments
        self.fields["county"].queryset = counties


class ListingNoticeForm(forms.Form):
    department = forms.ModelChoiceField(label=_("决定部门"), queryset=None, to_field_name="public_id")
    on = forms.DateField(label=_("告知日期"), widget=_D)
    objection_days = forms.IntegerField(label=_("陈述申辩期限（日）"), min_value=1, max_value=30, initial=5)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ListingDecisionForm(forms.Form):
    on = forms.DateField(label=_("决定日期"), widget=_D)
    list_it = forms.BooleanField(label=_("列入严重失信主体名单"), required=False, initial=True)
    decision_number = forms.CharField(label=_("决定书文号"), max_length=60, required=False)
    objection = forms.CharField(
        label=_("陈述申辩意见及采纳情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ReasonForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=_D)
    reason = forms.CharField(label=_("理由"), max_length=300)


class ResponsiblePersonForm(forms.Form):
    """认定责任人员: a person the investigation found responsible, or an agency's directly responsible staff."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(
        label=_("职务或责任"), max_length=100, help_text=_("如：直接负责的主管人员、其他直接责任人员")
    )
    found_on = forms.DateField(label=_("认定日期"), widget=_D)
    basis = forms.CharField(label=_("认定依据"), max_length=300, help_text=_("如：事故调查报告、处罚决定书"))


class CatchAllListingForm(forms.Form):
    """兜底情形: the department's reasons and the legal basis of a hand-made proposal."""

    reasons = forms.CharField(
        label=_("认定性质恶劣、情节严重的理由"), widget=forms.Textarea(attrs={"rows": 3})
    )
    legal_basis = forms.CharField(label=_("列入依据"), max_length=300)
