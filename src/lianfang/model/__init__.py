"""The data model of a unit workbook and its vocabularies."""

from lianfang.model.workbook import (
    Alert,
    Criteria,
    Flow,
    Institution,
    Measure,
    Post,
    PowerItem,
    RiskPoint,
    Step,
    Unit,
    Workbook,
)

__all__ = ["Alert", "Criteria", "Flow", "Institution", "Measure", "Post", "PowerItem", "RiskPoint", "Step", "Unit", "Workbook"]
