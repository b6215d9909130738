"""Models of enforcement, one module per aggregate: accidents, draws (plans, inspectors, the draw), inspections
(with findings and penalties) and listings."""

from anze.enforcement.models.accidents import (
    Accident,
    AccidentFollowUp,
    AccidentStep,
    EvaluationDuty,
    Misreport,
)
from anze.enforcement.models.draws import (
    ConflictOfInterest,
    CreditRating,
    Draw,
    DrawSelection,
    InspectionItem,
    InspectionPlan,
    Inspector,
    KeyInspection,
    SectorShare,
)
from anze.enforcement.models.inspections import (
    Finding,
    Inspection,
    InspectionCheck,
    InspectionPhoto,
    Penalty,
)
from anze.enforcement.models.listings import Listing, ResponsiblePerson

__all__ = [
    "Accident",
    "AccidentStep",
    "AccidentFollowUp",
    "Misreport",
    "EvaluationDuty",
    "CreditRating",
    "Inspector",
    "ConflictOfInterest",
    "InspectionPlan",
    "KeyInspection",
    "SectorShare",
    "InspectionItem",
    "Draw",
    "DrawSelection",
    "Inspection",
    "InspectionCheck",
    "Finding",
    "InspectionPhoto",
    "Penalty",
    "Listing",
    "ResponsiblePerson",
]
