"""Title folding and normalisation: the quick paths give exactly what the plain ones gave."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from rankings.titles import _ARTICLES, _ROMAN, fold, normalize_title


def _fold_char_by_char(text: str) -> str:
    """fold() as first written: each character of the decomposed text tested on its own."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return re.sub(r"\s+", " ", re.sub(r"[^\w]+", " ", text).replace("_", " ")).strip()


def _normalize_word_by_word(title: str) -> str:
    text = _fold_char_by_char(title)
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article) :]
            break
    words = text.split(" ")
    return " ".join(_ROMAN.get(w, w) if i > 0 else w for i, w in enumerate(words))


def test_accents_go_in_every_script_and_numerals_become_digits():
    assert fold("Amélie à Montréal") == "amelie a montreal"
    assert fold("Ἀθῆναι") == "αθηναι"
    assert fold("ǅ" + "".join(chr(0x300 + n) for n in range(40))) == "dz"
    assert normalize_title("The Godfather: Part II") == "godfather part 2"
    assert normalize_title("V for Vendetta") == "v for vendetta"


# Latin letters with many different accents, so both ways of removing them are taken.
ACCENTED = st.text(
    st.one_of(
        st.sampled_from("aeioun ViIxX:'&-"),
        st.characters(min_codepoint=0x300, max_codepoint=0x36F),
        st.characters(),
    ),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(ACCENTED)
def test_folding_and_normalising_any_text_give_what_the_plain_ways_gave(text):
    assert fold(text) == _fold_char_by_char(text)
    assert normalize_title(text) == _normalize_word_by_word(text)
