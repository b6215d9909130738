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

        from anze.core import registry

        # A revised plan's changed duties are flagged 方案已修订 within the hour, without a button.
        registry.add_job("duties.revisions", _carry_over_revisions, order=40)


def _carry_over_revisions(now):
    from anze.duties.revision import carry_over_current

    return carry_over_current(now)
