"""Title grammar: edition tags and year hints, extras, and episodes told apart from movies.

Every regex here is guarded by a plain substring test: a 50,000-row history has tens of
thousands of distinct episode titles, and most of them need none of the patterns.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

# Hyphen, en dash and em dash: Amazon uses all three between a title's parts.
_DASH = r"\-\u2013\u2014"
EDGES = " :,-\u2013\u2014"

_YEAR_TAIL = re.compile(r"\s*[\[(]\s*((?:19|20)\d\d)\s*[\])]\s*$")
_BRACKET_TAG = re.compile(r"\s*\[[^\[\]]*\]")
_PAREN_TAG = re.compile(
    r"\s*\((?=[^()]*\b(?:dub|dubbed|sub|subbed|subtitled|subtitles|version|edition|cut|extended"
    r"|unrated|rated|theatrical|uhd|hd|4k|ov|omu|omdu|bonus\w*|remastered|interactive|inkl|imax"
    r"|3d|director'?s|ungekürzt|vostfr|vf)\b)[^()]*\)",
    re.IGNORECASE,
)
_TRAILING_TAG = re.compile(
    rf"(?:\s*[:,{_DASH}]\s*|\s+)(?:bonus x-ray edition|x-ray edition|special edition"
    r"|remastered|director'?s cut|extended (?:edition|cut|version)|unrated(?: version)?"
    r"|4k uhd|ultra hd|uhd|omu|ov)\s*$",
    re.IGNORECASE,
)
_TAG_ENDINGS = ("edition", "remastered", "cut", "version", "unrated", "hd", "omu", "ov")

_SEASON_WORDS = ("season", "staffel", "saison", "stagione", "temporada", "seizoen", "sezon")
_SEASON_WORDS += ("säsong", "sæson", "sesong", "kausi", "series", "シーズン")
_SEASON_SEPARATORS = " :,(-\u2013\u2014"
_CJK_SEASON = re.compile(r"第\s*[\d一二三四五六七八九十]+\s*(?:季|シーズン)$")
_EPISODE_WORD = r"(?:episode|folge|épisode|episodio|episódio|aflevering|afl\.|odcinek|avsnitt)"
_EPISODE_HINTS = ("episod", "épisod", "folge", "afl", "odcinek", "avsnitt", "第")
_EPISODE = re.compile(
    rf"(?:^|[:{_DASH}]\s*){_EPISODE_WORD}\s*(?!0\D|0$)\d+\s*(?:[:.{_DASH}]|$)|第\s*\d+\s*[話集]",
    re.IGNORECASE,
)
_EXTRA = re.compile(
    rf"^{_EPISODE_WORD}\s*0\s*(?:[:.{_DASH}]|$)"
    rf"|(?:^|[\s:{_DASH}(])(?:official\s+)?(?:teaser\s+)?(?:trailer|teaser)(?:\s*\d+)?\)?$"
    r"|\bofficial trailer\b|\bbehind the scenes$|\bsneak peek\b|\bfirst look$|\bfeaturette\b"
    r"|\bbande[- ]annonce\b|\btráiler\b|予告編",
    re.IGNORECASE,
)
_EXTRA_HINTS = ("trailer", "teaser", "scenes", "sneak", "first look", "featurette", "annonce")
_EXTRA_HINTS += ("tráiler", "予告編")
_COMPOSITE_SPLIT = re.compile(r"(?<=\S)-(?=\S)")
_QUOTED_EPISODE = re.compile(r'^"[^"]+"-\S')
# A seasonless `Episode-Show` title counts as an episode once this many different episode
# names share the show; fewer would turn Spider-Man and Ant-Man into episodes of "Man".
_MIN_EPISODES_PER_SHOW = 3


@lru_cache(maxsize=4096)
def clean_title(raw: str) -> tuple[str, int | None]:
    """Title for matching and a year hint: `Amélie [OV] (2001)` gives `("Amélie", 2001)`.

    Edition tags (`[dt./OV]`, `(4K UHD)`, `(English Dubbed)`, `Special Edition`, …) are noise
    added by Prime, not part of the film's name; a trailing `(1998)` names the release year.
    """
    return _clean(raw)


def _clean(raw: str) -> tuple[str, int | None]:
    title = " ".join((raw if raw.isascii() else unicodedata.normalize("NFC", raw)).split())
    if len(title) > 2 and title[0] == title[-1] == '"' and title.count('"') == 2:
        title = title[1:-1].strip()
    text, year = title.rstrip(EDGES), None
    if "[" not in text and "(" not in text and not text.lower().endswith(_TAG_ENDINGS):
        return (text or title), None
    while True:
        before = text
        match = _YEAR_TAIL.search(text)
        if match and year is None and match.start() > 0:
            year, text = int(match[1]), text[: match.start()]
        text = _TRAILING_TAG.sub("", _PAREN_TAG.sub("", _BRACKET_TAG.sub("", text)))
        text = text.rstrip(EDGES)
        if text == before:
            break
    return (text or title), year


def season_base(clean: str) -> str | None:
    """The show in a title that ends with a season marker ("Show - Staffel 2" gives "Show").

    Plain string tests rather than one regex searched from every position: this runs once
    per distinct title and most titles in a big file are episodes.
    """
    text = clean[:-1] if clean.endswith(")") else clean
    stripped = text.rstrip("0123456789")
    if stripped == text:
        cjk = _CJK_SEASON.search(clean) if "第" in clean else None
        return clean[: cjk.start()].rstrip(EDGES) if cjk else None
    stripped = stripped.rstrip()
    lowered = stripped.lower()
    for word in _SEASON_WORDS:
        if lowered.endswith(word):
            start = len(stripped) - len(word)
            if start == 0 or word == "シーズン" or stripped[start - 1] in _SEASON_SEPARATORS:
                return stripped[:start].rstrip(EDGES + "(")
    return None


class Grammar:
    """Classifies the titles of one file, remembering each answer for the rows that repeat it.

    Built from the titles that have no type to go by, so that a seasonless `Pilot-House` is
    recognised from the other `…-House` rows, and so the result never depends on row order.
    """

    def __init__(self, untyped_titles: Iterable[str]):
        self._cleaned: dict[str, tuple[str, int | None]] = {}
        self._extra: dict[str, bool] = {}
        self._episode: dict[str, bool] = {}
        self.shows: set[str] = set()
        bases, seasonless = [], []
        for title in set(untyped_titles):
            clean = self.clean(title)[0]
            base = season_base(clean)
            if base is not None:
                self._episode[title] = True
                bases.append(base)
            elif "-" in clean:
                seasonless.append(clean)
        if seasonless:  # most files have none, and then the show names are never needed
            self._learn_shows(bases, seasonless)

    def _learn_shows(self, bases: list[str], seasonless: list[str]) -> None:
        for base in bases:
            self.shows.add(base.casefold())
            self.shows.update(suffix for _, suffix in _composite(base))
        prefixes: dict[str, set[str]] = defaultdict(set)
        for clean in seasonless:
            for prefix, suffix in _composite(clean):
                prefixes[suffix].add(prefix)
        self.shows.update(s for s, p in prefixes.items() if len(p) >= _MIN_EPISODES_PER_SHOW)

    def clean(self, title: str) -> tuple[str, int | None]:
        if title not in self._cleaned:
            self._cleaned[title] = _clean(title)
        return self._cleaned[title]

    def is_extra(self, title: str) -> bool:
        if title not in self._extra:
            clean = self.clean(title)[0]
            lowered = clean.lower()
            hinted = any(hint in lowered for hint in _EXTRA_HINTS) or (
                "0" in lowered and any(hint in lowered for hint in _EPISODE_HINTS)
            )
            self._extra[title] = hinted and bool(_EXTRA.search(clean))
        return self._extra[title]

    def is_episode(self, title: str) -> bool:
        if title not in self._episode:
            clean = self.clean(title)[0]
            lowered = clean.lower()
            self._episode[title] = bool(
                season_base(clean) is not None
                or (any(hint in lowered for hint in _EPISODE_HINTS) and _EPISODE.search(clean))
                or _QUOTED_EPISODE.match(title)
                or any(suffix in self.shows for _, suffix in _composite(clean))
            )
        return self._episode[title]


def _composite(title: str) -> list[tuple[str, str]]:
    """Every `Episode-Show` reading of a title, as casefolded (episode, show) pairs."""
    if "-" not in title:
        return []
    folded = title.casefold()
    pairs = []
    for match in _COMPOSITE_SPLIT.finditer(folded):
        suffix = folded[match.end() :].strip()
        if any(ch.isalpha() for ch in suffix):
            pairs.append((folded[: match.start()].strip(), suffix))
    return pairs
