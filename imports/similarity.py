"""How alike two titles are, exactly or fuzzily, compared in their normalised forms. Pure.

`scoring` weighs these similarities with the year and the other candidates into a proposal;
`lookup` spells a title the standard way before searching the catalog.
"""

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import fuzz

from catalog.titles import normalize_title

# A title that is not exact (after normalisation) can reach Medium at most: "The Ones Below" and
# "The One Below" are one letter apart and are different films.
FUZZY_CEILING = 0.68
EXACT_COMPACT = 0.98  # "Spider-Man" vs "Spiderman"
EXACT_WITHOUT_MIDDLE = 0.9  # "Star Wars: A New Hope" vs "Star Wars: Episode IV - A New Hope"
# Prime drops the film's final subtitle ("Borat"): usually that film, so worth Medium.
PARTIAL = FUZZY_CEILING
# The catalog title lacks the Prime title's subtitle ("Top Gun" for "Top Gun: Maverick"): usually
# a sequel or spin-off the catalog does not have, so only a lead in Low.
PARTIAL_OF_PRIME = 0.49
# All the words of one title inside the other ("Carousel" for "Carousel of Tulsa", "The Hidden"
# for "The Hidden Orchard"): on the evaluation set such proposals were never the film.
WORD_SUBSET = 0.45
NUMBER_MISMATCH = 0.5  # Rocky II is not Rocky III

_NUMBER_WORDS = {
    "i": "1",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}
_PART_WORDS = {
    "part": "Part",
    "pt": "Part",
    "chapter": "Chapter",
    "volume": "Volume",
    "vol": "Volume",
    "episode": "Episode",
    "book": "Book",
}
# Only after a word that counts parts: elsewhere "I" and "one" are words ("I, Robot", "One Day").
_COUNTED_PART = re.compile(rf"\b({'|'.join(_PART_WORDS)})\b\.?(\s+)(\w+)", re.IGNORECASE)
_ROMAN_NUMERAL = re.compile(r"(?:i{1,3}|iv|vi{0,3}|ix|x)", re.IGNORECASE)
SUBTITLE_SEPARATOR = re.compile(r"\s*[:\u2013\u2014]\s*|\s+-\s+")


@dataclass(frozen=True, slots=True)
class TitleForms:
    """The comparable forms of one title, computed once per distinct title."""

    full: str
    compact: str
    sorted_words: str
    words: frozenset[str]
    numbers: tuple[str, ...]
    without_middle: str = ""  # first and last part, for three or more parts
    without_last: str = ""  # everything before the final subtitle
    last: str = ""  # the final subtitle alone


def standard_spelling(title: str) -> str:
    """Counted parts spelled one way: "Vol. I", "Volume One" and "Volume 1" are "Volume 1".

    Catalogs and Prime disagree on these ("Part Two" and "Part 2", TMDB's "Vol. 1" and
    Wikidata's "Volume 1"); normalisation turns the other roman numerals into digits.
    """
    return _COUNTED_PART.sub(_counted_part, title)


def _counted_part(found: re.Match[str]) -> str:
    word, space, number = found.groups()
    if number.casefold() in _NUMBER_WORDS:
        number = _NUMBER_WORDS[number.casefold()]
    elif not (number.isdigit() or _ROMAN_NUMERAL.fullmatch(number)):
        return found[0]
    return f"{_PART_WORDS[word.casefold()]}{space}{number}"


@lru_cache(maxsize=16384)
def title_forms(title: str) -> TitleForms:
    title = standard_spelling(title)
    full = normalize_title(title)
    words = sorted(full.split(" ")) if full else []
    forms = TitleForms(
        full=full,
        compact=full.replace(" ", ""),
        sorted_words=" ".join(words),
        words=frozenset(words),
        numbers=tuple(word for word in words if word.isdigit()),
    )
    parts = [part for part in SUBTITLE_SEPARATOR.split(title) if part.strip()]
    if len(parts) < 2:
        return forms
    return replace(
        forms,
        without_middle=normalize_title(f"{parts[0]} {parts[-1]}") if len(parts) > 2 else "",
        without_last=normalize_title(" ".join(parts[:-1])),
        last=normalize_title(parts[-1]),
    )


def exact_similarity(prime: TitleForms, name: TitleForms) -> tuple[float, str] | None:
    """The same title, allowing for spacing and subtitles; None when the texts really differ."""
    if not prime.full or not name.full:
        return None
    if prime.full == name.full:
        return 1.0, "exact"
    if prime.compact == name.compact:
        return EXACT_COMPACT, "exact"
    if prime.full == name.without_middle or prime.without_middle == name.full:
        return EXACT_WITHOUT_MIDDLE, "middle"
    if prime.full == name.without_last:
        return PARTIAL, "partial"
    if name.full in (prime.without_last, prime.last):
        return PARTIAL_OF_PRIME, "partial"
    return None


def fuzzy_similarity(prime: TitleForms, name: TitleForms) -> float:
    if not prime.full or not name.full:
        return 0.0
    # All the words of one title inside the other ("Matrix" and "Matrix Reloaded", or leftover
    # noise like "Mercy Black dt OV") is a lead worth a look, not a match.
    subset = prime.words <= name.words or name.words <= prime.words
    ratio = max(
        fuzz.ratio(prime.full, name.full, score_cutoff=50),
        fuzz.ratio(prime.sorted_words, name.sorted_words, score_cutoff=50),
    )
    similarity = FUZZY_CEILING * max(0.0, (ratio / 100 - 0.5) / 0.5)
    if subset:
        similarity = max(similarity, WORD_SUBSET)
    if prime.numbers != name.numbers:
        similarity *= NUMBER_MISMATCH
    return similarity
