"""Films without a poster get a tile: initials on a colour drawn from the title."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from catalog.titles import initials, tile_colour
from rankings.templatetags.films import day, watch_days

APP_CSS = Path(__file__).resolve().parents[2] / "static" / "app.css"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Star Wars: Episode IV – A New Hope", "SW"),
        ("The Matrix", "M"),
        ("The Lord of the Rings: The Fellowship of the Ring", "LR"),
        ("Dr. Strangelove or: How I Learned to Stop Worrying", "DS"),
        ("(500) Days of Summer", "5D"),
        ("Schindler's List", "SL"),
        ("amélie", "A"),
        ("A", "A"),
        ("...", "?"),
    ],
)
def test_initials_are_the_first_letters_of_the_first_two_significant_words(title, expected):
    assert initials(title) == expected


def test_a_title_always_gets_the_same_one_of_eight_colours_and_titles_spread_over_them():
    titles = [f"Film Number {n}" for n in range(200)]
    assert [tile_colour(t) for t in titles] == [tile_colour(t) for t in titles]
    assert {tile_colour(t) for t in titles} == set(range(8))


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_every_tile_colour_is_defined_and_white_initials_on_it_are_readable():
    colours = dict(
        re.findall(r"\.tile-(\d) \{ background: (#[0-9a-f]{6}); \}", APP_CSS.read_text())
    )
    assert sorted(colours) == [str(n) for n in range(8)]
    for colour in colours.values():
        contrast = 1.05 / (_luminance(colour) + 0.05)
        assert contrast >= 4.5, f"{colour} gives {contrast:.2f}:1"


def test_a_film_without_a_poster_shows_its_tile():
    html = render_to_string("rankings/_poster.html", {"url": "", "title": "Star Wars"})
    tile = f'<span class="poster tile tile-{tile_colour("Star Wars")}" aria-hidden="true">SW</span>'
    assert html.strip().endswith(tile)
    assert "<img" not in html and "style=" not in html


def test_a_poster_carries_its_tile_hidden_beside_it_for_when_the_image_fails():
    html = render_to_string(
        "rankings/_poster.html", {"url": "https://image.example/p.jpg", "title": "Star Wars"}
    )
    img, tile = re.search(r"(<img [^>]*>)(<span [^>]*>SW</span>)", html).groups()
    assert 'class="poster"' in img and 'alt="Poster of Star Wars"' in img
    assert f'class="poster tile tile-{tile_colour("Star Wars")}"' in tile and " hidden" in tile


@pytest.mark.parametrize(
    "value",
    [date(2025, 11, 24), datetime(2025, 11, 24, 18, 30, tzinfo=UTC), "2025-11-24T18:30:00+00:00"],
)
def test_dates_read_day_month_year_whatever_they_are_stored_as(value):
    assert day(value) == "24 Nov 2025"


def test_something_that_is_not_a_date_reads_as_nothing():
    assert day("not a date") == "" and day(None) == ""


def test_watch_days_are_distinct_and_newest_first():
    watched = [
        "2024-05-01T22:30:00+00:00",
        "2024-05-01T20:00:00+00:00",
        "2023-01-02T20:00:00+00:00",
    ]
    assert watch_days(watched) == [date(2024, 5, 1), date(2023, 1, 2)]
