"""The dialogue state persisted with each conversation (JSON in the database).

The heart of it is a stack of task frames (``Frame``): a cancellation, a claim,
an address change, an order lookup, an offer. A frame holds its slots (order,
items, option, address, reason), the step it is at and **what it is waiting
for** (``Expecting``: a yes/no, an order among listed candidates, an item, an
option, an address). A side question does not touch the stack, so the frame
below survives it and its question is asked again; a new task replaces the top
frame; a frame is popped when it is done, declined or given up.

It survives restarts and works across workers because every turn loads it,
changes a copy and saves it with a version check (``Repository.save_turn``).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

MAX_HISTORY = 10
MAX_STACK = 4


def new_frame_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, slots=True)
class Frame:
    task: str  # "cancel" | "return" | "exchange" | "defect" | "change_address" | "lookup" | "offer" | "handoff"
    frame_id: str = field(default_factory=new_frame_id)
    order_id: str | None = None
    items: tuple[tuple[str, int], ...] = ()  # (item id, quantity); () = every open item of the order
    reason: str | None = None  # the shopper's words, PII-masked
    option: str | None = None  # exchange: the replacement option
    address: str | None = None  # change_address: the new address
    remedy: str | None = None  # defect: "refund" | "exchange" when the shopper says which
    waiting: str | None = None  # nlu.context.Expecting value: what the last reply asked for
    candidates: tuple[str, ...] = ()  # order ids (waiting order) or item ids (waiting item) offered
    expires_at: str | None = None  # waiting confirm: the yes must come before this (ISO 8601)
    queued: tuple[str, ...] = ()  # further orders named for the same task, each confirmed in turn
    summary: str = ""  # "ORD-… (무선 이어폰 외 1건, 45,000원)" of the order, once chosen
    intent: str | None = None  # lookup / offer: the intent to continue with ("order.status", "claim.refund")
    about: str | None = None  # the product word the candidates were found by ("시계"): "화이트 거요" is its option
    asked: tuple[str, ...] = ()  # lookup: what the question wants to know about the order chosen (nlu ORDER_FACTS)
    direct: bool = False  # offer: put as a yes/no question ("접수할까요?"), so "네 기다릴게요" answers yes

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= datetime.fromisoformat(self.expires_at)


@dataclass(frozen=True, slots=True)
class PendingAction:
    """The API's view of a write waiting for the shopper's explicit yes."""

    id: str
    action: str  # domain.orders.Action value
    order_id: str
    summary: str
    expires_at: str
    reason: str | None = None
    new_address: str | None = None
    issue_type: str | None = None
    items: tuple[str, ...] = ()  # item ids (empty: the whole order)
    replacement_option: str | None = None


WRITE_TASKS = ("cancel", "return", "exchange", "defect", "change_address")
ISSUE_TYPES = {"return": "refund", "exchange": "exchange", "defect": "defect"}


@dataclass(frozen=True, slots=True)
class DialogueState:
    stack: tuple[Frame, ...] = ()
    last_order_id: str | None = None
    last_ticket_id: str | None = None
    last_list: tuple[str, ...] = ()  # order ids in the order last shown ("첫 번째 주문")
    discussed: tuple[str, ...] = ()  # the orders shown one by one lately, oldest first ("둘 다 언제 와요?")
    last_asked: tuple[str, ...] = ()  # what was asked about the order last shown ("클렌징폼 주문은요?" asks it again)
    last_products: tuple[tuple[str, str, int], ...] = ()  # (product id, title, price) last shown
    last_product_query: str | None = None  # what they were found by ("고양이 간식"): "더 싼 거" refines it
    completed: tuple[str, ...] = ()  # "action:order_id[:items]" already carried out (a repeated yes does nothing)
    # What the previous turn carried out ("ORD-… (…) 주문 취소"), so that a repeated "네" is answered
    # as "already done", and what the conversation did last (its follow-ups: "이제 뭐 하면 돼요?").
    just_done: str | None = None
    topic: str | None = None  # the last completed task: cancel, return, exchange, defect, change_address, handoff
    # The order of a confirmation the previous turn set aside for another request: "그럼 반품 신청해
    # 주세요" right after means that order; cleared by any other turn.
    set_aside: str | None = None
    last_question: str | None = None  # the last policy question (masked): "교환은요?" leans on it
    # The order whose defect the shopper described ("보풀이 엄청 일어나요 불량 같은데…"): a later
    # "그럼 환불해 주세요" about it is a defect settled by a refund, not a change-of-mind return.
    defect_noted: str | None = None
    defect_reason: str | None = None  # what the shopper said was wrong with it
    # The claim last asked about with a condition ("라벨 뗐는데 환불 돼요?"): "안 뜯었으면요?" asks it again.
    asked_claim: str | None = None
    refused: str | None = None  # "task:reason" of a refusal this turn: "그럼 어떻게 해요?" asks what now
    attempted: str | None = None  # the write last asked for, done or not ("바뀐 거죠?" asks about it)
    # The items of the last order discussed that the shopper named ("레고 반품 가능해요?"): a later
    # "그럼 반품 신청해 주세요" about that order means them, not the whole order.
    last_items: tuple[tuple[str, int], ...] = ()
    apologized: bool = False  # an apology was made once in this conversation
    handed_off: bool = False
    handoff_ticket_id: str | None = None
    history: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (role, masked text)

    @property
    def top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    @property
    def expecting(self) -> str | None:
        top = self.top
        return top.waiting if top is not None else None

    @property
    def pending(self) -> PendingAction | None:
        top = self.top
        if top is None or top.waiting != "confirm" or top.task not in WRITE_TASKS or top.order_id is None:
            return None
        return PendingAction(id=top.frame_id, action=top.task, order_id=top.order_id, summary=top.summary,
                             expires_at=top.expires_at or "", reason=top.reason, new_address=top.address,
                             issue_type=ISSUE_TYPES.get(top.task), items=tuple(i for i, _ in top.items),
                             replacement_option=top.option)

    def push(self, frame: Frame) -> DialogueState:
        return replace(self, stack=(*self.stack, frame)[-MAX_STACK:])

    def pop(self) -> DialogueState:
        return replace(self, stack=self.stack[:-1])

    def replace_top(self, frame: Frame) -> DialogueState:
        return replace(self, stack=(*self.stack[:-1], frame))

    def with_history(self, role: str, text: str) -> DialogueState:
        return replace(self, history=(*self.history, (role, text[:500]))[-MAX_HISTORY:])

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["completed"] = list(self.completed)[-20:]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DialogueState:
        if not data:
            return cls()
        stack = tuple(_frame(f) for f in data.get("stack") or ())
        if not stack and data.get("pending"):  # a conversation saved before frames existed
            old = data["pending"]
            stack = (Frame(task=old["action"], order_id=old["order_id"], summary=old.get("summary", ""),
                           reason=old.get("reason"), address=old.get("new_address"), waiting="confirm",
                           expires_at=old.get("expires_at")),)
        return cls(stack=stack, last_order_id=data.get("last_order_id"), last_ticket_id=data.get("last_ticket_id"),
                   last_list=tuple(data.get("last_list") or ()), last_asked=tuple(data.get("last_asked") or ()),
                   discussed=tuple(data.get("discussed") or ()),
                   last_products=tuple(tuple(p) for p in data.get("last_products") or ()),  # type: ignore[misc]
                   last_product_query=data.get("last_product_query"),
                   completed=tuple(data.get("completed") or ()), just_done=data.get("just_done"),
                   topic=data.get("topic"), set_aside=data.get("set_aside"),
                   last_question=data.get("last_question"), defect_noted=data.get("defect_noted"),
                   defect_reason=data.get("defect_reason"), attempted=data.get("attempted"),
                   asked_claim=data.get("asked_claim"), refused=data.get("refused"),
                   last_items=tuple((str(i), int(q)) for i, q in data.get("last_items") or ()),
                   apologized=bool(data.get("apologized")), handed_off=bool(data.get("handed_off")),
                   handoff_ticket_id=data.get("handoff_ticket_id"),
                   history=tuple(tuple(h) for h in data.get("history") or ()))  # type: ignore[misc]


def _frame(data: dict[str, Any]) -> Frame:
    known = {k: v for k, v in data.items() if k in Frame.__dataclass_fields__}
    for key in ("candidates", "queued", "asked"):
        known[key] = tuple(known.get(key) or ())
    known["items"] = tuple((str(i), int(q)) for i, q in known.get("items") or ())
    return Frame(**known)
