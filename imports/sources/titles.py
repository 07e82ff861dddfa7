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

_SEASON_WORDS = (
    *("season", "staffel", "saison", "stagione", "temporada", "seizoen", "sezon"),
    *("säsong", "sæson", "sesong", "kausi", "series", "シーズン"),
)
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
    rf"|\b(?:official trailer|sneak peek|featurette)(?:\s*#?\d+)?(?=$|\s*[:(){_DASH}])"
    r"|\bbehind the scenes$|\bfirst look$"
    r"|\bbande[- ]annonce\b|\btráiler\b|予告編",
    re.IGNORECASE,
)
_EXTRA_HINTS = (
    *("trailer", "teaser", "scenes", "sneak", "first look", "featurette", "annonce"),
    *("tráiler", "予告編"),
)
# Labels that Amazon gives episodes and bonus material it lists as top-level titles, which the
# exporter then types Movie ("Episode 3: The Reckoning", "Bonus: Making Of"). The exporter
# writes English, German, French, Spanish, Portuguese, Japanese and Chinese; a label counts at
# the start of the title, so "Star Wars: Episode IV" and "Chapter 27" stay films.
_EPISODE_LABEL = re.compile(
    r"^(?:episode|épisode|episodio|episódio|folge|capítulo|capitulo|aflevering|エピソード)"
    r"\s*\d+\s*(?:[:：.\-\u2013\u2014]|$)"
    r"|^第\s*[\d一二三四五六七八九十百]+\s*[話话集回]",
    re.IGNORECASE,
)
_EXTRA_LABELS_BY_LANGUAGE = {
    "en": "bonus|bonus material|bonus content|making of|making-of|behind the scenes"
    "|behind-the-scenes|featurette|deleted scenes|deleted scene|sneak peek|first look"
    "|official trailer|trailer|teaser|teaser trailer|official teaser|recap|bloopers|gag reel",
    "de": "bonusmaterial|hinter den kulissen|blick hinter die kulissen|entfallene szenen"
    "|geschnittene szenen|vorschau|erster blick|offizieller trailer|rückblick|zusammenfassung",
    "fr": "les coulisses|dans les coulisses|scènes coupées|scènes supprimées|aperçu"
    "|premier aperçu|premier regard|bande-annonce|bande annonce|bande-annonce officielle"
    "|récapitulatif",
    "es": "contenido extra|material extra|cómo se hizo|detrás de cámaras|detrás de las cámaras"
    "|tras las cámaras|escenas eliminadas|avance|primer vistazo|tráiler|tráiler oficial"
    "|trailer oficial|resumen|recapitulación",
    "pt": "bônus|bónus|bastidores|nos bastidores|cenas excluídas|cenas eliminadas"
    "|cenas deletadas|prévia|antevisão|primeira olhada|primeiro olhar|recapitulação|resumo",
    "ja": "予告編|特報|ティーザー|特典映像|ボーナス|メイキング|メイキング映像|舞台裏"
    "|ビハインド・ザ・シーン|未公開シーン|削除シーン|スニークピーク|ファーストルック|総集編",
    "zh": "預告片|预告片|正式預告|正式预告|前導預告|前导预告|花絮|幕後花絮|幕后花絮|製作特輯"
    "|制作特辑|特輯|特辑|刪減片段|删减片段|搶先看|抢先看|前情提要|回顧|回顾",
}
_EXTRA_LABELS = frozenset(
    label for labels in _EXTRA_LABELS_BY_LANGUAGE.values() for label in labels.split("|")
)
# English labels that also follow a title after a plain space ("Season 1 Recap").
_SPACED_EXTRA_LABELS = tuple(
    f" {label}"
    for label in _EXTRA_LABELS_BY_LANGUAGE["en"].split("|")
    if label not in ("bonus", "bonus material", "bonus content", "trailer")
)
# Chinese and Japanese titles join a label without a space ("流浪地球2花絮").
_CJK_EXTRA_LABELS = tuple(label for label in _EXTRA_LABELS if label[0] >= "\u3000")
_LONGEST_LABEL = max(map(len, _EXTRA_LABELS))
_LABEL_PARTS = re.compile(r"\s*[:：(（]\s*|\s+[\-\u2013\u2014]\s+")
# Words after a legacy `Episode-Show` title that name a series without a season number.
_SERIES_ENDINGS = (
    *("the series", "tv series", "miniseries", "mini-series", "web series"),
    *("la serie", "la série", "die serie", "a série", "the complete series"),
)
_LETTER = re.compile(r"[^\W\d_]")
_QUOTED_EPISODE = re.compile(r'^"[^"]+"-\S')
# A seasonless `Episode-Show` title counts as an episode once two different episode names
# share a show of several words, or this many share a one-word show: fewer would turn
# Spider-Man and Ant-Man into episodes of "Man".
_MIN_EPISODES_PER_SHOW = 3
# Real titles need two or three passes (year, then the tags it uncovers); each further pass
# only peels one more level off brackets nested hundreds deep, at the cost of a full scan.
_MAX_CLEAN_PASSES = 3
# Prime's tagged titles are short; a longer one gets one pass (10 MB of 1,000-character titles
# in nested brackets took 2.1 s of CPU with three).
_SHORT_TITLE_CHARS = 200
_TAIL_CHARS = 64


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
    for _ in range(_MAX_CLEAN_PASSES if len(text) <= _SHORT_TITLE_CHARS else 1):
        before = text
        # Both tail patterns end at `$` and never span _TAIL_CHARS: search only the tail.
        match = _YEAR_TAIL.search(text, max(0, len(text) - _TAIL_CHARS))
        if match and year is None and match.start() > 0:
            year, text = int(match[1]), text[: match.start()]
        if "[" in text:
            text = _BRACKET_TAG.sub("", text)
        if "(" in text:
            text = _PAREN_TAG.sub("", text)
        match = _TRAILING_TAG.search(text, max(0, len(text) - _TAIL_CHARS))
        text = (text[: match.start()] if match else text).rstrip(EDGES)
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
        self._labelled: dict[str, bool] = {}
        self.shows: set[str] = set()
        self.season_shows: set[str] = set()
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
            split = show_split(base)
            self.season_shows.add(base.casefold())
            if split:
                self.season_shows.add(split[1])
        self.shows.update(self.season_shows)
        episodes: dict[str, set[str]] = defaultdict(set)
        for clean in seasonless:
            split = show_split(clean)
            if split:
                episode, show = split
                # A one-word show is told from a compound word (Spider-Man, The Amazing
                # Spider-Man, Ant-Man) by the different words just before the hyphen.
                episodes[show].add(episode if " " in show else episode.rsplit(None, 1)[-1])
        self.shows.update(
            show
            for show, names in episodes.items()
            if len(names) >= (_MIN_EPISODES_PER_SHOW if " " not in show else 2)
        )

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
            self._extra[title] = (hinted and bool(_EXTRA.search(clean))) or is_extra_label(clean)
        return self._extra[title]

    def is_labelled_extra(self, title: str) -> bool:
        """Whether a title typed Movie is an extra or an episode ("Episode 3: The Reckoning")."""
        if title not in self._labelled:
            self._labelled[title] = self.is_extra(title) or (
                _EPISODE_LABEL.match(self.clean(title)[0].lstrip(EDGES)) is not None
            )
        return self._labelled[title]

    def _is_seasonless_episode(self, clean: str) -> bool:
        """`Pilot-House` once the file has other `…-House` episodes or a `House - Season N`.

        A spaced `Pilot - Show` counts only for a show of several words that a season row
        names, so "Mission: Impossible - Fallout" stays a film beside "Fallout - Season 1".
        """
        if "-" not in clean:
            return False
        split = show_split(clean)
        if split and (split[1] in self.shows or split[1].rstrip(")").endswith(_SERIES_ENDINGS)):
            return True
        spaced = _spaced_show(clean.casefold())
        return " " in spaced and spaced in self.season_shows

    def is_episode(self, title: str) -> bool:
        if title not in self._episode:
            clean = self.clean(title)[0]
            lowered = clean.lower()
            self._episode[title] = bool(
                season_base(clean) is not None
                or (any(hint in lowered for hint in _EPISODE_HINTS) and _EPISODE.search(clean))
                or _QUOTED_EPISODE.match(title)
                or self._is_seasonless_episode(clean)
            )
        return self._episode[title]


def is_extra_label(clean: str) -> bool:
    """Whether a clean title is bonus material by its label ("Bonus: Making Of", "Recap").

    The label is the whole title, or its part before the first colon or spaced dash, or after
    the last one: "Dune: Part Two - Featurette" is an extra, "Trailer Park Boys: The Movie" is
    a film.
    """
    text = clean.strip(EDGES + ")）").casefold()
    if text in _EXTRA_LABELS:
        return True
    first, last = _end_parts(text)
    if first in _EXTRA_LABELS or last in _EXTRA_LABELS:
        return True
    return text.endswith(_SPACED_EXTRA_LABELS) or text.endswith(_CJK_EXTRA_LABELS)


def _end_parts(text: str) -> tuple[str, str]:
    """The parts of a title before its first label separator and after its last one (the
    whole title for both without one).

    A label is short, so only the ends of a long title are searched: every title of an upload
    is tested, and splitting 1,000 characters at each separator took 70 µs a title.
    """
    window = _LONGEST_LABEL + 8
    if len(text) <= 4 * window:
        parts = _LABEL_PARTS.split(text)
        return parts[0], parts[-1]
    head = _LABEL_PARTS.search(text, 0, window)
    tail_at = len(text) - window
    ends = [m.end() for m in _LABEL_PARTS.finditer(text, tail_at)]
    return (text[: head.start()] if head else text, text[ends[-1] :] if ends else text)


def show_split(title: str) -> tuple[str, str] | None:
    """A legacy title read as `Episode-Show` at its last unspaced hyphen, casefolded.

    `Whac-A-Mole-House` gives ("whac-a-mole", "house"); None when no hyphen between two
    non-spaces has a letter after it. One backwards scan, so long titles cost linear time.
    """
    folded = title.casefold()
    end, lettered = len(folded), False
    while (at := folded.rfind("-", 1, end)) > 0:
        lettered = lettered or _LETTER.search(folded, at + 1, end) is not None
        after = folded[at + 1 : at + 2]
        if lettered and after and not after.isspace() and not folded[at - 1].isspace():
            return folded[:at].strip(), folded[at + 1 :].strip()
        end = at
    return None


def _spaced_show(folded: str) -> str:
    """The part after the last spaced dash ("pilot - the marvelous mrs. maisel"), or ""."""
    at = max(folded.rfind(f" {dash} ") for dash in "-\u2013\u2014")
    return folded[at + 3 :].strip() if at >= 0 else ""
