"""References the dialogue layer resolves: ordinals and anaphora.

"두 번째 주문" and "그거" point into what the agent showed earlier (a list of
orders, the order just discussed). The NLU only marks them; resolving needs the
conversation, which the NLU does not have.

* ``ordinal``: 첫 번째 → 1, 두번째 → 2, … 열 번째 → 10, 1번째 → 1; 맨 위 / 제일 처음 → 1;
  마지막 / 맨 마지막 / 맨 아래 → −1. Not ordinals: "첫 구매", "몇 번째", "두 번이나".
* ``anaphora``: a demonstrative that refers back — 그거/그걸/그건/그게, 이거/이걸/
  이건/이게, 저거, 그·이·저·해당 + 주문/상품/건/티켓/문의 …, 아까 거, 아까 그…,
  아까 말한…, 방금 그…, 그걸로. Not: "방금 주문한 거", "아까 산 거" (a
  description the dialogue layer can search by), 그렇게, 그럼, 그래.
"""

from __future__ import annotations

import re

_ORDINALS = {"첫": 1, "한": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5,
             "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10}
_ORDINAL_RE = re.compile(r"(?<![가-힣])(첫|두|세|네|다섯|여섯|일곱|여덟|아홉|열|\d{1,2})\s?번\s?째")
_LAST_RE = re.compile(r"(?:맨\s?)?마지막|(?:맨|제일|젤|가장)\s?(?:아래|밑|끝)")
# "맨 위에 거", "제일 처음 거": the first of the list shown.
_FIRST_RE = re.compile(r"(?:맨|제일|젤|가장)\s?(?:위|처음|앞|첫)|첫\s?(?:줄|번)(?!\s?째)")

_NOUNS = r"주문|주믄|상품|물건|건|티켓|문의|번호|제품|옷|신발|거|꺼|택배|접수|결제|배송"
# Fused pronouns and 그 + noun are unambiguous even glued inside unspaced text
# ("안녕하세요이거얼마였지"); 이 + noun needs a word boundary ("아이 옷" is not
# anaphora), and 저 + noun is usually the humble "I" ("저 주문 목록").
_ANAPHORA_RE = re.compile(
    r"그거|그걸|그것|그건|그게|그꺼|이거(?!든)|이걸|이것(?!저것)|이건|이게|이꺼"
    r"|(?<!이것)저거|(?<!이것)저걸|(?<!이것)저것|저건|저게"
    rf"|그\s?(?:{_NOUNS})"
    rf"|(?<![가-힣])이\s?(?:{_NOUNS})"
    r"|해당\s?(?:주문|상품|건|제품|티켓|문의)"
    r"|아까\s?(?:거|꺼|것|그|말한|말씀드린|말씀하신|본|보여준|얘기한)"
    r"|방금\s?(?:그|거|꺼|말한|말씀드린|말씀하신|보여준|얘기한)"
    r"|위에\s?(?:거|꺼|것|주문)"
)


def find_ordinal(text: str) -> int | None:
    """1-based position, −1 for "마지막", or ``None``."""
    if m := _ORDINAL_RE.search(text):
        word = m.group(1)
        return int(word) if word.isdigit() else _ORDINALS[word]
    if _LAST_RE.search(text):
        return -1
    if _FIRST_RE.search(text):
        return 1
    return None


def has_anaphora(text: str) -> bool:
    return _ANAPHORA_RE.search(text) is not None
