"""Small builders for entities and settings used across tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ecommerce_agent.config import Settings, load_settings
from ecommerce_agent.domain.orders import Order, OrderItem, OrderStatus, PaymentMethod
from ecommerce_agent.domain.users import Role, User

NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 12:00 KST


def settings_for(tmp_path: Path, backend: str = "sqlite", **env: str) -> Settings:
    base = {"STORAGE_BACKEND": backend, "SQLITE_DATABASE": str(tmp_path / "shop.db"),
            "CSV_DIRECTORY": str(tmp_path)}
    base.update(env)
    return load_settings(None, env=base)


def user(user_id: str = "U1", email: str | None = None, role: Role = Role.CUSTOMER) -> User:
    return User(user_id=user_id, email=email or f"{user_id.lower()}@example.com", name="홍길동",
                role=role, password_hash=None, phone="010-1234-5678",
                address="서울특별시 강남구 테헤란로 1", created_at=NOW - timedelta(days=400))


def product_row(product_id: str = "P1", price: int = 45_000, stock: int = 10) -> dict[str, Any]:
    return {"product_id": product_id, "title": "무선 이어폰", "category": "전자기기", "price": price,
            "stock": stock, "options": {"색상": ["블랙", "화이트"]}, "description": "테스트 상품",
            "created_at": NOW - timedelta(days=500)}


def item(price: int = 45_000, quantity: int = 1, product_id: str = "P1") -> OrderItem:
    return OrderItem(product_id=product_id, title="무선 이어폰", option="색상: 블랙",
                     quantity=quantity, unit_price=price)


def order(status: OrderStatus, *, delivered_days_ago: float | None = None,
          now: datetime = NOW) -> Order:
    delivered = now - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
    return Order(order_id="ORD-20261120-0001", user_id="U1", status=status,
                 order_date=now - timedelta(days=30), total_amount=45_000, shipping_fee=0,
                 payment_method=PaymentMethod.CARD, shipping_address="서울",
                 items=(item(),), delivered_at=delivered)
