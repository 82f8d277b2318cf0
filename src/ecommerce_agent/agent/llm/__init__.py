"""The optional LLM layer (``configs/llm.yaml``): off unless an API key or an
OpenAI-compatible ``base_url`` is configured, and never in charge of actions.

With it the agent may (a) ask the LLM for the intent when the local NLU is
unsure and (b) have the template reply rephrased from the same facts, sent
only if it passes the grounding check. Every failure falls back to what the
agent does without an LLM.

    config.py     LlmConfig, load_llm_config: the file, env overrides, validation
    client.py     LlmClient: one chat completion with timeout, retries, breaker, metrics
    breaker.py    CircuitBreaker (closed → open → half-open), injectable clock
    classify.py   intent fallback: prompt, tool schema, parsing, applying the choice
    grounding.py  the grounding check of a phrased reply
    phrasing.py   phrasing prompt and its check
    layer.py      LlmLayer: when to ask and what to use, trace entries, health
"""

from __future__ import annotations

# Only the settings here: the client imports the ``openai`` SDK (about a second),
# which a process without an LLM never pays for. Import ``.layer`` when active.
from .config import LlmConfig, load_llm_config

__all__ = ["LlmConfig", "load_llm_config"]
