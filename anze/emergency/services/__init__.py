"""State changes of the emergency app. Each is atomic, takes `actor`, checks its guard and writes one audit
event (changing another app's record goes through that app's service, which writes its own); transitions
are claimed with a version or status column; stock moves only through the ledger (services/ledger.py)."""

from anze.emergency.services.alerts import run_alerts
from anze.emergency.services.drills import cancel_drill, plan_drill, record_drill, register_plan
from anze.emergency.services.duty_link import configure_duty
from anze.emergency.services.incidents import (
    allocate,
    allocated_quantity,
    cancel_allocation,
    close_incident,
    dispatch,
    mark_arrived,
    nearest_teams,
    open_incident,
    receive,
    request_supplies,
    send_team,
    settle,
    suggestion_for,
    team_arrived,
    team_returned,
)
from anze.emergency.services.supplies import (
    create_depot,
    create_item,
    receive_stock,
    set_minimum_level,
    write_off,
)
from anze.emergency.services.teams import (
    add_certificate,
    add_equipment,
    add_member,
    assess_station,
    disband_team,
    end_agreement,
    member_left,
    record_inspection,
    register_team,
    set_readiness,
    sign_agreement,
)

__all__ = [
    "add_certificate", "add_equipment", "add_member", "allocate", "allocated_quantity", "assess_station",
    "cancel_allocation", "cancel_drill", "close_incident", "configure_duty", "create_depot", "create_item",
    "disband_team", "dispatch", "end_agreement", "mark_arrived", "member_left", "nearest_teams", "open_incident",
    "plan_drill", "receive", "receive_stock", "record_drill", "record_inspection", "register_plan",
    "register_team", "request_supplies", "run_alerts", "send_team", "set_minimum_level", "set_readiness",
    "settle", "sign_agreement", "suggestion_for", "team_arrived", "team_returned", "write_off",
]  # fmt: skip
