"""Guardrail settings: ``configs/guardrails.yaml``, validated; built-in defaults
when the file is absent.

Kept apart from ``configs/app.yaml`` because it is policy (texts shoppers read,
thresholds a reviewer tunes), not deployment. Like ``config.load_settings``,
anything invalid stops start-up with one Korean line naming the key
(``ConfigError``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ..config import describe_error, read_yaml_mapping
from ..errors import ConfigError
from .guards import (ABUSE_REPLY, CROSS_USER_REFUSAL, DEFAULT_USER_ID_PATTERN, INJECTION_REFUSAL,
                     LENGTH_REFUSAL)
from .masking import MaskStyle
from .pii import PII_TYPES, PiiType

DEFAULT_GUARDRAILS_PATH = Path("configs/guardrails.yaml")

InputGuardName = Literal["length_limit", "pii", "injection", "abuse"]
OutputGuardName = Literal["cross_user", "pii"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"정규식이 올바르지 않습니다: {exc}") from None
    return pattern


class LengthSection(_Section):
    max_chars: int = Field(2000, ge=1, le=1_000_000, description="Longest message accepted, in characters.")
    refusal: str = Field(LENGTH_REFUSAL, min_length=1,
                         description="Reply to a longer message; '{max_chars}' is replaced by the limit.")

    @field_validator("refusal")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        try:
            value.format(max_chars="2,000")
        except (KeyError, IndexError, ValueError):
            raise ValueError("허용되는 자리표시자는 {max_chars}뿐입니다") from None
        return value


class PiiSection(_Section):
    input_types: tuple[PiiType, ...] = Field(PII_TYPES, description="PII types masked in shoppers' messages.")
    output_types: tuple[PiiType, ...] = Field(PII_TYPES, description="PII types masked in replies.")
    mask_style: MaskStyle = Field("label", description="label: [전화번호]; partial: 010-****-5678.")
    allow: tuple[str, ...] = Field((), description="Values never masked (the shop's own phone number, e-mail).")


class ExtraPattern(_Section):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="Rule name (shown in traces).")
    pattern: str = Field(min_length=1, description="Regular expression.")
    weight: float = Field(ge=-10, le=10, description="Score added when it matches (negative: benign context).")
    view: Literal["compact", "text"] = Field(
        "compact", description="compact: lower case, no spaces or punctuation; text: normalised, spaces kept.")

    @field_validator("pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        return _compiles(value)


class InjectionSection(_Section):
    threshold: float = Field(1.0, gt=0, le=10, description="Score at or above which a message is refused.")
    extra_patterns: tuple[ExtraPattern, ...] = Field((), description="Rules added to the built-in ones.")
    refusal: str = Field(INJECTION_REFUSAL, min_length=1, description="Reply to an injection attempt.")


class AbuseSection(_Section):
    reply: str = Field(ABUSE_REPLY, min_length=1, description="Calm line put before the answer to an abusive message.")


class CrossUserSection(_Section):
    action: Literal["refuse", "redact"] = Field(
        "refuse", description="refuse: replace the whole reply; redact: replace the identifiers only.")
    refusal: str = Field(CROSS_USER_REFUSAL, min_length=1,
                         description="Reply used instead of one that named another shopper's data.")
    user_id_pattern: str = Field(DEFAULT_USER_ID_PATTERN, min_length=1, description="Shape of a user id.")
    allowed_emails: tuple[str, ...] = Field((), description="Addresses replies may always show (the shop's).")

    @field_validator("user_id_pattern")
    @classmethod
    def _regex(cls, value: str) -> str:
        return _compiles(value)


class GuardrailsConfig(_Section):
    input_guards: tuple[InputGuardName, ...] = Field(
        ("length_limit", "pii", "injection", "abuse"), description="Guards run on every message, in order.")
    output_guards: tuple[OutputGuardName, ...] = Field(
        ("cross_user", "pii"), description="Guards run on every reply, in order.")
    length: LengthSection = LengthSection()
    pii: PiiSection = PiiSection()
    injection: InjectionSection = InjectionSection()
    abuse: AbuseSection = AbuseSection()
    cross_user: CrossUserSection = CrossUserSection()
    source: str = Field("defaults", description="Where the settings were read from (for messages).")

    @model_validator(mode="after")
    def _no_repeats(self) -> GuardrailsConfig:
        for key in ("input_guards", "output_guards"):
            names = getattr(self, key)
            if len(set(names)) != len(names):
                raise ValueError(f"{key}: 같은 가드를 두 번 넣을 수 없습니다")
        return self


def load_guardrails_config(path: str | Path | None = None) -> GuardrailsConfig:
    """Read and validate the guardrail settings. Without ``path``,
    ``configs/guardrails.yaml`` if it exists, else the built-in defaults."""
    file = Path(path) if path is not None else DEFAULT_GUARDRAILS_PATH
    if not file.exists():
        if path is not None:
            raise ConfigError(f"설정 오류: 가드레일 설정 파일 '{file}'이(가) 없습니다.")
        return GuardrailsConfig()
    data = read_yaml_mapping(file, "가드레일 설정 파일")
    data["source"] = str(file)
    try:
        return GuardrailsConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_error(exc, str(file), patterns={"*": "영문 소문자, 숫자, 밑줄"})) from None
