"""The API's documentation as operators and front-end developers read it: Korean
summaries, descriptions, examples and the error responses of every operation.

Routes keep English docstrings for developers; what `/docs`, `/redoc` and
`/openapi.json` show comes from ``OPERATIONS`` (or from a route's own
``summary=``/``description=``/``responses=`` in Korean, which win). A new route
needs one or the other: tests/api/test_openapi_docs.py fails otherwise.
"""

from __future__ import annotations

from typing import Any

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}

# What each status means across this API (an operation may say more).
STATUS_TEXT = {
    400: "잘못된 요청입니다 (형식이 맞지 않는 본문 등).",
    401: "로그인이 필요합니다: 토큰이 없거나 만료·폐기되었습니다 (`code`: token_expired, token_revoked 등).",
    403: "권한이 없습니다 (예: 상담원 전용 기능, 토큰과 다른 user_id).",
    404: "찾을 수 없습니다. 다른 고객의 주문·문의·대화도 존재를 드러내지 않도록 404입니다.",
    409: "지금 상태에서는 할 수 없습니다 (예: 이미 출고된 주문, 같은 Idempotency-Key의 요청이 처리 중).",
    413: "요청 본문이 `api.max_body_bytes`(기본 64 KiB)보다 큽니다.",
    422: "입력값이 올바르지 않습니다. `errors`에 필드별 사유가 있습니다.",
    429: "요청이 너무 많습니다. `Retry-After` 헤더의 초만큼 기다린 뒤 다시 시도하세요.",
    500: "서버 내부 오류입니다. 응답의 `X-Request-ID`로 로그(`log/app.log`)를 찾으세요.",
    503: "필요한 구성 요소(데이터베이스, 검색 색인, 상담 에이전트)를 지금 쓸 수 없습니다.",
    504: "요청이 `api.request_timeout_seconds`(기본 30초) 안에 끝나지 않았습니다.",
}
# Any operation can end this way (400: a malformed request, 503: e.g. the database is locked).
GLOBAL_ERRORS = (400, 500, 503, 504)


def problem(status: int, text: str | None = None) -> dict[str, Any]:
    """One documented error response (problem+json)."""
    return {"description": text or STATUS_TEXT[status],
            "content": {"application/problem+json": {"schema": PROBLEM_REF}}}


def _op(summary: str, description: str, errors: dict[int, str | None], *,
        request: Any = None, response: Any = None, params: dict[str, Any] | None = None,
        ok: str = "성공") -> dict[str, Any]:
    return {"summary": summary, "description": description, "errors": errors, "request": request,
            "response": response, "params": params or {}, "ok": ok}


ORDER_ID = {"order_id": "ORD-20261126-0001"}
AUTH = {401: None}
TOKEN = {"access_token": "eyJhbGciOi...", "refresh_token": "eyJhbGciOi...", "token_type": "bearer",
         "expires_in": 900}
CHAT_REQUEST = {"message": "ORD-20261126-0001 주문 취소하고 싶어요"}

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/healthz"): _op(
        "생존 확인(liveness)", "프로세스가 응답하는지만 봅니다. 데이터베이스 등 의존성은 확인하지 않습니다.",
        {}, response={"status": "ok"}),
    ("get", "/health"): _op(
        "구성 요소 상태",
        "데이터베이스, 데이터 유무, 검색 색인(재적재 세대 `generation` 포함), 상담 에이전트, LLM의 상태를 "
        "보여 줍니다. `healthy`는 모두 정상, `degraded`는 선택 구성 요소 이상이거나 저장소가 비어 있음"
        "(`components.data.status: empty`와 다음 할 일), `unhealthy`는 데이터베이스(또는 설정된 Redis) "
        "이상이며 이때만 503입니다.",
        {503: "데이터베이스 또는 설정된 Redis에 연결할 수 없습니다 (`status: unhealthy`)."},
        response={"status": "healthy", "version": "0.1.0", "components": {
            "database": {"backend": "sqlite", "status": "ok", "latency_ms": 0.4},
            "data": {"status": "ok", "users": 203, "products": 300},
            "index": {"status": "ok", "documents": 33, "chunks": 412, "products": 300,
                      "built_at": "2026-11-26T03:00:00Z", "mode": "hybrid", "encoder": "e5-small",
                      "generation": 0}}}),
    ("get", "/ready"): _op(
        "준비 확인(readiness)",
        "데이터베이스가 응답하고 데이터가 있으며 검색 색인과 상담 에이전트가 적재되었을 때만 200입니다. "
        "아니면 503과 `reason`(무엇이 왜 준비되지 않았는지)을 돌려줍니다.",
        {503: "준비되지 않았습니다 (`code: not_ready`, `reason`에 구성 요소별 사유)."},
        response={"status": "ready"}),
    ("post", "/auth/register"): _op(
        "회원 가입", "고객 계정을 만듭니다. 비밀번호는 해시로만 저장됩니다.",
        {409: "이미 가입된 이메일입니다 (`code: email_taken`).", 422: None},
        request={"email": "new@example.com", "password": "new-pass-1234", "name": "홍길동"},
        ok="가입한 계정"),
    ("post", "/auth/login"): _op(
        "로그인",
        "이메일과 비밀번호로 access_token(15분)과 refresh_token(7일)을 받습니다. 실패는 계정별·IP별로 "
        "15분에 5회까지이며 넘으면 429입니다. 개발 환경에서 저장소가 비어 있으면 실패 메시지가 "
        "데이터 적재 방법을 알려 줍니다.",
        {401: "이메일 또는 비밀번호가 올바르지 않습니다 (`code: invalid_credentials`).", 422: None,
         429: None},
        request={"email": "demo@example.com", "password": "demo1234!"}, response=TOKEN, ok="발급된 토큰"),
    ("post", "/auth/refresh"): _op(
        "토큰 갱신", "refresh_token으로 새 토큰 쌍을 받습니다. refresh_token은 한 번만 쓸 수 있습니다(교체).",
        {401: "refresh_token이 만료·폐기되었거나 이미 사용되었습니다.", 422: None},
        request={"refresh_token": "eyJhbGciOi..."}, response=TOKEN, ok="새 토큰"),
    ("get", "/auth/me"): _op(
        "내 계정", "토큰 주인의 계정 정보를 돌려줍니다.", AUTH,
        response={"user_id": "U000001", "email": "demo@example.com", "name": "김데모", "role": "customer"},
        ok="계정 정보"),
    ("post", "/auth/logout"): _op(
        "로그아웃", "지금 쓴 access_token을 폐기합니다. 모든 워커·호스트에서 바로 거부됩니다.", AUTH,
        params={}, response=None, ok="로그아웃됨 (본문 없음)"),
    ("get", "/users/{user_id}/orders"): _op(
        "주문 목록", "고객의 주문을 최근 순으로 보여 줍니다. `user_id`에 `me`를 쓸 수 있고, 다른 고객의 목록은 "
        "상담원만 볼 수 있습니다(고객에게는 404). `status`로 상태를 거를 수 있습니다.",
        {**AUTH, 404: "다른 고객이거나 없는 사용자입니다 (상담원은 모든 고객의 목록을 볼 수 있음).", 422: None},
        params={"user_id": "me", "status": "paid"}, ok="주문 목록"),
    ("get", "/orders/{order_id}"): _op(
        "주문 상세", "주문 하나의 상품(`items[]`: 상품별 `item_id`, 옵션, 상태), 금액, 배송 정보를 보여 줍니다.",
        {**AUTH, 404: "없는 주문이거나 다른 고객의 주문입니다.", 422: None}, params=ORDER_ID, ok="주문"),
    ("get", "/orders/{order_id}/status"): _op(
        "주문 상태", "주문의 현재 상태와 한국어 표시, 지금 할 수 있는 조치를 보여 줍니다.",
        {**AUTH, 404: "없는 주문이거나 다른 고객의 주문입니다.", 422: None}, params=ORDER_ID, ok="주문 상태"),
    ("post", "/orders/{order_id}/cancel"): _op(
        "주문 취소(상품별 부분 취소)",
        "출고 전(결제대기·결제완료·상품준비중) 주문을 취소합니다. `items`를 주면 그 상품만 부분 취소하고, "
        "빼면 남은 상품 전체를 취소합니다. 응답의 `refund_estimate`에 환불 예상 금액이 있습니다. "
        "`Idempotency-Key` 헤더로 같은 요청을 두 번 처리하지 않습니다.",
        {**AUTH, 404: "없는 주문이거나 다른 고객의 주문입니다.",
         409: "이미 출고되었거나 취소된 주문 등 지금 상태에서는 취소할 수 없습니다.",
         422: "없는 상품, 잘못된 수량 등 요청이 잘못되었습니다 (`code`: unknown_item, invalid_quantity)."},
        request={"reason": "단순 변심", "items": [{"item_id": "ORD-20261126-0001-2", "quantity": 1}]},
        params=ORDER_ID, ok="취소 후 주문"),
    ("post", "/orders/{order_id}/refund-estimate"): _op(
        "환불 예상 금액",
        "취소·반품·교환·불량 신청 전에 환불 예상만 계산합니다. 아무것도 바꾸지 않습니다.",
        {**AUTH, 404: "없는 주문이거나 다른 고객의 주문입니다.",
         409: "주문 상태나 신청 기간 때문에 그 조치를 할 수 없습니다.",
         422: "없는 상품·수량·옵션 등 요청이 잘못되었습니다."},
        request={"action": "return", "items": [{"item_id": "ORD-20261126-0001-1"}]}, params=ORDER_ID,
        ok="환불 예상"),
    ("get", "/orders/{order_id}/items/{item_id}/options"): _op(
        "교환 가능한 옵션", "주문 상품을 교환할 수 있는 같은 상품의 옵션과 재고를 보여 줍니다.",
        {**AUTH, 404: "없는 주문·상품이거나 다른 고객의 주문입니다.", 422: None},
        params={**ORDER_ID, "item_id": "ORD-20261126-0001-1"}, ok="옵션 목록"),
    ("post", "/tickets"): _op(
        "문의 접수(상품별 반품·교환·불량)",
        "문의를 접수합니다. `issue_type`이 refund·exchange·defect이고 `items`가 있으면 상품별 신청으로 "
        "주문 상태와 신청 기간을 확인하고 상품 상태를 바꿉니다. 내용의 개인정보는 마스킹되어 저장됩니다. "
        "`Idempotency-Key` 헤더를 지원합니다.",
        {**AUTH, 404: "없는 주문이거나 다른 고객의 주문입니다.",
         409: "주문 상태나 신청 기간 때문에 신청할 수 없습니다.",
         422: "요청이 잘못되었습니다 (예: `code: invalid_claim` — 교환인데 replacement_option이 없음)."},
        request={"issue_type": "exchange", "order_id": "ORD-20261126-0001",
                 "description": "사이즈가 작아요", "items": [{"item_id": "ORD-20261126-0001-1"}],
                 "replacement_option": "사이즈: L"}, ok="접수된 문의"),
    ("get", "/tickets/{ticket_id}"): _op(
        "문의 상세", "문의 하나와 처리 상태를 보여 줍니다.",
        {**AUTH, 404: "없는 문의이거나 다른 고객의 문의입니다.", 422: None},
        params={"ticket_id": "TKT-20261126-0001"}, ok="문의"),
    ("get", "/users/{user_id}/tickets"): _op(
        "문의 목록", "고객의 문의를 최근 순으로 보여 줍니다. `user_id`에 `me`를 쓸 수 있습니다.",
        {**AUTH, 404: "다른 고객이거나 없는 사용자입니다 (상담원은 모든 고객의 목록을 볼 수 있음).", 422: None},
        params={"user_id": "me"}, ok="문의 목록"),
    ("post", "/tickets/{ticket_id}/resolve"): _op(
        "문의 처리 완료(상담원)", "상담원이 문의를 처리 완료로 바꾸고 메모를 남깁니다.",
        {**AUTH, 403: "상담원 전용입니다.", 404: "없는 문의입니다.", 409: "이미 처리된 문의입니다.",
         422: None},
        request={"note": "교환 상품 발송 완료"}, params={"ticket_id": "TKT-20261126-0001"}, ok="처리된 문의"),
    ("get", "/policies/search"): _op(
        "정책 검색", "쇼핑몰 정책 문서에서 질문에 맞는 구절을 순위대로 돌려줍니다(로그인 불필요).",
        {422: None, 503: "검색 색인이 없습니다 (`ecommerce-agent build-index` 후 다시 시도)."},
        params={"q": "반품 배송비", "top_k": 3}, ok="검색 결과"),
    ("get", "/products/search"): _op(
        "상품 검색", "재고가 있는 상품을 찾습니다. 질문의 가격 표현(\"3만원 이하\")도 이해합니다.",
        {422: None, 503: "상품 검색 색인이 없습니다 (데이터 적재 후 `ecommerce-agent build-index`)."},
        params={"q": "3만원 이하 무선 이어폰", "top_k": 5}, ok="검색 결과"),
    ("post", "/admin/reload-index"): _op(
        "검색 색인 다시 읽기(상담원)",
        "`ecommerce-agent build-index`로 새로 만든 색인을 재시작 없이 읽습니다. 요청을 받은 워커가 "
        "읽은 뒤 재적재 세대(`index.generation`)를 올리면, 같은 호스트의 다른 워커도 다음 요청 때(0.25초 "
        "이내) 따라 읽습니다. `kill -HUP`과 같습니다.",
        {**AUTH, 403: "상담원 전용입니다.", 503: "색인이 없거나 손상되어 읽지 못했습니다 (기존 색인 유지)."},
        response={"reloaded": True, "index": {"status": "ok", "documents": 33, "chunks": 412,
                                              "products": 301, "generation": 1}}, ok="다시 읽은 결과"),
    ("post", "/chat"): _op(
        "상담하기",
        "고객 메시지 하나에 에이전트가 답합니다. `session_id`로 대화를 이어 가고, 취소·반품 같은 조치는 "
        "에이전트가 내용을 밝히고 고객이 '네'라고 답해야만 실행됩니다.",
        {**AUTH, 403: "본문의 user_id가 토큰의 사용자와 다릅니다.", 404: "없는 대화이거나 다른 고객의 대화입니다.",
         409: "같은 대화의 다른 요청이 먼저 처리되었습니다. 다시 보내세요.", 422: None,
         503: "상담 에이전트를 지금 쓸 수 없습니다."},
        request=CHAT_REQUEST, ok="에이전트의 답"),
    ("post", "/conversations"): _op(
        "대화 시작", "새 대화를 만듭니다. 제목은 선택입니다.",
        {**AUTH, 422: None, 503: "상담 에이전트를 지금 쓸 수 없습니다."},
        request={"title": "주문 취소 문의"}, ok="만든 대화"),
    ("get", "/conversations"): _op(
        "내 대화 목록", "토큰 주인의 대화를 최근 순으로 보여 줍니다.", {**AUTH, 422: None},
        params={"limit": 20}, ok="대화 목록"),
    ("get", "/conversations/{conversation_id}"): _op(
        "대화 보기", "대화와 최근 메시지(개인정보 마스킹)를 보여 줍니다. 상담원은 모든 대화를 읽을 수 있습니다.",
        {**AUTH, 404: "없는 대화이거나 다른 고객의 대화입니다.", 422: None},
        params={"conversation_id": "C7F3A9B2", "limit": 50}, ok="대화와 메시지"),
    ("delete", "/conversations/{conversation_id}"): _op(
        "대화 삭제", "자기 대화를 지웁니다.",
        {**AUTH, 404: "없는 대화이거나 다른 고객의 대화입니다.", 422: None},
        params={"conversation_id": "C7F3A9B2"}, ok="삭제됨 (본문 없음)"),
    ("post", "/conversations/{conversation_id}/messages"): _op(
        "대화에 메시지 보내기", "`/chat`과 같은 답을 돌려줍니다. 대화의 주인만 보낼 수 있습니다.",
        {**AUTH, 404: "없는 대화이거나 다른 고객의 대화입니다.",
         409: "같은 대화의 다른 요청이 먼저 처리되었습니다. 다시 보내세요.", 422: None,
         503: "상담 에이전트를 지금 쓸 수 없습니다."},
        request={"message": "네 취소해 주세요"}, params={"conversation_id": "C7F3A9B2"}, ok="에이전트의 답"),
    ("get", "/v1/models"): _op(
        "모델 목록(OpenAI 호환)", "OpenAI 호환 클라이언트(Open WebUI, 공식 `openai` 클라이언트)가 고를 모델을 "
        "알려 줍니다. 인증은 API 키 또는 로그인 access_token입니다.",
        {401: "API 키 또는 토큰이 올바르지 않습니다 (`code: invalid_api_key`)."},
        response={"object": "list", "data": [{"id": "ecommerce-agent", "object": "model", "created": 0,
                                               "owned_by": "ecommerce-agent"}]}, ok="모델 목록"),
    ("post", "/v1/chat/completions"): _op(
        "채팅 완성(OpenAI 호환)",
        "마지막 사용자 메시지를 에이전트가 처리합니다(대화 상태는 서버가 보관, system 프롬프트는 무시). "
        "`stream: true`이면 SSE 청크로 보냅니다. 오류는 problem+json에 OpenAI 형식 `error`도 담습니다.",
        {401: "API 키 또는 토큰이 올바르지 않습니다.", 404: "없는 모델입니다 (`code: model_not_found`).",
         422: None, 503: "상담 에이전트를 지금 쓸 수 없습니다."},
        request={"model": "ecommerce-agent", "messages": [{"role": "user", "content": "교환은 며칠 안에 해야 하나요?"}]},
        ok="완성 결과 (`stream: true`이면 SSE)"),
}


CONV = {"conversation_id": "C7F3A9B2"}
STAFF = {**AUTH, 403: "상담원 전용입니다."}
# Routes whose own Korean summary and description stay: only errors and examples are added here.
OPERATIONS.update({
    ("post", "/chat/stream"): _op("", "", {**AUTH, 422: None}, request=CHAT_REQUEST,
                                  ok="답변 스트림 (text/event-stream)"),
    ("post", "/conversations/{conversation_id}/actions/{action_id}/{answer_kind}"): _op(
        "", "", {**AUTH, 404: "없는 대화·조치이거나 다른 고객의 대화입니다.", 409: "이미 처리된 조치입니다.", 422: None},
        params={**CONV, "action_id": "A1", "answer_kind": "confirm"}),
    ("get", "/conversations/{conversation_id}/events"): _op(
        "", "", {**AUTH, 404: "없는 대화이거나 다른 고객의 대화입니다.", 422: None}, params=CONV,
        ok="대화 이벤트 스트림 (text/event-stream)"),
    ("get", "/console/queue"): _op("", "", STAFF, response={"items": [], "count": 0}),
    ("get", "/console/conversations/{conversation_id}"): _op(
        "", "", {**STAFF, 404: "없는 대화입니다.", 422: None}, params=CONV),
    ("post", "/console/conversations/{conversation_id}/claim"): _op(
        "", "", {**STAFF, 404: "없는 대화입니다.", 409: "다른 상담원이 맡은 대화입니다.", 422: None}, params=CONV),
    ("post", "/console/conversations/{conversation_id}/messages"): _op(
        "", "", {**STAFF, 404: "없는 대화입니다.", 409: "이 대화를 맡지 않았습니다.", 422: None},
        params=CONV, request={"message": "확인해 보니 내일 출고 예정입니다."}),
    ("post", "/console/conversations/{conversation_id}/release"): _op(
        "", "", {**STAFF, 404: "없는 대화입니다.", 409: "이 대화를 맡지 않았습니다.", 422: None}, params=CONV),
    ("get", "/console/audit"): _op("", "", STAFF, params={"limit": 50}),
    ("get", "/ui/config"): _op("", "", {}, response={"title": "Ecommerce Agent"}),
    ("get", "/policies/sections/{chunk_id}"): _op(
        "", "", {404: "없는 정책 구절입니다.", 422: None}, params={"chunk_id": "refund-policy#3"}),
})


def apply(spec: dict[str, Any]) -> dict[str, Any]:
    """Fill ``spec`` (FastAPI's OpenAPI) with the Korean documentation."""
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            doc = OPERATIONS.get((method, path))
            if doc is not None:
                _document(operation, doc)
            _korean_defaults(operation)
    return spec


def _document(operation: dict[str, Any], doc: dict[str, Any]) -> None:
    if doc["summary"]:
        operation["summary"] = doc["summary"]
    if doc["description"]:
        operation["description"] = doc["description"]
    responses = operation.setdefault("responses", {})
    for status, text in doc["errors"].items():
        responses[str(status)] = problem(status, text)
    for parameter in operation.get("parameters", []):
        if parameter["name"] in doc["params"]:
            parameter["example"] = doc["params"][parameter["name"]]
    if doc["request"] is not None:
        for media in operation.get("requestBody", {}).get("content", {}).values():
            media["example"] = doc["request"]
    for status, response in responses.items():
        if status.startswith("2"):
            if doc["ok"] != "성공" or not _has_hangul(response.get("description", "")):
                response["description"] = doc["ok"]
            if doc["response"] is not None and "application/json" in response.get("content", {}):
                response["content"]["application/json"]["example"] = doc["response"]


def _has_hangul(text: str) -> bool:
    return any("가" <= ch <= "힣" for ch in text)


def _korean_defaults(operation: dict[str, Any]) -> None:
    """FastAPI's English boilerplate (any route): validation errors are problem+json here."""
    responses = operation.setdefault("responses", {})
    for status in GLOBAL_ERRORS + ((413,) if "requestBody" in operation else ()):
        responses.setdefault(str(status), problem(status))
    validation = responses.get("422")
    if validation is not None and validation.get("description") == "Validation Error":
        responses["422"] = problem(422)
    for response in responses.values():
        if response.get("description") == "Successful Response":
            response["description"] = "성공"
