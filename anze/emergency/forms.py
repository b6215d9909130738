"""Forms of the emergency pages: labels in Chinese, errors next to the field; choices come from the caller's
scope (restrict())."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.emergency.choices import (
    DepotKind,
    DrillForm,
    DrillKind,
    EquipmentCondition,
    PlanLevel,
    Readiness,
    StationLevel,
    TeamKind,
)

_DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_D = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice(label, required: bool = True, field: str = "public_id", **kwargs) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label, queryset=None, required=required, to_field_name=field, **kwargs
    )


class PlaceMixin(forms.Form):
    latitude = forms.DecimalField(label=_("纬度"), min_value=Decimal(-90), max_value=Decimal(90), decimal_places=6,
                                  help_text=_("十进制度，如 35.104600"))  # fmt: skip
    longitude = forms.DecimalField(label=_("经度"), min_value=Decimal(-180), max_value=Decimal(180), decimal_places=6,
                                   help_text=_("十进制度，如 118.356400"))  # fmt: skip


class TeamForm(PlaceMixin):
    """登记救援队伍."""

    name = forms.CharField(label=_("队伍名称"), max_length=150)
    kind = forms.ChoiceField(label=_("类别"), choices=TeamKind.choices)
    station_level = forms.ChoiceField(label=_("消防站等级"), choices=[("", "—"), *StationLevel.choices], required=False,
                                      help_text=_("消防救援站必填，按等级对照建设标准"))  # fmt: skip
    region = _choice(_("所在区划"), field="code")
    owner_unit = _choice(_("主管单位"), required=False)
    enterprise = _choice(_("所属企业"), required=False, help_text=_("企业救援队必填"))
    address = forms.CharField(label=_("驻地"), max_length=200, required=False)
    phone = forms.CharField(label=_("值班电话"), max_length=40, required=False)
    specialties = forms.CharField(label=_("专长"), max_length=200, required=False)

    field_order = ["name", "kind", "station_level", "region", "owner_unit", "enterprise", "address", "latitude",
                   "longitude", "phone", "specialties"]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("kind") == TeamKind.FIRE_STATION and not data.get("station_level"):
            self.add_error("station_level", _("消防救援站须选择等级。"))
        if data.get("kind") == TeamKind.ENTERPRISE and not data.get("enterprise"):
            self.add_error("enterprise", _("企业救援队须选择所属企业。"))
        return data


class ReadinessForm(forms.Form):
    readiness = forms.ChoiceField(label=_("战备状态"), choices=Readiness.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    post = forms.CharField(label=_("岗位"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)
    joined_on = forms.DateField(label=_("入队日期"), widget=_D, required=False)


class CertificateForm(forms.Form):
    member = _choice(_("队员"))
    name = forms.CharField(label=_("证书名称"), max_length=100)
    number = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("发证日期"), widget=_D, required=False)
    expires_on = forms.DateField(label=_("有效期至"), widget=_D)


class EquipmentForm(forms.Form):
    code = forms.ChoiceField(
        label=_("标准条目"), required=False, help_text=_("计入建设标准的哪一项；不计入可留空")
    )
    name = forms.CharField(label=_("装备名称"), max_length=100)
    quantity = forms.IntegerField(label=_("数量"), min_value=1, initial=1)
    last_inspected_on = forms.DateField(label=_("最近检验日期"), widget=_D, required=False)
    next_inspection_on = forms.DateField(label=_("下次检验日期"), widget=_D, required=False)

    def __init__(self, *args, codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = [("", "—"), *codes]


class InspectionForm(forms.Form):
    equipment = _choice(_("装备"))
    inspected_on = forms.DateField(label=_("检验日期"), widget=_D)
    condition = forms.ChoiceField(label=_("状况"), choices=EquipmentCondition.choices)
    next_inspection_on = forms.DateField(label=_("下次检验日期"), widget=_D, required=False)


class DateForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=_D)
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class AgreementForm(forms.Form):
    """签订救援协议."""

    enterprise = _choice(_("企业"))
    team = _choice(_("救援队伍"))
    number = forms.CharField(label=_("协议编号"), max_length=60, required=False)
    signed_on = forms.DateField(label=_("签订日期"), widget=_D)
    valid_from = forms.DateField(label=_("生效日期"), widget=_D)
    valid_until = forms.DateField(
        label=_("截止日期"), widget=_D, required=False, help_text=_("长期有效可留空")
    )

    def clean(self):
        data = super().clean()
        if data.get("valid_until") and data.get("valid_from") and data["valid_until"] < data["valid_from"]:
            self.add_error("valid_until", _("截止日期不能早于生效日期。"))
        return data


class DepotForm(PlaceMixin):
    """登记储备库."""

    name = forms.CharField(label=_("名称"), max_length=150)
    kind = forms.ChoiceField(label=_("类别"), choices=DepotKind.choices)
    region = _choice(_("所在区划"), field="code")
    owner_unit = _choice(_("管理单位"), required=False)
    enterprise = _choice(_("协议企业"), required=False, help_text=_("企业协议储备必填"))
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    field_order = ["name", "kind", "region", "owner_unit", "enterprise", "address", "latitude", "longitude",
                   "contact", "phone"]  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("kind") == DepotKind.ENTERPRISE_AGREEMENT and not data.get("enterprise"):
            self.add_error("enterprise", _("企业协议储备须选择协议企业。"))
        return data


class ReceiveForm(forms.Form):
    """入库."""

    item = _choice(_("品目"), field="code")
    batch_number = forms.CharField(label=_("批次号"), max_length=60)
    quantity = forms.IntegerField(label=_("数量"), min_value=1)
    received_on = forms.DateField(label=_("入库日期"), widget=_D)
    expires_on = forms.DateField(label=_("有效期至"), widget=_D, required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class IncidentForm(PlaceMixin):
    """登记突发事件."""

    title = forms.CharField(label=_("事件名称"), max_length=200)
    region = _choice(_("发生区划"), field="code")
    lead_unit = _choice(_("牵头处置单位"), required=False)
    place = forms.CharField(label=_("地点"), max_length=200)
    occurred_at = forms.DateTimeField(label=_("发生时间"), widget=_DT)
    description = forms.CharField(
        label=_("简要情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    road_factor = forms.DecimalField(label=_("道路系数"), min_value=Decimal(1), max_value=Decimal("3"), decimal_places=2,
                                     required=False, help_text=_("估算路程 = 直线距离 × 道路系数；留空用系统默认值"))  # fmt: skip

    field_order = ["title", "region", "lead_unit", "place", "latitude", "longitude", "occurred_at", "description",
                   "road_factor"]  # fmt: skip


class RequestForm(forms.Form):
    """物资需求."""

    item = _choice(_("品目"), field="code")
    quantity = forms.IntegerField(label=_("数量"), min_value=1)
    needed_by = forms.DateTimeField(label=_("需求时间"), widget=_DT, required=False)
    requested_by = forms.CharField(label=_("提出人"), max_length=100, required=False)


class DispatchForm(forms.Form):
    """出库配送: one vehicle for the allocations of one depot."""

    vehicle = forms.CharField(label=_("车辆（车牌号）"), max_length=30)
    driver = forms.CharField(label=_("驾驶员"), max_length=50, required=False)
    driver_phone = forms.CharField(label=_("驾驶员电话"), max_length=40, required=False)
    departed_at = forms.DateTimeField(label=_("出发时间"), widget=_DT)


class ReceiptForm(forms.Form):
    received_at = forms.DateTimeField(label=_("签收时间"), widget=_DT)
    received_by = forms.CharField(label=_("签收人"), max_length=50)


class TimeForm(forms.Form):
    at = forms.DateTimeField(label=_("时间"), widget=_DT)


class SettleForm(forms.Form):
    consumed = forms.IntegerField(label=_("消耗"), min_value=0)
    returned = forms.IntegerField(label=_("回收入库"), min_value=0)


class SendTeamForm(forms.Form):
    team = _choice(_("救援队伍"))
    people = forms.IntegerField(label=_("出动人数"), min_value=1)
    vehicles = forms.IntegerField(label=_("出动车辆"), min_value=0, initial=0)
    sent_at = forms.DateTimeField(label=_("派出时间"), widget=_DT)


class PlanForm(forms.Form):
    """登记政府应急预案."""

    unit = _choice(_("制定单位"))
    title = forms.CharField(label=_("预案名称"), max_length=200)
    level = forms.ChoiceField(label=_("类别"), choices=PlanLevel.choices)
    published_on = forms.DateField(label=_("印发日期"), widget=_D)


class DrillPlanForm(forms.Form):
    """制定演练计划."""

    kind = forms.ChoiceField(label=_("类别"), choices=DrillKind.choices)
    unit = _choice(_("组织单位"))
    plan = _choice(_("所演练的预案"), required=False, help_text=_("政府预案演练必选"))
    title = forms.CharField(label=_("演练名称"), max_length=200)
    form = forms.ChoiceField(label=_("形式"), choices=DrillForm.choices)
    planned_on = forms.DateField(label=_("计划日期"), widget=_D)


class DrillRecordForm(forms.Form):
    """登记演练举行和评估报告."""

    held_on = forms.DateField(label=_("举行日期"), widget=_D)
    participants = forms.IntegerField(label=_("参演人数"), min_value=0)
    evaluation = forms.CharField(label=_("评估报告"), widget=forms.Textarea(attrs={"rows": 5}),
                                 help_text=_("演练效果、发现的问题和改进措施"))  # fmt: skip
    files = forms.FileField(label=_("佐证材料"), required=False,
                            help_text=_("评估报告、照片、签到表；上传后即向对应事项报送"))  # fmt: skip
