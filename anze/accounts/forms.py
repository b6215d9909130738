"""Forms for signing in, passwords, the second factor and account management (labels in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _

from anze.accounts.roles import Role


class BootstrapFormMixin:
    """Bootstrap 5 classes on every widget, and is-invalid on fields with errors."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def _password(label: str, autocomplete: str = "current-password", help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=256,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class LoginForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = _password(_("密码"))
    otp = forms.CharField(
        label=_("动态口令（管理员，可选）"),
        max_length=10,
        required=False,
        help_text=_("管理员可在此一并输入认证器上的 6 位数字；账号被锁定时须这样登录。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_otp(self) -> str | None:
        return self.cleaned_data["otp"].replace(" ", "") or None


class PasswordChangeForm(BootstrapFormMixin, forms.Form):
    old_password = _password(_("原密码"))
    new_password = _password(_("新密码"), "new-password")  # the page shows the policy beside the form
    new_password_confirm = _password(_("确认新密码"), "new-password")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("new_password") and data.get("new_password") != data.get("new_password_confirm"):
            self.add_error("new_password_confirm", _("两次输入的新密码不一致。"))
        return data


class OTPTokenForm(BootstrapFormMixin, forms.Form):
    token = forms.CharField(
        label=_("动态口令"),
        max_length=10,
        help_text=_("打开认证器应用，输入当前显示的 6 位数字。"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) not in (6, 8):
            raise forms.ValidationError(_("动态口令是 6 位数字。"))
        return token


class UserCreateForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150, help_text=_("登录用，不区分大小写。"))
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    valid_until = forms.DateTimeField(
        label=_("账号有效期至"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("临时账号填写；留空表示长期有效。"),
    )
    initial_password = _password(
        _("初始密码"), "new-password", _("用户首次登录时必须修改。") + password_validators_help_text_html()
    )


class PasswordResetForm(BootstrapFormMixin, forms.Form):
    new_password = _password(_("新的初始密码"), "new-password", _("用户下次登录时必须修改。"))


class RoleAssignForm(BootstrapFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    region = forms.ModelChoiceField(
        label=_("区划范围"), queryset=None, required=False, empty_label=_("（不限）")
    )
    unit = forms.ModelChoiceField(
        label=_("单位范围"), queryset=None, required=False, empty_label=_("（不限）")
    )
    valid_until = forms.DateTimeField(
        label=_("失效时间"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        from anze.org.models import Region, Unit

        super().__init__(*args, **kwargs)
        # The security administrator grants areas across the whole organization, so the choices are not
        # narrowed by restrict(): the role itself carries no business access to these records.
        self.fields["region"].queryset = Region.objects.order_by("path")
        self.fields["unit"].queryset = Unit.objects.select_related("region").order_by("region__path", "name")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("region") and data.get("unit"):
            raise forms.ValidationError(_("区划范围和单位范围只能指定一个。"))
        return data
