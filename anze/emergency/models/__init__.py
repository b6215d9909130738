"""Emergency capacity (应急能力): rescue teams, supplies reserve and dispatch, government plans and drills."""

from anze.emergency.models.drills import EmergencyDuty, GovernmentDrill, GovernmentPlan
from anze.emergency.models.incidents import Allocation, Dispatch, Incident, SupplyRequest, TeamDeployment
from anze.emergency.models.supplies import Depot, MinimumLevel, StockBatch, StockMove, SupplyItem
from anze.emergency.models.teams import (
    MemberCertificate,
    RescueAgreement,
    RescueTeam,
    StationAssessment,
    TeamEquipment,
    TeamMember,
)

__all__ = [
    "Allocation",
    "Depot",
    "Dispatch",
    "EmergencyDuty",
    "GovernmentDrill",
    "GovernmentPlan",
    "Incident",
    "MemberCertificate",
    "MinimumLevel",
    "RescueAgreement",
    "RescueTeam",
    "StationAssessment",
    "StockBatch",
    "StockMove",
    "SupplyItem",
    "SupplyRequest",
    "TeamDeployment",
    "TeamEquipment",
    "TeamMember",
]
