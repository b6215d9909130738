from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "anze.supervision"
    label = "supervision"
    verbose_name = _("督办")

    def ready(self) -> None:
        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.supervision import demo, home, jobs
        from anze.supervision.services import deliver_notice

        registry.add_nav_section(
            NavSection(
                _("督办"),
                (
                    NavItem(_("督办案件"), "supervision:case_list", "flag", INTERNAL),
                    NavItem(_("催办提醒"), "supervision:reminder_list", "bell", INTERNAL),
                    NavItem(_("通报"), "supervision:circular_list", "megaphone", INTERNAL),
                    NavItem(_("延期申请"), "supervision:extension_list", "hourglass-split", INTERNAL),
                    NavItem(_("红黄绿灯"), "supervision:lights", "stoplights", INTERNAL),
                    NavItem(_("收件箱"), "supervision:inbox", "inbox", INTERNAL),
                    # The channels' settings hold webhook tokens: the office changes them, county offices
                    # and auditors read.
                    NavItem(
                        _("督办设置"),
                        "supervision:settings",
                        "gear",
                        frozenset({Role.OFFICE, Role.COUNTY, Role.AUDITOR}),
                    ),
                ),
            ),
            order=40,
        )
        registry.add_home_panel(
            registry.HomePanel(
                key="supervision", template="supervision/home_panel.html", context=home.panel, order=30
            )
        )
        registry.add_demo_step("supervision", demo.demo_step, order=50, needs=("duties",))
        registry.add_job("supervision.ladder", jobs.ladder, order=20)

        # Returned reports and reports waiting for 签批 reach the inbox and the channels.
        registry.add_notice_handler("supervision", deliver_notice)
