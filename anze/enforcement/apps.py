from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    """执法与信用: accidents, random inspections, penalties, disclosure and the blacklist."""

    name = "anze.enforcement"
    label = "enforcement"
    verbose_name = "执法与信用"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.core import registry
        from anze.enforcement import hooks

        registry.add_nav_section(hooks.NAV_SECTION, order=60)
        registry.add_home_panel(
            registry.HomePanel(
                key="enforcement", template="enforcement/home_panel.html", context=hooks.home_panel, order=60
            )
        )
        registry.add_demo_step("enforcement", hooks.demo, order=60)
        registry.add_job("enforcement.deadlines", hooks.deadlines_job, order=60)
        registry.add_enterprise_badge("enforcement", hooks.listed_badges, order=60)
