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

        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.enterprises import demo, home, stats

        registry.add_nav_section(
            NavSection(
                _("企业"),
                (
                    # An enterprise user's own compliance card.
                    NavItem(_("我的企业"), "enterprises:mine", "building-check", frozenset({Role.ENTERPRISE})),
                    NavItem(
                        _("企业名录"),
                        "enterprises:enterprise_list",
                        "buildings",
                        INTERNAL | {Role.ENTERPRISE},
                    ),
                    NavItem(_("合规看板"), "enterprises:dashboard", "clipboard-data", INTERNAL),
                    NavItem(_("监管空白"), "enterprises:gaps", "exclamation-diamond", INTERNAL),
                    NavItem(_("导入"), "enterprises:import", "upload", frozenset({Role.OFFICE, Role.COUNTY})),
                ),
            ),
            order=50,
        )
        registry.add_home_panel(
            registry.HomePanel(
                key="enterprises", template="enterprises/home_panel.html", context=home.panel, order=35
            )
        )
        registry.add_demo_step("enterprises", demo.demo_step, order=60, needs=("org",))
        registry.add_clause_indicator(
            "enterprises", stats.clause_indicator, order=10, template="enterprises/_indicators.html"
        )
