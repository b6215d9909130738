from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    """考核与一票否决: schemes, veto rule sets, the year's results, appeals and the awards list."""

    name = "anze.assessment"
    label = "assessment"
    verbose_name = "考核与一票否决"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.assessment import hooks
        from anze.core import registry

        registry.add_nav_section(hooks.NAV_SECTION, order=70)
        registry.add_demo_step("assessment", hooks.demo, order=70, needs=("enforcement", "duties"))
