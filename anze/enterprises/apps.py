from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "anze.enterprises"
    label = "enterprises"
    verbose_name = _("企业")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.audit.actions import register

        for code, label in {
            "enterprises.enterprise.create": _("登记企业"),
            "enterprises.enterprise.update": _("修改企业信息"),
            "enterprises.enterprise.import": _("导入企业"),
            "enterprises.enterprise.export": _("导出企业"),
            "enterprises.compliance.evaluate": _("评估企业合规"),
            "enterprises.membership.create": _("绑定企业用户"),
            "enterprises.ruleset.create": _("新建规则集"),
            "enterprises.ruleset.publish": _("发布规则集"),
            "enterprises.rule.update": _("修改规则"),
            "enterprises.industrysupervisor.update": _("设置行业主管部门"),
        }.items():
            register(code, label)
