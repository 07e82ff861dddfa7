"""Title normalisation shared by catalog search, matching and cache keys. Pure, no Django."""

import re
import unicodedata

_ARTICLES = ("the ", "a ", "an ")
_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
}
_NON_WORD = re.compile(r"[^\w]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    return _SPACES.sub(" ", _NON_WORD.sub(" ", text).replace("_", " ")).strip()


def normalize_title(title: str) -> str:
    """The comparable form of a title: folded, no leading article, roman numerals as digits.

    "The Godfather: Part II" and "godfather part 2" normalise to the same string.
    """
    text = fold(title)
    for article in _ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            text = text[len(article) :]
            break
    # "v" alone is a word in some titles ("V for Vendetta"); only convert numerals after a word.
    words = text.split(" ")
    return " ".join(
        _ROMAN.get(word, word) if i > 0 and word in _ROMAN else word for i, word in enumerate(words)
    )
