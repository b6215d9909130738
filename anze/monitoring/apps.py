from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    """重大危险源在线监测: installations, monitoring points, readings, alarms and the on-line rate."""

    name = "anze.monitoring"
    label = "monitoring"
    verbose_name = "在线监测"
    default_auto_field = "django.db.models.BigAutoField"
