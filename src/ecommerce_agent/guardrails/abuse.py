"""Profanity, insults and threats: answered calmly, never a reason to stop helping.

Angry shoppers usually still have a real request ("ㅅㅂ 환불 언제 해줘"), so
abuse does not block: the guard reports it and the agent puts a calm line
before its answer. What counts is *directed* or strong language; frustration
("짜증나요", "답답하네요", "어이없네") and slang intensifiers ("개이득",
"존맛", "미쳤다 이 가격") are ordinary speech and not flagged.

Evasions handled by the view (``abuse_view``): digits and symbols inside a word
("시1발", "병1신", "시.발"), letter-spacing ("씨 발", "개 같 은"), jamo typed one
by one, and Hangul typed with the keyboard left in English ("tlqkf" = 시발).
Look-alike words are excluded in the patterns themselves: 시발점 (starting
point), 수박씨 발라 (peeling seeds), 시바견, 새끼손가락, 18K gold.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .text import compose_jamo, hangul_keystrokes, join_singles

AbuseKind = Literal["profanity", "insult", "threat"]

_H = "가-힣"
# Letters typed between the syllables of a swear word to dodge filters.
_INFIX = re.compile(rf"(?<=[{_H}ㄱ-ㅎ])[0-9*._\-~!@#$%^&+=/\\|'\"`]+(?=[{_H}ㄱ-ㅎ])")

_PATTERNS: tuple[tuple[AbuseKind, str], ...] = (
    ("profanity",
     r"(?:시|씨|씌|쓰|쒸|쉬|싀)(?:발|빨|팔|벌|뻘)(?!점|역|택시|자동차|효|령|전|명|생|표|송|급|견|라|려|랐|른)"
     r"|씨바|(?<![가-힣])시바(?!견|이누|사키|타|스|리|[ \t]?견)|씨부랄|씨부럴|씹(?:새|할|년|놈|창|싸|덕)"
     r"|(?<![ㄱ-ㅎ])(?:ㅅㅂ|ㅆㅂ|ㅅㅂㄹㅁ|ㅆㅂㄹㅁ|ㅆㅃ|ㅈㄹ|ㅁㅊ|ㄱㅅㄲ|ㅅㄲ|ㅄ|ㅂㅅ|ㄲㅈ|ㄷㅊ|ㅈ같)"
     r"|좆|좃|좇같|지랄|지럴|염병|옘병|엠병|썅|엿(?:같|먹)|개소리|개지랄"),
    ("insult",
     r"병신|븅신|빙신|병싄|등신|개새(?:끼|기|키|야|들|꺄)|개색(?:기|히|끼|꺄)|개섀끼|개세끼|개쉐(?:이|키)|개같|개갓|개놈|개년|쌍년|쌍놈|썅년|미친년|미친놈"
     r"|미친\s?(?:새끼|것들|놈들|거\s?아냐|거\s?아니야|거\s?아님|거냐|건가|거지)|미쳤냐|돌았냐"
     # 새끼 is also an animal's young: "강아지 새끼", "새끼 고양이", "새끼손가락".
     r"|(?<!강아지 )(?<!강아지)(?<!고양이 )(?<!고양이)(?<!동물 )(?<!토끼 )(?<!햄스터 )(?<!물고기 )"
     r"새끼(?!\s?(?:손|발|고양이|강아지|돼지|오리|줄|손가락|발가락|용품|때|를\s?낳|를\s?배))|또라이|돌아이|똘아이|찐따|멍청(?:한|이|아|하게|하네|하냐)"
     r"|바보\s?(?:같|야|냐|들|새끼)|쓰레기\s?(?:같|들|새끼|놈|회사|쇼핑몰|챗봇|상담원|서비스|야|냐)|븅|호구냐"
     # 꺼지다 is also "to switch off": "전원이 꺼져요", "화면이 갑자기 꺼져" are not insults.
     r"|(?<!이 )(?<!가 )(?<!이)(?<!가)(?<!꾸 )(?<!기 )(?<!속 )(?:꺼져(?![요서있버도야])|꺼지라|꺼지세요|꺼지시)"
     r"|닥쳐|닥치(?:라|고|세요|시|든)|느금|니미|니애미|니엄마|느그\s?(?:엄마|애미|아빠)"
     r"|니애비|(?<![가-힣])애미|(?<![가-힣])애비(?!뉴)|엠창|(?<![ㄱ-ㅎ가-힣])ㅗ+(?![ㅏ-ㅣ가-힣])"),
    ("threat",
     r"죽여\s?버|죽여\s?줄까|죽일\s?(?:거|까|래|놈|년|줄)|죽을래|패\s?버리|패\s?죽"
     r"|불\s?질러|칼로\s?(?:찔|쑤)|가만\s?안\s?둬|가만\s?두지\s?않"),
)
_KOREAN = [(kind, re.compile(pattern)) for kind, pattern in _PATTERNS]
_ENGLISH = re.compile(
    r"(?<![a-z])(?:f+u+c+k+\w*|fck\w*|fuk\w*|fxck\w*|f\*+ck\w*|sh[i1]t+(?:ty)?|bullshit|bitch\w*|bastard|"
    r"assholes?|dickhead|cunt|motherf\w+|stfu|dumbass|retard(?:ed)?|idiots?|morons?|"
    r"s+h?i+b+a+l+|ss?ipal|byung\s?sin|byeong\s?sin|gae\s?sae\s?kki|jiral|kill\s+you)(?![a-z])")
# The strongest words as typed with the keyboard left in English mode ("tlqkf").
_KEYBOARD = re.compile("(?<![a-z])(?:" + "|".join(sorted(
    {hangul_keystrokes(w) for w in ("시발", "씨발", "씨빨", "시빨", "씨팔", "병신", "븅신", "지랄", "개새끼", "개색기",
                                    "좆같", "좃같", "닥쳐", "꺼져", "미친놈", "미친년", "염병", "또라이", "느금마",
                                    "엠창")}, key=len, reverse=True)) + ")(?![a-z])")


@dataclass(frozen=True, slots=True)
class AbuseMatch:
    kind: AbuseKind
    term: str = ""  # the matched text in the normalised view (for tests and traces; may be vulgar)


def abuse_view(text: str) -> str:
    """NFKC, lower case, jamo composed, symbol infixes and letter-spacing removed."""
    text = compose_jamo(text)
    text = unicodedata.normalize("NFKC", text)
    text = join_singles(_to_compat(text).lower())  # "시 1 발" → "시1발" → "시발"
    return compose_jamo(_INFIX.sub("", text))


def find_abuse(text: str) -> tuple[AbuseMatch, ...]:
    """Every kind of abuse in ``text`` (at most one match per kind)."""
    view = abuse_view(text)
    found: list[AbuseMatch] = []
    for kind, pattern in _KOREAN:
        m = pattern.search(view)
        if m is not None:
            found.append(AbuseMatch(kind, m.group()))
    m = _ENGLISH.search(view)
    if m is not None and not any(f.kind == "profanity" for f in found):
        found.append(AbuseMatch("profanity", m.group()))
    if not found:
        m = _KEYBOARD.search(view)
        if m is not None:
            found.append(AbuseMatch("profanity", m.group()))
    return tuple(found)


_COMPAT = {0x1100 + i: c for i, c in enumerate("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")}
_COMPAT.update({0x1161 + i: c for i, c in enumerate("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ")})


def _to_compat(text: str) -> str:
    return text.translate(_COMPAT)
