from django.apps import AppConfig


class TrainingConfig(AppConfig):
    """培训考试: question banks, papers, timed online exams, certificates and staff study."""

    name = "anze.training"
    label = "training"
    verbose_name = "培训考试"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.core import registry
        from anze.enterprises import engine
        from anze.enterprises.choices import Requirement
        from anze.training import compliance, hooks

        engine.register_requirement(Requirement.TRAINING_CERTIFICATE, compliance.certificate_verdict)
        registry.add_nav_section(hooks.NAV_SECTION, order=65)
        registry.add_home_panel(
            registry.HomePanel(
                key="training", template="training/home_panel.html", context=hooks.home_panel, order=65
            )
        )
        registry.add_demo_step("training", hooks.demo, order=65, needs=("enterprises", "duties"))
        registry.add_job("training.expire", hooks.expire_job, order=65)
        registry.add_job("training.remind", hooks.remind_job, order=66)
        registry.add_notice_handler("training", hooks.deliver_notice)
