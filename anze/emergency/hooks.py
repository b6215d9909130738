"""What the emergency app adds to the lower apps' pages, commands and schedules (registered in ready())."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "emergency.item.create": _("新增物资品目"),
    "emergency.depot.create": _("登记储备库"),
    "emergency.stock.receive": _("物资入库"),
    "emergency.stock.write_off": _("物资报损"),
    "emergency.minimum.set": _("设置最低储备"),
    "emergency.incident.open": _("登记突发事件"),
    "emergency.incident.close": _("结束突发事件"),
    "emergency.request.create": _("提出物资需求"),
    "emergency.allocation.create": _("物资调拨"),
    "emergency.allocation.cancel": _("取消调拨"),
    "emergency.allocation.settle": _("调拨核销"),
    "emergency.dispatch.depart": _("出库配送"),
    "emergency.dispatch.arrive": _("配送到达"),
    "emergency.dispatch.receive": _("配送签收"),
    "emergency.team.create": _("登记救援队伍"),
    "emergency.team.readiness": _("更新战备状态"),
    "emergency.team.disband": _("撤销救援队伍"),
    "emergency.team.send": _("派出救援队伍"),
    "emergency.team.arrive": _("救援队伍到场"),
    "emergency.team.return": _("救援队伍归队"),
    "emergency.member.create": _("队员入队"),
    "emergency.member.leave": _("队员离队"),
    "emergency.certificate.create": _("登记队员证书"),
    "emergency.equipment.create": _("登记装备"),
    "emergency.equipment.inspect": _("装备检验"),
    "emergency.station.assess": _("消防站达标评估"),
    "emergency.agreement.sign": _("签订救援协议"),
    "emergency.agreement.end": _("终止救援协议"),
    "emergency.duty.configure": _("设置应急职责"),
    "emergency.plan.create": _("登记政府应急预案"),
    "emergency.drill.plan": _("制定演练计划"),
    "emergency.drill.record": _("登记演练举行"),
    "emergency.drill.cancel": _("取消演练"),
    "emergency.alerts.stock": _("库存低于最低储备预警"),
    "emergency.alerts.batches": _("物资临期预警"),
    "emergency.alerts.certificates": _("队员证书临期预警"),
    "emergency.alerts.agreements": _("救援协议临期预警"),
}


def alerts_job(now: dt.datetime) -> int:
    from anze.emergency.services import run_alerts

    return run_alerts(now)


def register() -> None:
    from anze.audit.actions import register as register_action
    from anze.core import registry

    for code, label in ACTIONS.items():
        register_action(code, label)
    registry.add_job("emergency.alerts", alerts_job, order=70)

    from anze.emergency import pages

    pages.register(registry)
