from django.apps import AppConfig


class PreventionConfig(AppConfig):
    """双重预防: risk points graded by LEC/LS, hidden dangers and their closed loop."""

    name = "anze.prevention"
    label = "prevention"
    verbose_name = "双重预防"
    default_auto_field = "django.db.models.BigAutoField"
