"""Properties of the Prime Video reader that must hold for any input, not just the samples."""

import csv
import io
import re
from datetime import UTC
from typing import Literal

from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.titles import normalize_title
from imports.sources import History, PrimeFileError, clean_title, read_history
from tests.imports.conftest import v3_file

FAST = settings(max_examples=200, deadline=None)

HEADERS = {
    "v3": (
        "Date Watched,Type,Title,Episode Title,Global Title Identifier,"
        "Episode Global Title Identifier,Path,Episode Path,Image URL"
    ),
    "4col": "Date Watched,Type,Title,Episode",
    "4col-spaced": "Date Watched, Type, Title, Episode",
    "de": "Datum angesehen,Typ,Titel,Folge",
    "legacy": (
        "Playback Hour,Operating System,Browser,Delivery Type,City,Country,ISP,State,"
        "Content Quality Entitled,Entitlement Type,Video Type,Audio Language,Title"
    ),
    "current": "Material Type Description,Playback Start Datetime (UTC),Seconds Viewed,Title",
    "netflix": "Title,Date",
}
TITLES = [
    "Heat",
    "Heat [OV]",
    "heat",
    "Dune",
    "Dune (2021)",
    "Spider-Man",
    "Pilot-House",
    "Whac-A-Mole-House",
    '"Twenty Vicodin"-House',
    "The Boys - Season 1",
    "Episode 0: Official Trailer",
    "Crouching Tiger, Hidden Dragon",
    'Say "Hi" Now',
    "Amélie",
    "",
]
DATES = [
    "2025-01-02 10:00:00.000",
    "2025-01-02",
    "2024-12-19T18:18:47Z",
    "1727640000000",
    "05/09/2017 14:00:00",
    "13/01/2022",
    "01/13/2022",
    "09.05.2017 14:00",
    "yesterday",
    "",
]
TYPES = ["Movie", "Series", "Film", "Serie", "", "Documentary"]
GTIS = ["", "amzn1.dv.gti.1", "amzn1.dv.gti.2"]
MATERIALS = ['"Feature"', '"Trailer"', '"LiveStreaming"', "Not Available"]
SECONDS = ["0.00000", "3138", "Not Available"]

# Characters that matter to a CSV reader and to title grammar, plus a few that trip decoders.
SPECIAL = ',;"\n\r\t -–—:()[]./0123456789'
ALPHABET = st.sampled_from(list(SPECIAL + "aeHOSTVxé€ßシ季\u00a0\ufeff\x00\x1a"))
CELL = st.text(ALPHABET, max_size=24)


def check(history: History) -> None:
    """What every successful read promises, whatever the input."""
    assert history.total_rows == (
        history.movie_rows
        + history.episode_rows
        + history.extra_rows
        + history.live_rows
        + history.unviewed_rows
        + history.duplicate_rows
        + history.unreadable_rows
    )
    assert history.total_rows > 0
    assert len(history.movies) <= history.movie_rows
    assert sum(max(len(m.watched), 1) for m in history.movies) <= history.movie_rows
    latest = [m.last_watched for m in history.movies]
    dated = [d for d in latest if d is not None]
    assert dated == sorted(dated, reverse=True)
    assert latest[: len(dated)] == dated  # undated films come last
    for movie in history.movies:
        assert movie.title and movie.clean_title
        assert movie.normalized_title == normalize_title(movie.clean_title)
        assert list(movie.watched) == sorted(set(movie.watched), reverse=True)
        assert all(d.tzinfo is UTC for d in movie.watched)
        assert movie.last_watched == (movie.watched[0] if movie.watched else None)


def read_or_refuse(data: bytes) -> History | None:
    try:
        history = read_history(data)
    except PrimeFileError as error:
        assert error.message
        return None
    check(history)
    return history


@FAST
@given(
    header=st.sampled_from(["", *(f"{h}\n" for h in HEADERS.values())]),
    body=st.binary(max_size=3000),
)
def test_arbitrary_bytes_give_a_history_or_a_prime_file_error(header, body):
    read_or_refuse(header.encode() + body)


@FAST
@given(
    header=st.sampled_from(sorted(HEADERS.values())),
    separator=st.sampled_from([",", ";", "\t", ", "]),
    rows=st.lists(
        st.lists(st.one_of(CELL, st.sampled_from(DATES + TITLES)), max_size=14), max_size=12
    ),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]),
)
def test_arbitrary_csv_like_text_gives_a_history_or_a_prime_file_error(
    header, separator, rows, newline, encoding
):
    lines = [header.replace(",", separator), *(separator.join(row) for row in rows)]

    read_or_refuse(newline.join(lines).encode(encoding, errors="replace"))


def _line(fields: list[str], quoting: Literal[0, 1, 2, 3]) -> str:
    out = io.StringIO()
    csv.writer(out, quoting=quoting, lineterminator="").writerow(fields)
    return out.getvalue()


ROW = st.fixed_dictionaries(
    {
        "date": st.sampled_from(DATES),
        "type": st.sampled_from(TYPES),
        "title": st.sampled_from(TITLES),
        "episode": st.sampled_from(["", "Episode 1: Pilot"]),
        "gti": st.sampled_from(GTIS),
        "image": st.sampled_from(["", "https://example.test/a.jpg", "https://example.test/b.jpg"]),
        "material": st.sampled_from(MATERIALS),
        "seconds": st.sampled_from(SECONDS),
        "video": st.sampled_from(["Feature", "Full", "Trailer", "Live"]),
    }
)


def render(kind: str, rows: list[dict[str, str]]) -> bytes:
    lines = [HEADERS[kind]]
    for r in rows:
        if kind == "v3":
            fields = [r["date"], r["type"], r["title"], r["episode"], r["gti"], "", "", "", ""]
            lines.append(_line([*fields[:-1], r["image"]], csv.QUOTE_ALL))
        elif kind == "4col":
            lines.append(_line([r["date"], r["type"], r["title"], r["episode"]], csv.QUOTE_MINIMAL))
        elif kind == "legacy":
            device = "Android9,,,springfield,US,ExampleNet,IL,HD,PRIME_SUBSCRIPTION"
            lines.append(f"{r['date']},{device},{r['video']},en-us,{r['title']}")
        else:
            title = f'"{r["title"]}"' if r["title"] else "Not Available"
            fields = [r["material"], r["date"], r["seconds"], title]
            lines.append(_line(fields, csv.QUOTE_MINIMAL))
    return ("\n".join(lines) + "\n").encode()


@FAST
@given(
    kind=st.sampled_from(["v3", "4col", "legacy", "current"]),
    rows=st.lists(ROW, min_size=1, max_size=10),
    data=st.data(),
)
def test_the_result_does_not_depend_on_the_order_of_the_rows(kind, rows, data):
    shuffled = data.draw(st.permutations(rows))

    first = read_or_refuse(render(kind, rows))
    second = read_or_refuse(render(kind, shuffled))

    assert first == second


@FAST
@given(st.lists(ROW, min_size=1, max_size=10))
def test_a_row_repeated_exactly_only_adds_duplicates(rows):
    once = read_or_refuse(render("v3", rows))
    twice = read_or_refuse(render("v3", rows + rows))

    # Rows without a title are unreadable, not duplicates, however often they repeat.
    assert twice.unreadable_rows == 2 * once.unreadable_rows
    # A row of empty cells is no record at all, so count the records rather than the rows.
    assert twice.duplicate_rows == once.duplicate_rows + once.total_rows - once.unreadable_rows
    assert twice.movies == once.movies
    assert twice.total_rows == 2 * once.total_rows


@FAST
@given(st.text(st.one_of(st.characters(codec="utf-8"), ALPHABET), max_size=60))
def test_clean_title_never_empties_a_title(raw):
    clean, year = clean_title(raw)

    assert bool(clean) == bool(raw.split())
    assert year is None or 1900 <= year <= 2099


# Words of film titles that resemble, but are not, the labels of episodes and extras.
NEAR_LABELS = [
    "Episode",
    "Episodes",
    "IV",
    "Chapter",
    "Folge",
    "Folgen",
    "27",
    "2",
    "Making",
    "Maker",
    "Behind",
    "Scenes",
    "Scene",
    "Bonuses",
    "Family",
    "First",
    "Look",
    "Looking",
    "Sneak",
    "Peeking",
    "Official",
    "Secrets",
    "Teasers",
    "Recapture",
    "Deleted",
    "Feature",
    "The",
    "of",
    "a",
    "Heat",
    "Amélie",
    "Le",
    "Coulisse",
    "Cómo",
    "Avances",
    "Resumé",
    "予告犯",
    "花",
    "第",
    "話",
    "Spider-Man",
    "Season",
    "Series",
    "Trailer Park",
    "Making Up",
    "Behind Closed Doors",
    "Official Secrets",
]
SEPARATORS = [" ", " ", " ", ": ", " - ", " – ", ", ", " (", ") "]
# The issue's own words for a label, kept apart from the reader's lists: two words of the
# vocabulary can form one ("Making" "of").
LABEL = re.compile(
    r"\b(?:making of|behind the scenes|featurette|deleted scenes?|sneak peek|first look"
    r"|official trailer|trailer|teaser|recap)\b|^(?:episode|folge|chapter)\s*\d",
    re.IGNORECASE,
)
FILM_TITLE = (
    st.lists(
        st.tuples(st.sampled_from(NEAR_LABELS), st.sampled_from(SEPARATORS)),
        min_size=1,
        max_size=5,
    )
    .map(lambda parts: "".join(word + sep for word, sep in parts).strip(" :-–,("))
    .filter(lambda title: not LABEL.search(title.replace("Trailer Park", "")))
)


@FAST
@given(
    films=st.lists(FILM_TITLE, min_size=1, max_size=8, unique=True),
    extras=st.lists(
        st.sampled_from(["Bonus: Making Of", "Episode 3: The Reckoning", "Recap", "花絮"]),
        max_size=4,
    ),
)
def test_dropping_extras_never_drops_a_row_typed_movie_without_a_label(films, extras):
    rows = [
        (f"2025-01-{day:02d} 10:00:00.000", "Movie", title)
        for day, title in enumerate([*films, *extras], start=1)
    ]

    history = read_history(v3_file(rows))

    assert history.movie_rows == len(films)
    assert history.extra_rows == len(extras)
    assert history.episode_rows == 0


def _extra_label_by_splitting(clean: str) -> bool:
    """`is_extra_label` as first written: split the whole title at every separator."""
    from imports.sources.titles import (
        _CJK_EXTRA_LABELS,
        _EXTRA_LABELS,
        _LABEL_PARTS,
        _SPACED_EXTRA_LABELS,
        EDGES,
    )

    text = clean.strip(EDGES + ")）").casefold()
    parts = _LABEL_PARTS.split(text)
    return (
        text in _EXTRA_LABELS
        or (len(parts) > 1 and (parts[0] in _EXTRA_LABELS or parts[-1] in _EXTRA_LABELS))
        or text.endswith(_SPACED_EXTRA_LABELS)
        or text.endswith(_CJK_EXTRA_LABELS)
    )


LABEL_PIECES = st.sampled_from(
    ["Trailer", "Making Of", "Behind the Scenes", "予告編", "Bande-annonce", "Recap", "Featurette"]
)
TITLE_WORDS = st.sampled_from(["Dune", "Part", "Two", "Amélie", "Trailer Park", "of", "Boys"])
LABEL_SEPARATORS = st.sampled_from([" ", ": ", " - ", " – ", " (", "：", ") "])


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(LABEL_PIECES, TITLE_WORDS, st.lists(TITLE_WORDS, min_size=20).map(" ".join)),
        min_size=1,
        max_size=8,
    ),
    separators=st.lists(LABEL_SEPARATORS, min_size=8, max_size=8),
)
def test_a_long_title_is_an_extra_exactly_when_splitting_it_whole_says_so(pieces, separators):
    from imports.sources.titles import is_extra_label

    title = "".join(p + s for p, s in zip(pieces, separators, strict=False)).strip()

    assert is_extra_label(title) == _extra_label_by_splitting(title)
