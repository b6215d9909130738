from django.apps import AppConfig


class EmergencyConfig(AppConfig):
    """应急能力: rescue teams, supplies reserve and dispatch, government plans and drills."""

    name = "anze.emergency"
    label = "emergency"
    verbose_name = "应急能力"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.emergency import hooks

        hooks.register()
