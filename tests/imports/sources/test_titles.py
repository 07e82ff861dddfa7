"""Title grammar: edition tags and year hints, extras and episodes typed as movies."""

import pytest

from imports.sources import clean_title, read_history
from tests.imports.sources.helpers import LEGACY_DEVICE, LEGACY_HEADER, titles, v3, v3_row


@pytest.mark.parametrize(
    ("raw", "clean", "year"),
    [
        ("Mercy Black [dt./OV]", "Mercy Black", None),
        ("Der Pate [OV/OmU]", "Der Pate", None),
        ("Amélie [OV]", "Amélie", None),
        ("Das Boot [OmU]", "Das Boot", None),
        ("Perfect Days (Subbed)", "Perfect Days", None),
        ("Dune [Ultra HD]", "Dune", None),
        ("Dune (Ultra HD)", "Dune", None),
        ("Blade Runner 2049 (4K UHD)", "Blade Runner 2049", None),
        ("Parasite (English Subtitled)", "Parasite", None),
        ("Your Name. (English Dubbed)", "Your Name.", None),
        ("Akira (English dub version)", "Akira", None),
        ("Borat (Theatrical/Rated Version)", "Borat", None),
        ("Borat (Unrated Version)", "Borat", None),
        ("Aliens (Extended)", "Aliens", None),
        ("Bandersnatch (Non-Interactive)", "Bandersnatch", None),
        ("Inception Bonus X-Ray Edition", "Inception", None),
        ("Ghostbusters Special Edition", "Ghostbusters", None),
        ("Jaws: Remastered", "Jaws", None),
        ("Das Boot (inkl. Bonusmaterial)", "Das Boot", None),
        ("Ronin (1998)", "Ronin", 1998),
        ("Dune (2021) [dt./OV]", "Dune", 2021),
        ("Solaris (1972) (4K UHD)", "Solaris", 1972),
        ("(500) Days of Summer", "(500) Days of Summer", None),
        ("Mission: Impossible – Fallout", "Mission: Impossible – Fallout", None),
        ("1917", "1917", None),
        ("  Heat\u00a0 ", "Heat", None),
        ('"Red One"', "Red One", None),
        ("[OV]", "[OV]", None),
    ],
)
def test_clean_title_strips_edition_tags_and_reads_a_trailing_year(raw, clean, year):
    assert clean_title(raw) == (clean, year)


@pytest.mark.parametrize(
    "title",
    [
        "Episode 0: Official Trailer",
        "Dune: Part Two – Official Trailer",
        "Reacher Trailer",
        "The Boys: Behind the Scenes",
        "Fallout: Sneak Peek",
        "Red One - First Look",
    ],
)
def test_it_treats_trailers_and_featurettes_typed_movie_as_extras(title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (history.extra_rows, history.movie_count) == (1, 0)


EPISODE_LABELS = [
    # An episode that Amazon lists as a top-level title, which the exporter types Movie.
    ("en", "Episode 3: The Reckoning"),
    ("en", "Episode 12"),
    ("en", "[OV] Episode 7: Homecoming"),
    ("en", "Episode 1: Pilot (4K UHD)"),
    ("de", "Folge 3: Der Verrat"),
    ("de", "[dt./OV] Folge 4"),
    ("fr", "Épisode 2 : La Fuite"),
    ("es", "Capítulo 4: El regreso"),
    ("es", "Episodio 5 - La boda"),
    ("pt", "Episódio 6: O Plano"),
    ("pt", "Capítulo 7"),
    ("ja", "第5話 決戦"),
    ("ja", "エピソード1"),
    ("zh", "第3集"),
    ("zh", "第十二話：終章"),
]


EXTRA_LABELS = [
    ("en", "Bonus: Making Of"),
    ("en", "Making Of"),
    ("en", "The Rings of Power: Behind the Scenes"),
    ("en", "Gladiator II - Featurette"),
    ("en", "Deleted Scenes"),
    ("en", "Reacher: Sneak Peek"),
    ("en", "First Look"),
    ("en", "Official Trailer"),
    ("en", "Teaser"),
    ("en", "Recap: Season 1"),
    ("en", "The Boys Season 3 Recap"),
    ("de", "Hinter den Kulissen"),
    ("de", "Babylon Berlin: Offizieller Trailer"),
    ("de", "Making-of"),
    ("de", "Rückblick: Staffel 1"),
    ("fr", "Les Misérables : Scènes coupées"),
    ("fr", "Bande-annonce officielle"),
    ("fr", "Dans les coulisses"),
    ("es", "Cómo se hizo: La sociedad de la nieve"),
    ("es", "Escenas eliminadas"),
    ("es", "Tráiler oficial"),
    ("pt", "Bastidores"),
    ("pt", "Cenas excluídas"),
    ("pt", "Bônus: Por trás da câmera"),
    ("ja", "メイキング"),
    ("ja", "ザ・ボーイズ 予告編"),
    ("ja", "特典映像"),
    ("zh", "流浪地球2 花絮"),
    ("zh", "幕後花絮"),
    ("zh", "正式預告"),
]


TYPED_MOVIE_FILMS = [
    "Star Wars: Episode IV - A New Hope",
    "Chapter 27",
    "Trailer Park Boys: The Movie",
    "The Making of Fanny and Alexander",
    "Behind Enemy Lines",
    "Episodes of Love",
    "Recapture",
    "The First Look Back",
    "予告犯",
    "Die Folgen",
    "Bonus Family",
]


@pytest.mark.parametrize(("language", "title"), EPISODE_LABELS + EXTRA_LABELS)
def test_an_episode_or_extra_typed_movie_is_left_out_as_an_extra(language, title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (history.movie_count, history.extra_rows, history.live_rows) == (0, 1, 0)
    assert [extra.title for extra in history.extras] == [title]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("Datum angesehen,Typ,Titel,Folge", "Film"),
        ("Date regardée,Type,Titre,Épisode", "Film"),
        ("Fecha de visualización,Tipo,Título,Episodio", "Película"),
        ("Data assistida,Tipo,Título,Episódio", "Filme"),
        ("視聴日,種類,タイトル,エピソード", "映画"),
        ("觀看日期,類型,標題,集", "電影"),
    ],
)
@pytest.mark.parametrize("title", ["Folge 3: Der Verrat", "Making-of", "第5話 決戦", "花絮"])
def test_the_localized_exporter_leaves_out_extras_typed_as_films(header, kind, title):
    data = f'{header}\n2025-03-14,{kind},"{title}",\n2025-03-13,{kind},"Heat",\n'.encode()

    history = read_history(data)

    assert (titles(history), history.extra_rows) == (["Heat"], 1)


@pytest.mark.parametrize("title", TYPED_MOVIE_FILMS)
def test_a_film_whose_title_only_resembles_a_label_stays_a_film(title):
    history = read_history(v3(v3_row("2025-01-01 10:00:00.000", "Movie", title, gti="g")))

    assert (titles(history), history.extra_rows) == ([title], 0)


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("The Expanse - Season 2", "episode"),
        ("Babylon Berlin - Staffel 3", "episode"),
        ("Le Bureau des légendes – Saison 1", "episode"),
        ("Gomorra - Stagione 4", "episode"),
        ("La casa de papel  -  Temporada 3", "episode"),
        ("Undercover - Seizoen 2", "episode"),
        ("ザ・ボーイズ シーズン1", "episode"),
        ("Episode 4: The Pact", "episode"),
        ("Folge 2: Der Ausbruch", "episode"),
        ("Episode 0: Official Trailer", "extra"),
        ("Mission: Impossible – Fallout", "movie"),
        ("I nuovi vicini - The Ones Below", "movie"),
        ("Star Wars: Episode IV - A New Hope", "movie"),
        ("Season of the Witch", "movie"),
        ("Series 7: The Contenders", "movie"),
        ("Paddington 2", "movie"),
    ],
)
def test_title_grammar_decides_when_there_is_no_type_column(title, kind):
    row = f"01/02/2020 10:00:00,{LEGACY_DEVICE},PRIME_SUBSCRIPTION,Feature,en,{title}"

    history = read_history(f"{LEGACY_HEADER}\n{row}\n".encode())

    counts = {
        "movie": history.movie_rows,
        "episode": history.episode_rows,
        "extra": history.extra_rows,
    }
    assert counts == {name: int(name == kind) for name in counts}
