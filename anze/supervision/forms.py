"""Forms of the supervision pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(label=_("申请延至"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审批意见"), choices=[("approve", _("同意")), ("refuse", _("不同意"))]
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class CaseCloseForm(forms.Form):
    action = forms.ChoiceField(label=_("操作"), choices=[("resolve", _("办结")), ("cancel", _("撤销"))])
    text = forms.CharField(
        label=_("办结情况或撤销理由"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
