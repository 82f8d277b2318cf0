from __future__ import annotations

from datetime import date

import pytest

from ecommerce_agent.domain.ids import is_order_id, is_ticket_id, new_ticket_id, order_id


def test_order_id_format() -> None:
    assert order_id(date(2026, 11, 26), 1) == "ORD-20261126-0001"
    assert is_order_id("ORD-20261126-0001")
    assert not is_order_id("ORD-20261126-1")
    with pytest.raises(ValueError):
        order_id(date(2026, 11, 26), 10_000)


def test_ticket_ids_created_together_are_unique_and_well_formed() -> None:
    ids = [new_ticket_id(date(2026, 11, 26)) for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert all(is_ticket_id(t) and t.startswith("TKT-20261126-") for t in ids)
    # no look-alike characters that a shopper could misread over the phone
    assert not set("".join(t[-6:] for t in ids)) & set("01OIL")


def test_a_forked_process_draws_other_ticket_ids() -> None:
    import os

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report its next ids and leave at once
        os.write(write, " ".join(new_ticket_id(date(2026, 11, 26)) for _ in range(50)).encode())
        os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    child = set(os.read(read, 1 << 16).decode().split())
    os.close(read)
    mine = {new_ticket_id(date(2026, 11, 26)) for _ in range(50)}
    assert len(child) == 50 and not child & mine
