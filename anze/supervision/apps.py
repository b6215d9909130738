from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "anze.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from anze.core import registry
        from anze.supervision.services import deliver_notice

        # Returned reports and reports waiting for 签批 reach the inbox and the channels.
        registry.add_notice_handler("supervision", deliver_notice)
