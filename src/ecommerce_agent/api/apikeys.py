"""API keys of the OpenAI-compatible layer (``openai_compat.api_keys``).

Keys are compared by their SHA-256 digest, so the configuration may hold only
digests and a lookup never compares secrets character by character.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..config import ApiKeyEntry
from ..domain.users import User
from ..storage.base import Repository


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeys:
    def __init__(self, entries: Iterable[ApiKeyEntry]) -> None:
        self._by_digest = {entry.key_sha256 or digest(entry.key or ""): entry for entry in entries}

    def __len__(self) -> int:
        return len(self._by_digest)

    def entry(self, key: str) -> ApiKeyEntry | None:
        return self._by_digest.get(digest(key)) if self._by_digest else None

    @staticmethod
    def account(entry: ApiKeyEntry, repo: Repository) -> User | None:
        """The account a key acts as: named by email or by user id."""
        return repo.get_user_by_email(entry.user) if "@" in entry.user else repo.get_user(entry.user)
