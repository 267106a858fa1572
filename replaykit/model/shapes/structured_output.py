"""The `structured_output` payload (PAYLOADS.md 4.5)."""

from __future__ import annotations

from replaykit.model.enums import PrivacyClass, RetentionClass, TrustClass
from replaykit.model.refs import DestinationRef, EntityRef, PolicyRef, SourceRef
from replaykit.model.shapes._dsl import (
    BOOL,
    ID,
    STR,
    U8,
    U16,
    U64,
    adjacent,
    enum,
    internal,
    null,
    opt,
    payload,
    req,
    struct,
    vec,
    vec_req,
)

__all__: list[str] = []

adjacent(
    "StructuredOutputRecord",
    {
        "lifecycle": "StructuredOutputLifecycleRecord",
        "validation": "ValidationRecord",
        "repair": "RepairRecord",
        "repair_exhaustion": "RepairExhaustionRecord",
        "validation_report": "ValidationReportRecord",
        "validated_output": "ValidatedOutput",
        "typed_result_publication": "TypedResultPublicationRecord",
    },
)

struct(
    "StructuredOutputLifecycleRecord",
    req("record_schema_version", U16),
    req("record_kind", "StructuredOutputLifecycleKind"),
    req("schema_id", ID),
    req("output_schema_version", "SchemaVersion"),
    req("schema_fingerprint", ID),
    opt("source_attempt_id", ID),
    opt("candidate_content_ref", ID),
    req("privacy", PrivacyClass),
    req("redacted_summary", STR),
)

struct(
    "ValidationRecord",
    req("record_schema_version", U16),
    req("record_kind", "ValidationRecordKind"),
    req("schema_id", ID),
    req("output_schema_version", "SchemaVersion"),
    req("schema_fingerprint", ID),
    req("validation_attempt_id", ID),
    req("source_attempt_id", ID),
    req("candidate_content_ref", ID),
    req("privacy", PrivacyClass),
    req("redacted_summary", STR),
    vec("errors", "ValidationErrorSummary"),
    vec("validation_attempts", ID),
    vec("repair_attempts", ID),
    vec("source_attempt_ids", ID),
    opt("retry_exhausted", BOOL),
)

struct(
    "RepairRecord",
    req("record_schema_version", U16),
    req("record_kind", "RepairRecordKind"),
    req("repair_attempt_id", ID),
    req("validation_attempt_id", ID),
    req("source_attempt_id", ID),
    req("schema_id", ID),
    req("output_schema_version", "SchemaVersion"),
    req("schema_fingerprint", ID),
    req("repair_adapter_ref", ID),
    req("attempt_index", U8),
    req("max_repair_attempts", U8),
    req("prompt", "RepairPrompt"),
    req("redacted_summary", STR),
    req("privacy", PrivacyClass),
)

struct(
    "RepairExhaustionRecord",
    req("record_schema_version", U16),
    req("record_kind", "RepairRecordKind"),
    req("schema_id", ID),
    req("output_schema_version", "SchemaVersion"),
    vec_req("validation_attempts", ID),
    vec_req("repair_attempts", ID),
    vec_req("source_attempt_ids", ID),
    req("candidate_content_ref", ID),
    req("retry_exhausted", BOOL),
    req("redacted_summary", STR),
    req("reason", STR),
    req("privacy", PrivacyClass),
)

struct(
    "ValidationReportRecord",
    req("record_schema_version", U16),
    req("validation_attempt_id", ID),
    req("schema_id", ID),
    req("schema_version", "SchemaVersion"),
    req("source_attempt_id", ID),
    req("candidate_content_ref", "content::ContentRef"),
    req("validation_report_ref", "content::ContentRef"),
    req("status", "ValidationStatus"),
    opt("redacted_error_summary", STR),
    vec("policy_refs", PolicyRef),
    req("privacy", PrivacyClass),
    req("redacted_summary", STR),
)

struct(
    "ValidatedOutput",
    req("record_schema_version", U16),
    req("output_id", ID),
    req("schema_id", ID),
    req("schema_version", "SchemaVersion"),
    req("schema_fingerprint", ID),
    req("canonical_value_ref", "content::ContentRef"),
    vec("validation_report_refs", "ValidationReportRef"),
    vec("validation_attempts", ID),
    vec("repair_attempts", ID),
    vec("source_attempt_ids", ID),
    vec("content_refs", "content::ContentRef"),
    req("lineage", "OutputLineage"),
    vec("policy_refs", PolicyRef),
    req("privacy", PrivacyClass),
    req("redacted_summary", STR),
)

struct(
    "TypedResultPublicationRecord",
    req("record_schema_version", U16),
    req("validated_output_id", ID),
    req("schema_id", ID),
    req("schema_version", "SchemaVersion"),
    req("canonical_value_ref", "content::ContentRef"),
    vec("validation_report_refs", "ValidationReportRef"),
    vec("source_attempt_ids", ID),
    vec("policy_refs", PolicyRef),
    req("status", "TypedResultPublicationStatus"),
    req("privacy", PrivacyClass),
    req("redacted_summary", STR),
)

struct(
    "SchemaVersion",
    req("major", U16),
    req("minor", U16),
    req("patch", U16),
)

struct(
    "ValidationErrorSummary",
    req("code", "ValidationErrorCode"),
    req("path", STR),
    req("redacted_summary", STR),
)

struct(
    "RepairPrompt",
    req("record_schema_version", U16),
    req("repair_attempt_id", ID),
    req("validation_attempt_id", ID),
    req("source_attempt_id", ID),
    req("schema_id", ID),
    req("output_schema_version", "SchemaVersion"),
    req("schema_fingerprint", ID),
    req("repair_adapter_ref", ID),
    req("attempt_index", U8),
    req("max_repair_attempts", U8),
    req("include_schema_in_prompt", BOOL),
    vec_req("redacted_errors", "ValidationErrorSummary"),
    req("candidate_content", "RepairPromptCandidateContent"),
    req("prompt_summary", STR),
)

struct(
    "content::ContentRef",
    req("content_id", ID),
    req("version", STR),
    req("kind", "ContentKind"),
    null("artifact_ref", "content::ArtifactRef"),
    req("scope", "ContentScope"),
    req("producer_ref", EntityRef),
    req("source_ref", SourceRef),
    null("destination_ref", DestinationRef),
    null("mime", STR),
    null("size_bytes", U64),
    null("content_hash", STR),
    req("privacy_class", PrivacyClass),
    req("retention_class", RetentionClass),
    req("trust_class", TrustClass),
    req("resolver_ref", ID),
    req("redacted_summary", STR),
)

struct(
    "ValidationReportRef",
    req("validation_attempt_id", ID),
    req("report_ref", "content::ContentRef"),
    req("status", "ValidationStatus"),
    req("redacted_summary", STR),
)

struct(
    "OutputLineage",
    req("lineage_ref", "LineageRef"),
    req("produced_by", EntityRef),
    vec("derived_from", EntityRef),
)

internal(
    "RepairPromptCandidateContent",
    "type",
    {
        "omitted": None,
        "content_ref_only": struct(
            "RepairPromptCandidateContent::content_ref_only",
            req("candidate_content_ref", ID),
        ),
        "redacted_candidate": struct(
            "RepairPromptCandidateContent::redacted_candidate",
            req("redacted_summary", STR),
        ),
    },
)

struct(
    "content::ArtifactRef",
    req("artifact_id", ID),
    req("version", STR),
    req("scope", "ContentScope"),
    req("storage_ref", ID),
    null("mime", STR),
    null("size_bytes", U64),
    null("content_hash", STR),
    req("producer_ref", EntityRef),
    req("source_ref", SourceRef),
    null("destination_ref", DestinationRef),
    req("privacy_class", PrivacyClass),
    req("retention_class", RetentionClass),
    req("trust_class", TrustClass),
    req("redacted_summary", STR),
)

enum("StructuredOutputLifecycleKind", "requested validation_started")

enum(
    "ValidationRecordKind",
    "validation_succeeded validation_failed schema_rejected terminal_failure",
)

enum("RepairRecordKind", "repair_requested repair_exhausted")

enum("ValidationStatus", "passed failed")

enum("TypedResultPublicationStatus", "published policy_denied")

enum(
    "ValidationErrorCode",
    "candidate_too_large invalid_json unsupported_dialect unsupported_schema_ref "
    "schema_contract_violation hostile_schema missing_required_field type_mismatch "
    "additional_property_denied enum_mismatch min_length_violation max_length_violation "
    "semantic_validator_unavailable",
)

enum(
    "ContentKind",
    "text document image audio video file tool_result schema stdout stderr output_payload "
    "memory_record external",
)

enum("ContentScope", "run session host_workspace external persistent_store")

payload("structured_output", "StructuredOutputRecord")
