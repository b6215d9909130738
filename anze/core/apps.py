from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anze.core"
    label = "core"
    verbose_name = "核心"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The empty choice of a select, in the site's words (Django 6.1's own label has no Chinese yet).
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("请选择")

        from anze.core import registry
        from anze.core.navigation import HOME, SYSTEM

        registry.add_nav_section(HOME, order=0)
        registry.add_nav_section(SYSTEM, order=1000)
