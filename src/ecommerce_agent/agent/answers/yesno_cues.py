"""Wordings that decide a yes/no answer beyond plain no/restriction cues (compose.py):
what a question asks (can I, may I, at once, to get back, included) against what a
sentence says (forbidden, later, lost, left out, need not, the case not done)."""

from __future__ import annotations

import re

# asking whether something can be done ("또 넣을 수 있어요?", "탈퇴 가능한가요")
CAN_Q = re.compile(r"수\s?(?:있|없)(?:나요|어요|을까|죠|는지|습니까|나|어)|가능")

# a list of what is left out: "(배송비, 쿠폰 할인액, 적립금 사용액 제외)", "토요일, 일요일, 공휴일을 제외한"
EXCLUDED_LIST = re.compile(r"\(([^()]{2,60}?)\s?제외\)|((?:[^\s,.()]+,\s?){0,4}[^\s,.()]+?)(?:을|를)\s?(?:제외한|제외하고|뺀)")
EXCLUDE_Q = re.compile(r"제외|빼고|빼면|뺀|말고")

# asking whether something is given back or kept, against a sentence saying it is lost
KEEP_Q = re.compile(r"돌려\s?(?:주|받|줘)|환불\s?(?:돼|되|해|받)|남아\s?있|남나|유지\s?(?:돼|되)|살아\s?있|그대로\s?(?:있|남|쓸)")
LOST = re.compile(r"소멸|사라집니다|사라지며|파기(?:합니다|됩니다|되며)|회수(?:됩니다|되며)")
# asking whether something happens at once, against a sentence that names a later time
IMMEDIATE_Q = re.compile(r"바로|즉시|당장|곧바로|하자마자|금방|지금")
IMMEDIATE = re.compile(r"바로|즉시|당일|곧바로|실시간")
LATER = re.compile(r"다음\s?(?:달|날|영업일)|(?:끝난|완료된)\s?(?:뒤|후)|지난\s?(?:뒤|후)|지나면|지나야|[0-9]+\s?(?:영업일|일|시간)\s?(?:후|뒤|이내|안에)|시점에|"
                   r"구매확정\s?(?:시|후|되면|때)")
PROHIBITION = re.compile(r"마세요|하지\s?마|지\s?마시고|받지\s?않습니다|삼가")
NEED_NOT = re.compile(r"지\s?않(?:으셔도|아도)\s?(?:됩니다|돼요|되며)")
OBLIGATION_Q = re.compile(r"[가-힣]야\s?(?:돼|되|하|할|합)|필요")
DENIED_RESTRICTION = re.compile(r"(?:제한|불가|거절|금지)\s?(?:사유|대상)[가이]\s?아닙니다")

# "포장을 뜯지 않은 상태라면": a sentence about the case where something was not done
NOT_DONE_CASE = re.compile(r"([가-힣]{1,2})지\s?않(?:은|으신)\s?(?:상태|경우|상품)")
