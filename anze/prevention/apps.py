from django.apps import AppConfig


class PreventionConfig(AppConfig):
    """双重预防: risk points graded by LEC/LS, hidden dangers and their closed loop."""

    name = "anze.prevention"
    label = "prevention"
    verbose_name = "双重预防"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.prevention import demo, home

        with_enterprise = INTERNAL | {Role.ENTERPRISE}
        registry.add_nav_section(
            NavSection(
                _("双重预防"),
                (
                    NavItem(_("风险点"), "prevention:risk_point_list", "bullseye", with_enterprise),
                    NavItem(_("隐患台账"), "prevention:hidden_danger_list", "cone-striped", with_enterprise),
                    NavItem(
                        _("隐患统计"), "prevention:hidden_danger_stats", "bar-chart-line", with_enterprise
                    ),
                ),
            ),
            order=60,
        )
        registry.add_home_panel(
            registry.HomePanel(
                key="prevention", template="prevention/home_panel.html", context=home.panel, order=40
            )
        )
        registry.add_demo_step("prevention", demo.demo_step, order=65, needs=("enterprises", "accounts"))
