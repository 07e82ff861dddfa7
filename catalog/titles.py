"""Title normalisation for catalog search, matching, cache keys, poster tiles. Pure, no Django."""

import re
import unicodedata
import zlib
from functools import cache
from pathlib import Path

# Written by scripts/build_offline_catalog.py from the offline catalog's titles and akas.
HYPHENATED_WORDS_FILE = Path(__file__).resolve().parent / "data" / "hyphenated_words.txt"

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
# What _NON_WORD and the "_" replacement do, for ASCII text (most titles once their accents are
# gone) four times faster: every ASCII character but a letter or digit becomes a space.
_ASCII_NON_WORD = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})
_WORD = re.compile(r"[^\W\d_]+")


# Every distinct title of an upload is folded, so its cost per character counts: removing each
# accent a title holds with str.replace is several times faster than testing every character,
# up to a handful of different accents (a text holding hundreds of them goes char by char).
_MARKS_REPLACED = 8


def fold(text: str) -> str:
    """Lower-case, strip accents and turn punctuation into single spaces."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        marks = [ch for ch in set(text) if unicodedata.combining(ch)]
        if len(marks) <= _MARKS_REPLACED:
            for mark in marks:
                text = text.replace(mark, "")
        else:
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("&", " and ").replace("'", "").replace("\u2019", "")
    if text.isascii():
        text = text.translate(_ASCII_NON_WORD)
    else:
        text = _NON_WORD.sub(" ", text).replace("_", " ")
    # str.split folds the runs of spaces several times faster than a regular expression.
    return " ".join(text.split())


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
    if _ROMAN.keys().isdisjoint(words[1:]):
        return text
    return " ".join(
        _ROMAN.get(word, word) if i > 0 and word in _ROMAN else word for i, word in enumerate(words)
    )


_MINOR_WORDS = frozenset({"the", "a", "an", "of", "and", "&"})
_TILE_COLOURS = 8


def initials(title: str) -> str:
    """Up to two letters for a film without a poster: "Star Wars: A New Hope" gives "SW".

    Articles and "of"/"and" are skipped so that "The Lord of the Rings" reads "LR", not "TL";
    a title made only of such words keeps them.
    """
    words = re.findall(r"\w+", title.replace("'", "").replace("\u2019", ""))
    significant = [w for w in words if w.casefold() not in _MINOR_WORDS] or words
    return "".join(word[0] for word in significant[:2]).upper() or "?"


def tile_colour(title: str) -> int:
    """Which of the tile colours a title gets; crc32 because hash() changes with every process."""
    return zlib.crc32(title.encode()) % _TILE_COLOURS


@cache
def _hyphenated_words() -> dict[str, str]:
    """{"spiderman": "Spider-Man", "xmen": "X-Men", ...}: each hyphenated word films spell,
    keyed by its fused lower-case form."""
    words = HYPHENATED_WORDS_FILE.read_text(encoding="utf-8").split()
    return {word.replace("-", "").casefold(): word for word in words}


def hyphenated_spelling(title: str) -> str:
    """`title` with words written as one that films spell with a hyphen ("Spiderman 2" as
    "Spider-Man 2"): a catalog that searches by words cannot find the fused form."""
    words = _hyphenated_words()
    return _WORD.sub(lambda found: words.get(found[0].casefold(), found[0]), title)
