"""The interpretation form of text (pdgraph.textnorm)."""
from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from pdgraph.textnorm import clean, strip_invisible

INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2069\ufeff\u00ad\ufe0f"
visible_text = st.text(st.characters(blacklist_categories=("Cf", "Cs", "Mn")), max_size=40)


def test_every_format_character_of_general_punctuation_is_invisible():
    for code in list(range(0x2000, 0x2070)) + [0xFEFF, 0x00AD]:
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            assert strip_invisible(char) == "", hex(code)


def test_visible_text_is_kept():
    assert strip_invisible("松戸市長 第7条 ①") == "松戸市長 第7条 ①"


@given(visible_text, st.lists(st.tuples(st.integers(0, 40), st.sampled_from(INVISIBLE)), max_size=5))
def test_invisible_characters_never_change_the_clean_form(text, insertions):
    poisoned = text
    for position, char in insertions:
        position = min(position, len(poisoned))
        poisoned = poisoned[:position] + char + poisoned[position:]
    assert clean(poisoned) == clean(text)
