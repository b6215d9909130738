"""Tables of the emergency pages (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anze.emergency.models import Depot, GovernmentDrill, Incident, RescueAgreement, RescueTeam, StockBatch


def _badge(colour: str, text) -> str:
    return format_html('<span class="badge text-bg-{}">{}</span>', colour, text)


class TeamTable(tables.Table):
    """救援队伍。"""

    name = tables.Column(verbose_name=_("队伍"), linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("类别"))
    station_level = tables.Column(verbose_name=_("等级"))
    region = tables.Column(accessor="region__name", verbose_name=_("区划"), order_by=("region__path",))
    members = tables.Column(verbose_name=_("在队人数"), orderable=False, empty_values=())
    readiness = tables.Column(verbose_name=_("战备状态"))

    class Meta:
        model = RescueTeam
        fields = ("name", "kind", "station_level", "region", "members", "readiness")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的队伍。")

    def render_readiness(self, value, record):
        return _badge(record.readiness_choice.badge, value)

    def render_members(self, value, record):
        return record.member_count


class DepotTable(tables.Table):
    """储备库。"""

    name = tables.Column(verbose_name=_("储备库"), linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("类别"))
    region = tables.Column(accessor="region__name", verbose_name=_("区划"), order_by=("region__path",))
    owner_unit = tables.Column(verbose_name=_("管理单位"))
    batches = tables.Column(verbose_name=_("在库批次"), orderable=False, empty_values=())

    class Meta:
        model = Depot
        fields = ("name", "kind", "region", "owner_unit", "batches")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的储备库。")

    def render_batches(self, value, record):
        return record.batch_count


class BatchTable(tables.Table):
    """物资批次（库存）。"""

    item = tables.Column(accessor="item__name", verbose_name=_("品目"), order_by=("item__code",))
    depot = tables.Column(verbose_name=_("储备库"), linkify=lambda record: record.depot.get_absolute_url())
    batch_number = tables.Column(verbose_name=_("批次号"))
    expires_on = tables.DateColumn(verbose_name=_("有效期至"), format="Y-m-d")
    on_hand = tables.Column(verbose_name=_("在库"))
    allocated = tables.Column(verbose_name=_("已调拨待出库"))
    unit = tables.Column(accessor="item__unit", verbose_name=_("单位"), orderable=False)

    class Meta:
        model = StockBatch
        fields = ("item", "depot", "batch_number", "expires_on", "on_hand", "allocated", "unit")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的批次。")


class IncidentTable(tables.Table):
    """突发事件。"""

    occurred_at = tables.DateTimeColumn(verbose_name=_("发生时间"), format="Y-m-d H:i")
    title = tables.Column(verbose_name=_("事件"), linkify=lambda record: record.get_absolute_url())
    region = tables.Column(accessor="region__name", verbose_name=_("区划"), order_by=("region__path",))
    place = tables.Column(verbose_name=_("地点"))
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Incident
        fields = ("occurred_at", "title", "region", "place", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的事件。")

    def render_status(self, value, record):
        return _badge(record.status_choice.badge, value)


class DrillTable(tables.Table):
    """政府演练。"""

    planned_on = tables.DateColumn(verbose_name=_("计划日期"), format="Y-m-d")
    title = tables.Column(verbose_name=_("演练"), linkify=lambda record: record.get_absolute_url())
    kind = tables.Column(verbose_name=_("类别"))
    unit = tables.Column(verbose_name=_("组织单位"))
    held_on = tables.DateColumn(verbose_name=_("举行日期"), format="Y-m-d")
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = GovernmentDrill
        fields = ("planned_on", "title", "kind", "unit", "held_on", "status")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有符合条件的演练。")

    def render_status(self, value, record):
        return _badge(record.status_choice.badge, value)


class AgreementTable(tables.Table):
    """救援协议。"""

    enterprise = tables.Column(
        verbose_name=_("企业"), linkify=lambda record: record.enterprise.get_absolute_url()
    )
    team = tables.Column(verbose_name=_("救援队伍"))
    number = tables.Column(verbose_name=_("协议编号"))
    signed_on = tables.DateColumn(verbose_name=_("签订日期"), format="Y-m-d")
    valid_from = tables.DateColumn(
        accessor="arrangement__valid_from", verbose_name=_("生效日期"), format="Y-m-d"
    )
    valid_until = tables.DateColumn(accessor="arrangement__valid_until", verbose_name=_("截止日期"), format="Y-m-d",
                                    default=_("长期"))  # fmt: skip

    class Meta:
        model = RescueAgreement
        fields = ("enterprise", "team", "number", "signed_on", "valid_from", "valid_until")
        attrs = {"class": "table table-hover mb-0"}
        empty_text = _("没有救援协议。")
        orderable = False

    def __init__(self, *args, viewable_teams=frozenset(), viewable_enterprises=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.viewable_teams = viewable_teams
        self.viewable_enterprises = viewable_enterprises

    def render_enterprise(self, value, record):
        if record.enterprise_id in self.viewable_enterprises:
            return format_html('<a href="{}">{}</a>', record.enterprise.get_absolute_url(), value)
        return value

    def render_team(self, value, record):
        # A team's page only for those who may open it (an enterprise sees its agreement, not the team's file).
        if record.team_id in self.viewable_teams:
            return format_html('<a href="{}">{}</a>', record.team.get_absolute_url(), value)
        return value
