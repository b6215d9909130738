"""An incident's timeline: requests, allocations, departures, arrivals, receipts, settlements and teams sent, in
time order. A fixed number of queries whatever the rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from anze.emergency.choices import AllocationStatus
from anze.emergency.models import Allocation, Dispatch, Incident, SupplyRequest, TeamDeployment


@dataclass(frozen=True)
class Event:
    at: dt.datetime
    icon: str
    tone: str
    text: str


def events(incident: Incident) -> list[Event]:
    found = [
        Event(
            incident.occurred_at,
            "exclamation-octagon",
            "danger",
            _("事件发生：%(p)s") % {"p": incident.place},
        )
    ]
    for request in SupplyRequest.objects.filter(incident=incident).select_related("item"):
        found.append(Event(request.requested_at, "clipboard-plus", "secondary",
                           _("需求 %(i)s %(q)s %(u)s") % {"i": request.item.name, "q": request.quantity,
                                                         "u": request.item.unit}))  # fmt: skip
    for allocation in Allocation.objects.filter(request__incident=incident).select_related(
        "batch__depot", "batch__item"
    ):
        item = allocation.batch.item
        found.append(Event(allocation.allocated_at, "box-seam", "info",
                           _("调拨 %(d)s %(i)s %(q)s %(u)s（约 %(k)s 公里）")
                           % {"d": allocation.batch.depot.name, "i": item.name, "q": allocation.quantity,
                              "u": item.unit, "k": allocation.distance_km}))  # fmt: skip
        if allocation.status == AllocationStatus.CANCELLED:
            found.append(Event(allocation.updated_at, "x-circle", "dark", _("取消调拨 %(i)s %(q)s %(u)s")
                               % {"i": item.name, "q": allocation.quantity, "u": item.unit}))  # fmt: skip
        if allocation.settled_at:
            found.append(Event(allocation.settled_at, "check2-all", "secondary",
                               _("核销 %(i)s：消耗 %(c)s，回收 %(r)s") % {"i": item.name, "c": allocation.consumed,
                                                                       "r": allocation.returned}))  # fmt: skip
    for trip in Dispatch.objects.filter(incident=incident).select_related("depot"):
        found.append(Event(trip.departed_at, "truck", "primary",
                           _("%(v)s 自 %(d)s 出发") % {"v": trip.vehicle, "d": trip.depot.name}))  # fmt: skip
        if trip.arrived_at and trip.arrived_at != trip.received_at:
            found.append(Event(trip.arrived_at, "geo-alt", "info", _("%(v)s 到达现场") % {"v": trip.vehicle}))
        if trip.received_at:
            found.append(Event(trip.received_at, "check-circle", "success",
                               _("%(v)s 物资签收（%(r)s）") % {"v": trip.vehicle, "r": trip.received_by}))  # fmt: skip
    for deployment in TeamDeployment.objects.filter(incident=incident).select_related("team"):
        name = deployment.team.name
        found.append(Event(deployment.sent_at, "people", "warning",
                           _("派出 %(t)s %(n)s 人（约 %(k)s 公里）") % {"t": name, "n": deployment.people,
                                                                     "k": deployment.distance_km}))  # fmt: skip
        if deployment.arrived_at:
            found.append(
                Event(deployment.arrived_at, "person-check", "warning", _("%(t)s 到场") % {"t": name})
            )
        if deployment.returned_at:
            found.append(Event(deployment.returned_at, "house", "secondary", _("%(t)s 归队") % {"t": name}))
    if incident.closed_at:
        found.append(Event(incident.closed_at, "flag", "secondary", _("处置结束")))
    return sorted(found, key=lambda e: e.at, reverse=True)
