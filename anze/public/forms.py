"""Forms of the public portal and the office's report pages. Saving goes through services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anze.org.choices import RegionLevel
from anze.org.models import Region, Unit
from anze.prevention.choices import HiddenDangerGrade
from anze.prevention.images import max_bytes
from anze.public.choices import AccidentGrade, TipKind
from anze.public.services import MAX_PHOTOS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field; each is checked by its content in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                attrs={"class": "form-control", "multiple": True, "accept": "image/jpeg,image/png"}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class _Bootstrap:
    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif not isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-control")


class TipForm(_Bootstrap, forms.Form):
    """举报: no name, phone or ID unless the reporter opts into the real-name block."""

    kind = forms.ChoiceField(label=_("举报类别"), choices=TipKind.choices)
    region = forms.ModelChoiceField(label=_("所在县区"), queryset=Region.objects.none())
    subject = forms.CharField(label=_("被举报单位或场所"), max_length=200)
    place = forms.CharField(label=_("具体地点"), max_length=200)
    description = forms.CharField(
        label=_("举报内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = PhotosField(
        label=_("现场照片"),
        required=False,
        help_text=_("JPEG 或 PNG，最多 %(n)s 张，每张不超过 %(mb)s MB；照片中的拍摄信息和位置信息会被清除。")
        % {"n": MAX_PHOTOS, "mb": max_bytes() // (1024 * 1024)},
    )
    real_name = forms.BooleanField(label=_("我愿意实名举报（领取奖励需实名）"), required=False)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("身份证号（可选）"), max_length=18, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level__in=[RegionLevel.COUNTY, RegionLevel.ZONE]
        ).order_by("code")
        self._style()

    def identity(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("real_name"):
            return None  # whatever was typed in the identity fields is dropped, never stored
        return {
            "name": data.get("name", ""),
            "phone": data.get("phone", ""),
            "id_number": data.get("id_number", ""),
        }


class TrackForm(_Bootstrap, forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=40)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class AssignForm(_Bootstrap, forms.Form):
    unit = forms.ModelChoiceField(label=_("核查部门"), queryset=Unit.objects.none())

    def __init__(self, *args: Any, units=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        self._style()


class TipChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.reference} · {obj.created_at:%Y-%m-%d} · {obj.get_kind_display()} · {obj.subject} · {obj.place}"


class DuplicateForm(_Bootstrap, forms.Form):
    """The earlier report this one repeats, picked (with search) among those the user may see."""

    original = TipChoiceField(label=_("原举报"), queryset=None, to_field_name="public_id")

    def __init__(self, *args: Any, candidates=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["original"].queryset = candidates
        self._style()


class VerifyForm(_Bootstrap, forms.Form):
    founded = forms.TypedChoiceField(
        label=_("核查结论"), choices=[("1", _("属实")), ("0", _("不属实"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("核查情况"), widget=forms.Textarea(attrs={"rows": 3}))
    reply = forms.CharField(
        label=_("给举报人的答复"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    enterprise = forms.ModelChoiceField(
        label=_("涉及企业（属实的隐患举报转为隐患）"), required=False, queryset=None
    )
    grade = forms.ChoiceField(
        label=_("隐患等级"), choices=HiddenDangerGrade.choices, initial=HiddenDangerGrade.MAJOR
    )

    def __init__(self, *args: Any, enterprises=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self._style()


class RewardForm(_Bootstrap, forms.Form):
    fine = forms.DecimalField(
        label=_("罚款金额（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    accident_grade = forms.ChoiceField(
        label=_("事故等级"), required=False, choices=[("", "—"), *AccidentGrade.choices]
    )
    concealed_deaths = forms.IntegerField(label=_("核实瞒报死亡人数"), required=False, min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class DisclosureForm(_Bootstrap, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("曝光内容"), widget=forms.Textarea(attrs={"rows": 6}), help_text=_("请勿包含举报人信息。")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
