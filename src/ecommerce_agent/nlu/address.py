"""A Korean delivery address inside a message: "배송지를 부산광역시 중구 중앙대로 1로
바꿔줘" → "부산광역시 중구 중앙대로 1", or a bare answer "부산 해운대구 센텀로 12
101동 1203호".

An address starts at a region (a province or city name, or a word ending in
시/도/군/구) and must hold a road or lot number ("…로 12", "…길 3-1", "…동 45")
or a building unit ("101동 1203호"); the trailing request ("으로 바꿔 주세요")
and a particle glued to the last number ("1로", "202호로") are not part of it.
"""

from __future__ import annotations

import re

PROVINCES = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충청", "충북", "충남",
             "전라", "전북", "전남", "경상", "경북", "경남", "제주")
_PROVINCE = rf"(?:{'|'.join(PROVINCES)})\S*"
_REGION = rf"{_PROVINCE}|[가-힣]{{1,6}}(?:시|도|군|구)(?=\s)"
_NUMBERED = re.compile(r"[가-힣0-9]+(?:로|길|대로)\s?\d+(?:-\d+)?|[가-힣]+동\s?\d+(?:-\d+)?|\d+\s?동\s?\d+\s?호|\d+\s?호"
                       r"|\d+\s?층")
_START = re.compile(_REGION)
_START_PROVINCE = re.compile(_PROVINCE)
_TAIL = re.compile(r"\s*(?:(?:으로|로)\s*)?(?:변경|바꿔|바꾸|바꿀|수정|고쳐|해\s?주|부탁|요\b|이요|입니다|이에요|예요"
                   r"|로\s?(?:보내|배송)|으로\s?(?:보내|배송)|[.?!]|$)")


# Where the address ends: the request or remark after it ("…으로 바꿔 주세요", "…이요", "…입니다").
_REQUEST = re.compile(r"\s*(?:(?:으로|로)\s*(?:변경|바꿔|바꾸|바꿀|수정|고쳐|보내|배송|해\s?주|부탁|요\b)"
                      r"|(?:으로|로)?\s*(?:변경|바꿔|바꾸|수정|고쳐)\S*|\s(?:해\s?주|부탁)|(?:이요|이에요|예요|입니다)(?=\s|$|[.?!])"
                      r"|(?<=[호층동\d])요(?=\s|$|[.?!])"
                      r"|[.?!]|$)")
_UNITS = re.compile(r"(?:,?\s*[가-힣A-Za-z0-9\-]+(?:동|호|층|아파트|빌라|오피스텔|타워|빌딩))*")
_DETAIL_MAX = 30  # a building name and unit; anything longer is a sentence, not an address
_NOT_DETAIL = re.compile(r"(?:는데|니까|해서|어요|아요|습니다|세요|고요|구요)(?:\s|$)|\s(?:근데|그리고|아|혹시)\s")
_GLUED = re.compile(r"(?<=[\d호동층A-Za-z가-힣])(?:으로|로)$")


def find_address(text: str) -> str | None:
    # a province or big city first: "동호수도 넣어야 돼요. 대구 수성구 …" starts at 대구, not
    # at "동호수도" (a word ending in 도 is a province only when nothing better is there)
    starts = [*_START_PROVINCE.finditer(text), *_START.finditer(text)]
    for start in starts:
        rest = text[start.start():]
        numbered = list(_NUMBERED.finditer(rest))
        if not numbered:
            continue
        # the address runs past its last numbered part through the building and unit
        # ("… 235 에이치스퀘어 N동 7층", "… 12 101동 1203호") up to the request around it
        end = numbered[-1].end()
        request = _REQUEST.search(rest, end)
        detail = rest[end:request.start() if request else len(rest)]
        if len(detail) <= _DETAIL_MAX and not _NOT_DETAIL.search(detail):
            end += len(detail)
        else:  # a long or chatty remainder: only unit words ("…아파트 101동 202호")
            tail = _UNITS.match(rest[end:])
            end += tail.end() if tail else 0
        address = rest[:end].strip()
        address = _GLUED.sub("", address)
        if len(address) >= 6:
            return address
    return None
