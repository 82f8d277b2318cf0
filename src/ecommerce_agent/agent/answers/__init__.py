"""Policy answers a shopper can use: the direct answer first, computed with their
numbers, every part of a two-part question, tables as structured cards, and the
source. ``PolicyAnswerer.answer`` returns ``None`` only when no section answers."""

from .answerer import AnswerContext, PolicyAnswer, PolicyAnswerer

__all__ = ["AnswerContext", "PolicyAnswer", "PolicyAnswerer"]
