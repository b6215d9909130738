from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutiesConfig(AppConfig):
    name = "anze.duties"
    label = "duties"
    verbose_name = _("职责与进度")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from anze.audit.actions import register
        from anze.core import registry
        from anze.duties.scheduling import schedule_health

        # /healthz reports when the scheduled run (anze tick / the hourly job) last finished.
        registry.add_health_check("schedule", schedule_health, order=60)

        for code, label in {
            "duties.duty.suggest": _("生成建议职责"),
            "duties.duty.confirm": _("确认职责"),
            "duties.duty.update": _("变更职责规则"),
            "duties.duty.retire": _("停用职责"),
            "duties.duty.carry_over": _("核对方案修订"),
            "duties.duty.revise": _("处理方案修订"),
            "duties.occurrence.materialize": _("生成办理事项"),
            "duties.occurrence.mark_overdue": _("标记逾期事项"),
            "duties.occurrence.trigger": _("登记触发事件"),
            "duties.occurrence.sign_off": _("领导签批"),
            "duties.report.submit": _("报送进展"),
            "duties.report.resubmit": _("重新报送进展"),
            "duties.report.accept": _("审核通过"),
            "duties.report.return": _("审核退回"),
            "duties.coveragevisit.record": _("登记覆盖记录"),
            "duties.calendarfeed.issue": _("生成日历订阅地址"),
            "duties.calendarfeed.revoke": _("撤销日历订阅地址"),
            "duties.holidays.enter": _("录入节假日安排并重算截止日期"),
            "duties.holidays.settle": _("确认暂定的截止日期"),
        }.items():
            register(code, label)

        from anze.accounts.roles import Role
        from anze.core import registry
        from anze.core.navigation import INTERNAL, NavItem, NavSection
        from anze.duties import demo, home, jobs

        registry.add_nav_section(
            NavSection(
                _("职责与进度"),
                (
                    NavItem(_("我的职责"), "duties:my_duties", "list-check", INTERNAL),
                    NavItem(_("日历"), "duties:calendar", "calendar3", INTERNAL),
                    NavItem(_("进度看板"), "duties:dashboard", "bar-chart", INTERNAL),
                    NavItem(_("逾期清单"), "duties:overdue", "exclamation-triangle", INTERNAL),
                    NavItem(_("职责确认"), "duties:duty_list", "check2-square", frozenset({Role.OFFICE})),
                ),
            ),
            order=30,
        )
        registry.add_home_panel(
            registry.HomePanel(key="duties", template="duties/home_panel.html", context=home.panel, order=20)
        )
        registry.add_demo_step("duties", demo.demo_step, order=40, needs=("plans",))
        registry.add_job("duties.tick", jobs.tick, order=10)
        # A revised plan's changed duties are flagged 方案已修订 within the hour, without a button.
        registry.add_job("duties.revisions", _carry_over_revisions, order=40)


def _carry_over_revisions(now):
    from anze.duties.revision import carry_over_current

    return carry_over_current(now)
