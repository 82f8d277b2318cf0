"""One-jamo typing slips in product words (nlu/typos.py)."""

from __future__ import annotations

from ecommerce_agent.nlu.typos import corrected, one_jamo_apart


def test_one_jamo_apart_is_one_vowel_or_consonant_of_one_syllable() -> None:
    assert one_jamo_apart("후라이펜", "후라이팬")  # ㅔ for ㅐ
    assert one_jamo_apart("가디컨", "가디건")  # ㅋ for ㄱ
    assert one_jamo_apart("전기포튼", "전기포트")  # a final consonant added
    assert not one_jamo_apart("프라이팬", "후라이팬")  # two jamo of one syllable
    assert not one_jamo_apart("후라이펜", "후라이팬스")  # another length
    assert not one_jamo_apart("후라이팬", "후라이팬")  # the same word is no slip
    assert not one_jamo_apart("가방끈", "배낭끈")  # two syllables


def test_corrected_only_when_one_word_fits_and_the_word_is_long_enough() -> None:
    vocabulary = {"후라이팬", "프라이팬", "가디건", "배낭", "가방"}
    assert corrected("후라이펜", vocabulary) == "후라이팬"
    assert corrected("가디검", vocabulary) == "가디건"
    assert corrected("배남", vocabulary) is None  # two syllables: too many neighbours to guess
    assert corrected("노트북", vocabulary) is None
    assert corrected("가디건", {"가디건", "가디검", "가디컨"}) is None  # several fit: no guess
