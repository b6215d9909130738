from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """重大危险源在线监测: installations, monitoring points, readings, alarms and the on-line rate."""

    name = "anze.monitoring"
    label = "monitoring"
    verbose_name = _("在线监测")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.core import registry
        from anze.enterprises import engine
        from anze.monitoring import compliance, demo, hooks, indicators, jobs

        for requirement, verdict in compliance.VERDICTS.items():
            engine.register_requirement(requirement, verdict)

        registry.add_nav_section(hooks.NAV_SECTION, order=55)
        registry.add_home_panel(
            registry.HomePanel(
                key="monitoring", template="monitoring/home_panel.html", context=hooks.home_panel, order=55
            )
        )

        registry.add_job("monitoring.offline", jobs.detect_offline, order=70)
        registry.add_job("monitoring.push", jobs.push_alarms, order=71)
        registry.add_job("monitoring.escalate", jobs.escalate_alarms, order=72)
        registry.add_job("monitoring.rollup", jobs.roll_up, order=73)
        registry.add_job("monitoring.partitions", jobs.maintain_partitions, order=74)
        registry.add_job("monitoring.vehicles", jobs.vehicles_offline_and_push, order=75)
        registry.add_clause_indicator(
            "monitoring", indicators.online_rate_indicator, order=70, title=_("数据在线率")
        )
        registry.add_clause_indicator(
            "monitoring.vehicles", indicators.vehicle_online_indicator, order=71, title=_("车辆上线率")
        )
        registry.add_demo_step("monitoring", demo.load_demo, order=70)
