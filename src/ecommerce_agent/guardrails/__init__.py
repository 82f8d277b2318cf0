"""Input and output guardrails for a Korean shop conversation.

Call ``InputGuard.check(message)`` before anything else sees a shopper's
message and ``OutputGuard.check(reply, scope)`` on every reply::

    from ecommerce_agent.guardrails import InputGuard, OutputGuard, UserScope, load_guardrails_config

    config = load_guardrails_config()            # configs/guardrails.yaml or built-in defaults
    input_guard = InputGuard.from_config(config)
    output_guard = OutputGuard.from_config(config)

    verdict = input_guard.check(message)
    if verdict.blocked:                          # too long, or a prompt-injection attempt
        return verdict.refusal
    answer = agent.handle(verdict.text)          # PII already masked: "[전화번호]로 연락 주세요"
    if verdict.preface:                          # abuse: answer anyway, calmly
        answer = f"{verdict.preface} {answer}"
    scope = UserScope(user.user_id, order_ids=..., ticket_ids=..., emails={user.email})
    return output_guard.check(answer, scope).text

Guards return data (``GuardrailResult``: ``name``, ``tripped``, ``info``),
never exceptions; ``name`` is the metric and trace label. Masking scheme: see
``masking`` (default: bracketed Korean labels such as ``[전화번호]``).
"""

from .config import GuardrailsConfig, load_guardrails_config
from .guards import AbuseGuard, CrossUserGuard, InjectionGuard, LengthGuard, PiiGuard
from .injection import InjectionScore, InjectionScorer
from .masking import LABELS, MaskStyle, apply_masks, mask_value
from .ownership import UserScope
from .pii import PII_TYPES, PiiSpan, PiiType, find_pii, luhn_valid, rrn_valid
from .pipeline import InputGuard, InputVerdict, OutputGuard, OutputVerdict
from .result import Guard, GuardrailResult

__all__ = [
    "LABELS", "PII_TYPES", "AbuseGuard", "CrossUserGuard", "Guard", "GuardrailResult", "GuardrailsConfig",
    "InjectionGuard", "InjectionScore", "InjectionScorer", "InputGuard", "InputVerdict", "LengthGuard",
    "MaskStyle", "OutputGuard", "OutputVerdict", "PiiGuard", "PiiSpan", "PiiType", "UserScope",
    "apply_masks", "find_pii", "load_guardrails_config", "luhn_valid", "mask_value", "rrn_valid",
]
