from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "anze.plans"
    label = "plans"
    verbose_name = _("责任方案")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.audit.actions import register

        register("plans.plan.import", _("导入责任方案"))
        register("plans.planimport.create", _("上传责任方案待确认"))
        register("plans.planimport.cancel", _("取消导入责任方案"))
        register("plans.assignment.map", _("对应方案中的名称"))
