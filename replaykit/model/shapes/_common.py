"""Building blocks shared by several payloads (PAYLOADS.md section 3)."""

from __future__ import annotations

from replaykit.model.refs import DestinationRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import ID, enum, opt, req, struct, vec

__all__: list[str] = []

struct(
    "LineageRef",
    req("lineage_id", ID),
    req("source", SourceRef),
    opt("destination", DestinationRef),
    vec("policy_refs", PolicyRef),
)

enum("EffectClass", "Read Write Process Network ApprovalDispatch OutputDelivery")

enum("RiskClass", "Low Medium High Critical")

enum("DispatcherScope", "Host SourceScoped Headless")

enum("ApprovalDecisionKind", "Approved ApprovedForSession Denied")
