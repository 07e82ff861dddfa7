"""Title folding and normalisation (the quick paths give exactly what the plain ones gave), and
the hyphens films spell."""

import gzip
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.builtin import DATA_FILE
from catalog.titles import (
    _ARTICLES,
    _ROMAN,
    HYPHENATED_WORDS_FILE,
    fold,
    hyphenated_spelling,
    normalize_title,
)
from tests.catalog.test_builtin import load_build_script


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


# Latin letters with many different accents, so both ways of removing them are taken, and
# plain ASCII, which takes a way of its own.
ACCENTED = st.text(
    st.one_of(
        st.sampled_from("aeioun ViIxX:'&-"),
        st.characters(max_codepoint=127),
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


@pytest.mark.parametrize(
    ("title", "spelled"),
    [
        ("Spiderman 2", "Spider-Man 2"),
        ("Xmen: First Class", "X-Men: First Class"),
        ("kickass", "Kick-Ass"),
        ("The Matrix", "The Matrix"),
    ],
)
def test_words_the_catalog_spells_with_a_hyphen_get_their_hyphen_back(title, spelled):
    assert hyphenated_spelling(title) == spelled


def test_the_word_list_is_every_hyphenated_word_of_the_committed_offline_catalog():
    lines = gzip.decompress(DATA_FILE.read_bytes()).decode("utf-8").splitlines()[1:]
    films = [line.split("\t") for line in lines]

    derived = load_build_script().hyphenated_words(films)

    assert HYPHENATED_WORDS_FILE.read_text(encoding="utf-8") == derived
    assert len(derived.splitlines()) == 172


def test_hyphenated_spelling_does_not_load_the_offline_catalog():
    # TMDB-mode matching calls it for every title and has no use for 17,000 offline films.
    code = (
        "import sys; from catalog.titles import hyphenated_spelling; "
        "assert hyphenated_spelling('Spiderman') == 'Spider-Man'; "
        "print('catalog.builtin' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )

    assert loaded.stdout.strip() == "False"
