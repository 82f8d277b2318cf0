"""The product catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Product:
    product_id: str
    title: str
    category: str
    price: int  # 원
    stock: int
    description: str
    created_at: datetime
    # option name -> choices, e.g. {"색상": ["블랙", "화이트"], "사이즈": ["250", "260"]}
    options: dict[str, list[str]] = field(default_factory=dict)

    @property
    def in_stock(self) -> bool:
        return self.stock > 0
