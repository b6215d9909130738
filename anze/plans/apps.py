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

        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.plans import demo

        registry.add_nav_section(
            NavSection(
                _("责任方案"),
                (
                    NavItem(_("方案列表"), "plans:plan_list", "journal-bookmark", INTERNAL),
                    NavItem(_("责任矩阵"), "plans:matrix", "grid-3x3", INTERNAL),
                    NavItem(_("导入方案"), "plans:import_upload", "upload", frozenset({Role.OFFICE})),
                ),
            ),
            order=20,
        )
        registry.add_demo_step("plans", demo.demo_step, order=30, needs=("org",))
