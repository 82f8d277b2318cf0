"""Which items (and how many) of a multi-item order a claim message names: "머그컵만",
"프라이팬 1개만", "팬 세 개 전부" (every unit of that item, not the order), "둘 다"."""

from __future__ import annotations

from dataclasses import replace

from ...nlu.types import Understanding
from ..env import Env
from ..state import Frame


def with_items(env: Env, frame: Frame, open_items: list, u: Understanding) -> Frame:
    """The items (and quantity) the message names: "머그컵만", "프라이팬 1개만"."""
    quantity = u.acts.quantity
    words = u.acts.removal if frame.task == "cancel" and u.acts.removal else u.acts.meant
    named = env.finder.items_named(words, open_items) if words else []
    named = [i for i in named if i in open_items]
    if u.acts.all and len(named) == 1 and len(open_items) > 1:
        # "팬 세 개 전부", "프라이팬 3개 다": every unit of the item named, not the whole order
        return replace(frame, items=((named[0].item_id, named[0].quantity),))
    if u.acts.all and not named and frame.items and len(frame.items) < len(open_items):
        # "두 장 다" about the item just discussed: all of its units, not the whole order
        return replace(frame, items=tuple((i.item_id, i.quantity) for i in open_items
                                          if i.item_id in {x for x, _ in frame.items}))
    if u.acts.all and len(named) < 2:  # "전부" — but "포트랑 수납박스 둘 다" is those two
        return replace(frame, items=())
    # "하나는 그냥 쓸게요 나머지 반품": the units bought less those kept (a count said wins)
    kept = u.acts.kept_count if not quantity else None
    if kept and len(named) == 1 and kept < named[0].quantity:
        return replace(frame, items=((named[0].item_id, named[0].quantity - kept),))
    if kept and not named and len(open_items) == 1 and kept < open_items[0].quantity:
        return replace(frame, items=((open_items[0].item_id, open_items[0].quantity - kept),))
    if kept and not named and len(frame.items) == 1:
        item = next((i for i in open_items if i.item_id == frame.items[0][0]), None)
        if item is not None and kept < item.quantity:
            return replace(frame, items=((item.item_id, item.quantity - kept),))
    if named and (len(named) < len(open_items) or quantity):
        return replace(frame, items=tuple((i.item_id, min(quantity, i.quantity) if quantity else i.quantity)
                                          for i in named))
    if quantity and len(open_items) == 1 and quantity < open_items[0].quantity:
        return replace(frame, items=((open_items[0].item_id, quantity),))
    if quantity and len(frame.items) == 1:  # "1개만요" narrows the item already chosen
        item_id, had = frame.items[0]
        return replace(frame, items=((item_id, min(quantity, had)),))
    return frame
