"""Forms of the 方案修订 pages: the office's decision for a duty whose clause a revised plan changed."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class RevisionUpdateForm(forms.Form):
    """按修订更新：新规则自哪天起生效；已逾期的事项须明确选择。"""

    effective_from = forms.DateField(
        label=_("新规则生效日期"),
        widget=_date_widget(),
        help_text=_("此前的事项保持原样；此日及以后未办理的事项按新规则、新的责任单位重新生成。"),
    )
    allow_overdue = forms.BooleanField(
        label=_("同时生成已逾期的事项"),
        required=False,
        help_text=_("生效日期早于今天时，会立即生成已逾期的事项并随即催办、督办；确需补记才勾选。"),
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"effective_from": timezone.localdate()})
        super().__init__(*args, **kwargs)


class RevisionRetireForm(forms.Form):
    """停用：自哪天起不再生成事项；此日及以后未办理的事项撤回。"""

    effective_from = forms.DateField(label=_("停用日期"), widget=_date_widget())
