"""Conversations with the agent: a thread of messages plus the dialogue state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    HANDED_OFF = "handed_off"  # a human agent takes over; the bot still answers simple things


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"
    STAFF = "staff"  # a person who took the conversation over (meta: staff_name)
    NOTICE = "notice"  # a note about the conversation itself: claimed, handed back, ticket resolved


@dataclass(frozen=True, slots=True)
class Conversation:
    conversation_id: str
    user_id: str
    title: str
    status: ConversationStatus
    created_at: datetime
    updated_at: datetime
    # The dialogue state (JSON-serialisable, owned by the agent) and its version:
    # a save with a stale version is refused, so two workers cannot both apply a turn.
    state: dict[str, Any] = field(default_factory=dict)
    version: int = 0


@dataclass(frozen=True, slots=True)
class Message:
    message_id: int
    conversation_id: str
    role: Role
    text: str  # always PII-masked
    created_at: datetime
    intent: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # cards, citations, trace id
