"""``AgentError``: the reference's error value, with its four variants (WIRE.md section 10).

>>> error = Classified.new(
...     AgentErrorKind.INVALID_STATE_TRANSITION,
...     RetryClassification.REPAIR_NEEDED,
...     "journal records must be strictly increasing during replay",
... )
>>> str(error)
'InvalidStateTransition: journal records must be strictly increasing during replay'
>>> str(ContractViolation(message="bad checkpoint"))
'contract violation: bad checkpoint'
"""

from __future__ import annotations

from typing import ClassVar, TypeAlias, final

import attrs

from replaykit.model._wirespec import ID, LIST_REQUIRED, NULLABLE, STR, w
from replaykit.model.enums import AgentErrorKind, PrivacyClass, RetryClassification
from replaykit.model.refs import DestinationRef, EntityRef, PolicyRef, SourceRef

__all__ = [
    "AgentError",
    "AgentErrorVariant",
    "CausalIds",
    "Classified",
    "ContractViolation",
    "ErrorContext",
    "HostConfigurationNeeded",
    "MissingRequiredField",
]


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ErrorContext:
    message: str = attrs.field(metadata=w(STR))
    policy_refs: tuple[PolicyRef, ...] = attrs.field(
        default=(), metadata=w(PolicyRef, LIST_REQUIRED)
    )
    source: SourceRef | None = attrs.field(default=None, metadata=w(SourceRef, NULLABLE))
    destination: DestinationRef | None = attrs.field(
        default=None, metadata=w(DestinationRef, NULLABLE)
    )
    subject: EntityRef | None = attrs.field(default=None, metadata=w(EntityRef, NULLABLE))
    privacy: PrivacyClass | None = attrs.field(default=None, metadata=w(PrivacyClass, NULLABLE))
    redacted_summary: str | None = attrs.field(default=None, metadata=w(STR, NULLABLE))


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class CausalIds:
    run_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    turn_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    attempt_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    event_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    tool_call_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    span_id: str | None = attrs.field(default=None, metadata=w(ID, NULLABLE))
    related: tuple[EntityRef, ...] = attrs.field(default=(), metadata=w(EntityRef, LIST_REQUIRED))


class AgentError:
    """Base of the four error variants; on the wire a single-key object named by variant."""

    __slots__ = ()
    VARIANT: ClassVar[str]

    @property
    def kind(self) -> AgentErrorKind:
        raise NotImplementedError

    @property
    def retry(self) -> RetryClassification:
        raise NotImplementedError

    @property
    def message(self) -> str:
        """``context().message`` of the reference."""
        raise NotImplementedError


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class MissingRequiredField(AgentError):
    VARIANT: ClassVar[str] = "MissingRequiredField"

    field: str = attrs.field(metadata=w(STR))

    @property
    def kind(self) -> AgentErrorKind:
        return AgentErrorKind.INVALID_PACKAGE

    @property
    def retry(self) -> RetryClassification:
        return RetryClassification.HOST_CONFIGURATION_NEEDED

    @property
    def message(self) -> str:
        return f"missing required field: {self.field}"

    def __str__(self) -> str:
        return self.message


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class ContractViolation(AgentError):
    VARIANT: ClassVar[str] = "ContractViolation"

    message_text: str = attrs.field(alias="message", metadata={**w(STR), "wire_name": "message"})

    @property
    def kind(self) -> AgentErrorKind:
        return AgentErrorKind.INVALID_STATE_TRANSITION

    @property
    def retry(self) -> RetryClassification:
        return RetryClassification.REPAIR_NEEDED

    @property
    def message(self) -> str:
        return self.message_text

    def __str__(self) -> str:
        return f"contract violation: {self.message_text}"


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class HostConfigurationNeeded(AgentError):
    VARIANT: ClassVar[str] = "HostConfigurationNeeded"

    message_text: str = attrs.field(alias="message", metadata={**w(STR), "wire_name": "message"})

    @property
    def kind(self) -> AgentErrorKind:
        return AgentErrorKind.HOST_CONFIGURATION_NEEDED

    @property
    def retry(self) -> RetryClassification:
        return RetryClassification.HOST_CONFIGURATION_NEEDED

    @property
    def message(self) -> str:
        return self.message_text

    def __str__(self) -> str:
        return f"host configuration needed: {self.message_text}"


@final
@attrs.frozen(kw_only=True, weakref_slot=False)
class Classified(AgentError):
    VARIANT: ClassVar[str] = "Classified"

    kind_value: AgentErrorKind = attrs.field(
        alias="kind", metadata={**w(AgentErrorKind), "wire_name": "kind"}
    )
    retry_value: RetryClassification = attrs.field(
        alias="retry", metadata={**w(RetryClassification), "wire_name": "retry"}
    )
    context: ErrorContext = attrs.field(metadata=w(ErrorContext))
    causal_ids: CausalIds = attrs.field(factory=CausalIds, metadata=w(CausalIds))

    @classmethod
    def new(cls, kind: AgentErrorKind, retry: RetryClassification, message: str) -> Classified:
        """``AgentError::new(kind, retry, message)`` of the reference."""
        return cls(kind=kind, retry=retry, context=ErrorContext(message=message))

    @property
    def kind(self) -> AgentErrorKind:
        return self.kind_value

    @property
    def retry(self) -> RetryClassification:
        return self.retry_value

    @property
    def message(self) -> str:
        return self.context.message

    def __str__(self) -> str:
        return f"{self.kind_value}: {self.context.message}"


AgentErrorVariant: TypeAlias = (
    MissingRequiredField | ContractViolation | HostConfigurationNeeded | Classified
)
