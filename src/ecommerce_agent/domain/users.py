"""Shop users: customers and staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    CUSTOMER = "customer"
    AGENT = "agent"  # customer-service staff: reads every user's data, resolves tickets


@dataclass(frozen=True, slots=True)
class User:
    user_id: str
    email: str
    name: str
    role: Role
    password_hash: str | None  # None: the account cannot log in with a password
    phone: str
    address: str
    created_at: datetime

    @property
    def is_staff(self) -> bool:
        return self.role is Role.AGENT

    def can_read(self, owner_id: str) -> bool:
        """Customers see only their own data; staff see everyone's."""
        return self.is_staff or owner_id == self.user_id
