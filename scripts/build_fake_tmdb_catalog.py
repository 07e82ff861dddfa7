"""Build `tests/data/tmdb_catalog.json`: the films the fake TMDB (`tests/fake_tmdb.py`) serves.

Most films come from the CC0 Wikidata table in the `bokeh-sampledata` package (1940-2014); the
films the tests lean on but the table lacks (everything after 2014) are written out below. TMDB
ids, poster paths and overviews are synthetic but derived from the IMDb id, so a rebuild gives
the same file byte for byte.

    .venv/bin/pip install -e '.[catalog-build]'
    .venv/bin/python scripts/build_fake_tmdb_catalog.py [--check]

`--check` writes nothing and fails when the committed file is not what this script builds.
The file holds one film per line, so a changed film is a one-line diff. The test suite reads it
as data and never runs this script.
"""

import hashlib
import json
import sqlite3
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "tmdb_catalog.json"
# TMDB writes these titles with an en dash; matching has to cope, so the fixture keeps it.
DASH = "\N{EN DASH}"
# The most-reviewed films in the table, added to the hand-picked ones below.
POPULAR_COUNT = 130

# Remakes sharing a title, sequels, classics and non-English originals: the cases matching has
# to get right. (title, year) as spelled in the sample table.
PICKED = [
    ("Halloween", 1978),
    ("Halloween", 2007),
    ("Halloween II", 1981),
    ("Halloween II", 2009),
    ("Hamlet", 1948),
    ("Hamlet", 1990),
    ("Hamlet", 1996),
    ("Hamlet", 2000),
    ("Hamlet", 2011),
    ("Hamlet 2", 2008),
    ("A Star Is Born", 1954),
    ("A Star Is Born", 1976),
    ("The Thing from Another World", 1951),
    ("The Thing", 1982),
    ("The Thing", 2011),
    ("Total Recall", 1990),
    ("Total Recall", 2012),
    ("RoboCop", 1987),
    ("RoboCop", 2014),
    ("True Grit", 1969),
    ("True Grit", 2010),
    ("The Italian Job", 1969),
    ("The Italian Job", 2003),
    ("Psycho", 1960),
    ("Psycho", 1998),
    ("King Kong", 1976),
    ("King Kong", 2005),
    ("Oldboy", 2003),
    ("Oldboy", 2013),
    ("Let the Right One In", 2008),
    ("Let Me In", 2010),
    ("The Girl with the Dragon Tattoo", 2009),
    ("The Girl with the Dragon Tattoo", 2011),
    ("Infernal Affairs", 2002),
    ("The Departed", 2006),
    ("Dune", 1984),
    ("The Godfather", 1972),
    ("The Godfather Part II", 1974),
    ("The Godfather Part III", 1990),
    ("Rocky", 1976),
    ("Rocky II", 1979),
    ("Rocky III", 1982),
    ("Rocky IV", 1985),
    ("Mission: Impossible", 1996),
    ("Mission: Impossible 2", 2000),
    ("Mission: Impossible III", 2006),
    (f"Mission: Impossible {DASH} Ghost Protocol", 2011),
    ("Toy Story", 1995),
    ("Toy Story 2", 1999),
    ("Toy Story 3", 2010),
    (f"Star Wars: Episode IV {DASH} A New Hope", 1977),
    (f"Star Wars: Episode V {DASH} The Empire Strikes Back", 1980),
    (f"Star Wars: Episode VI {DASH} Return of the Jedi", 1983),
    ("The Matrix", 1999),
    ("The Matrix Reloaded", 2003),
    ("The Matrix Revolutions", 2003),
    ("The Shawshank Redemption", 1994),
    ("Amélie", 2001),
    ("The Intouchables", 2011),
    ("Casablanca", 1942),
    ("Pulp Fiction", 1994),
    ("Inception", 2010),
    ("Jaws", 1975),
    ("Back to the Future", 1985),
    ("E.T. the Extra-Terrestrial", 1982),
    ("Forrest Gump", 1994),
    ("The Silence of the Lambs", 1991),
    ("One Flew Over the Cuckoo's Nest", 1975),
    ("Some Like It Hot", 1959),
    ("Fight Club", 1999),
    ("Goodfellas", 1990),
    ("Schindler's List", 1993),
    ("Alien", 1979),
    ("Aliens", 1986),
    ("Blade Runner", 1982),
    ("Vertigo", 1958),
    ("12 Angry Men", 1957),
    ("Scarface", 1983),
    ("Ben-Hur", 1959),
    ("Lawrence of Arabia", 1962),
    ("Apocalypse Now", 1979),
    ("Taxi Driver", 1976),
    ("The Shining", 1980),
    ("2001: A Space Odyssey", 1968),
    ("Dr. Strangelove", 1964),
    ("Seven", 1995),
    ("Die Hard", 1988),
    ("Home Alone", 1990),
    ("Das Boot", 1981),
    ("Crouching Tiger, Hidden Dragon", 2000),
    ("8½", 1963),
    ("La Dolce Vita", 1960),
    ("Cinema Paradiso", 1988),
    ("The Good, the Bad and the Ugly", 1966),
    ("The Lives of Others", 2006),
    ("Downfall", 2004),
    ("Run Lola Run", 1998),
    ("Life Is Beautiful", 1997),
    ("Seven Samurai", 1954),
    ("Amores perros", 2000),
    ("City of God", 2002),
    ("Pan's Labyrinth", 2006),
    ("Léon: The Professional", 1994),
]

# Films the sample table does not have (it ends in 2014), as TMDB lists them.
EXTRA_FILMS = [
    {
        "imdb_id": "tt6710474",
        "title": "Everything Everywhere All at Once",
        "release_date": "2022-03-24",
        "runtime": 139,
        "genres": ["Action", "Adventure", "Science Fiction"],
        "director": "Daniel Kwan, Daniel Scheinert",
        "popularity": 71.4,
    },
    {
        "imdb_id": "tt14948432",
        "title": "Red One",
        "release_date": "2024-10-31",
        "runtime": 124,
        "genres": ["Action", "Fantasy", "Comedy"],
        "director": "Jake Kasdan",
        "popularity": 96.2,
    },
    {
        "imdb_id": "tt17009710",
        "title": "Anatomy of a Fall",
        "release_date": "2023-08-23",
        "runtime": 152,
        "genres": ["Crime", "Drama", "Mystery"],
        "director": "Justine Triet",
        "popularity": 38.9,
    },
    {
        "imdb_id": "tt4912910",
        "title": f"Mission: Impossible {DASH} Fallout",
        "release_date": "2018-07-13",
        "runtime": 148,
        "genres": ["Action", "Adventure", "Thriller"],
        "director": "Christopher McQuarrie",
        "popularity": 58.7,
    },
    {
        "imdb_id": "tt1502407",
        "title": "Halloween",
        "release_date": "2018-10-18",
        "runtime": 106,
        "genres": ["Horror", "Thriller"],
        "director": "David Gordon Green",
        "popularity": 44.1,
    },
    {
        "imdb_id": "tt1517451",
        "title": "A Star Is Born",
        "release_date": "2018-10-03",
        "runtime": 136,
        "genres": ["Music", "Drama", "Romance"],
        "director": "Bradley Cooper",
        "popularity": 52.3,
    },
    {
        "imdb_id": "tt1979376",
        "title": "Toy Story 4",
        "release_date": "2019-06-19",
        "runtime": 100,
        "genres": ["Family", "Adventure", "Animation", "Comedy"],
        "director": "Josh Cooley",
        "popularity": 64.0,
    },
    {
        "imdb_id": "tt1160419",
        "title": "Dune",
        "release_date": "2021-09-15",
        "runtime": 155,
        "genres": ["Science Fiction", "Adventure"],
        "director": "Denis Villeneuve",
        "popularity": 88.5,
    },
    {
        "imdb_id": "tt15239678",
        "title": "Dune: Part Two",
        "release_date": "2024-02-27",
        "runtime": 167,
        "genres": ["Science Fiction", "Adventure"],
        "director": "Denis Villeneuve",
        "popularity": 92.8,
    },
    {
        "imdb_id": "tt15398776",
        "title": "Oppenheimer",
        "release_date": "2023-07-19",
        "runtime": 181,
        "genres": ["Drama", "History"],
        "director": "Christopher Nolan",
        "popularity": 80.6,
    },
    {
        "imdb_id": "tt1517268",
        "title": "Barbie",
        "release_date": "2023-07-19",
        "runtime": 114,
        "genres": ["Comedy", "Adventure"],
        "director": "Greta Gerwig",
        "popularity": 76.2,
    },
    {
        "imdb_id": "tt6751668",
        "title": "Parasite",
        "release_date": "2019-05-30",
        "runtime": 133,
        "genres": ["Comedy", "Thriller", "Drama"],
        "director": "Bong Joon-ho",
        "popularity": 69.3,
    },
    {
        "imdb_id": "tt1016150",
        "title": "All Quiet on the Western Front",
        "release_date": "2022-10-07",
        "runtime": 148,
        "genres": ["War", "History", "Drama"],
        "director": "Edward Berger",
        "popularity": 41.5,
    },
    {
        "imdb_id": "tt1745960",
        "title": "Top Gun: Maverick",
        "release_date": "2022-05-21",
        "runtime": 131,
        "genres": ["Action", "Drama"],
        "director": "Joseph Kosinski",
        "popularity": 83.9,
    },
    {
        "imdb_id": "tt7286456",
        "title": "Joker",
        "release_date": "2019-10-01",
        "runtime": 122,
        "genres": ["Crime", "Thriller", "Drama"],
        "director": "Todd Phillips",
        "popularity": 74.8,
    },
    {
        "imdb_id": "tt8946378",
        "title": "Knives Out",
        "release_date": "2019-11-27",
        "runtime": 131,
        "genres": ["Comedy", "Crime", "Mystery"],
        "director": "Rian Johnson",
        "popularity": 49.6,
    },
    {
        "imdb_id": "tt14230458",
        "title": "Poor Things",
        "release_date": "2023-12-07",
        "runtime": 141,
        "genres": ["Science Fiction", "Romance", "Comedy"],
        "director": "Yorgos Lanthimos",
        "popularity": 47.2,
    },
]

# Where TMDB's title differs from Wikidata's English label: the old label stays findable as an
# alternative title, which is exactly the kind of mismatch Prime titles run into.
TMDB_TITLES = {
    "tt0114369": "Se7en",
    "tt0076759": "Star Wars",
    "tt0057012": "Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb",
    "tt0088763": "Back to the Future",
}

# imdb_id: (original_title, original_language)
ORIGINALS = {
    "tt0211915": ("Le Fabuleux Destin d'Amélie Poulain", "fr"),
    "tt1675434": ("Intouchables", "fr"),
    "tt17009710": ("Anatomie d'une chute", "fr"),
    "tt0110413": ("Léon", "fr"),
    "tt6751668": ("기생충", "ko"),
    "tt0364569": ("올드보이", "ko"),
    "tt1016150": ("Im Westen nichts Neues", "de"),
    "tt0405094": ("Das Leben der Anderen", "de"),
    "tt0363163": ("Der Untergang", "de"),
    "tt0130827": ("Lola rennt", "de"),
    "tt0082096": ("Das Boot", "de"),
    "tt0118799": ("La vita è bella", "it"),
    "tt0056801": ("8½", "it"),
    "tt0053779": ("La dolce vita", "it"),
    "tt0095765": ("Nuovo Cinema Paradiso", "it"),
    "tt0060196": ("Il buono, il brutto, il cattivo", "it"),
    "tt0047478": ("七人の侍", "ja"),
    "tt0245712": ("Amores perros", "es"),
    "tt0457430": ("El laberinto del fauno", "es"),
    "tt0317248": ("Cidade de Deus", "pt"),
    "tt0338564": ("無間道", "cn"),
    "tt0190332": ("臥虎藏龍", "zh"),
    "tt1139797": ("Låt den rätte komma in", "sv"),
    "tt1132620": ("Män som hatar kvinnor", "sv"),
}

# What TMDB answers with `language=...`; each becomes an alternative title for its country too.
TRANSLATIONS = {
    "tt0111161": {
        "de-DE": "Die Verurteilten",
        "fr-FR": "Les Évadés",
        "es-ES": "Cadena perpetua",
    },
    "tt0211915": {
        "de-DE": "Die fabelhafte Welt der Amélie",
        "fr-FR": "Le Fabuleux Destin d'Amélie Poulain",
    },
    "tt1675434": {"de-DE": "Ziemlich beste Freunde", "fr-FR": "Intouchables"},
    "tt17009710": {"de-DE": "Anatomie eines Falls", "fr-FR": "Anatomie d'une chute"},
    "tt0034583": {"de-DE": "Casablanca", "fr-FR": "Casablanca"},
    "tt0110912": {"de-DE": "Pulp Fiction"},
    "tt0133093": {"de-DE": "Matrix", "fr-FR": "Matrix"},
    "tt1375666": {"de-DE": "Inception", "fr-FR": "Inception"},
    "tt0068646": {"de-DE": "Der Pate", "fr-FR": "Le Parrain"},
    "tt0071562": {"de-DE": f"Der Pate {DASH} Teil II", "fr-FR": "Le Parrain, 2e partie"},
    "tt0099674": {"de-DE": f"Der Pate {DASH} Teil III", "fr-FR": "Le Parrain, 3e partie"},
    "tt0077651": {"de-DE": f"Halloween {DASH} Die Nacht des Grauens"},
    "tt0084787": {"de-DE": "Das Ding aus einer anderen Welt"},
    "tt0044121": {"de-DE": "Das Ding aus einer anderen Welt"},
    "tt0100802": {"de-DE": f"Die totale Erinnerung {DASH} Total Recall"},
    "tt0065126": {"de-DE": "Der Marshal"},
    "tt0064505": {"de-DE": "Charlie staubt Millionen ab"},
    "tt0317740": {"de-DE": f"The Italian Job {DASH} Jagd auf Millionen"},
    "tt0047522": {"de-DE": "Ein neuer Stern am Himmel"},
    "tt14948432": {"de-DE": f"Red One {DASH} Alarmstufe Weihnachten"},
    "tt1016150": {"de-DE": "Im Westen nichts Neues"},
    "tt0073195": {"de-DE": "Der weiße Hai", "fr-FR": "Les Dents de la mer"},
    "tt0088763": {"de-DE": "Zurück in die Zukunft", "fr-FR": "Retour vers le futur"},
    "tt0076759": {"de-DE": "Krieg der Sterne", "fr-FR": "La Guerre des étoiles"},
    "tt0102926": {"de-DE": "Das Schweigen der Lämmer", "fr-FR": "Le Silence des agneaux"},
    "tt0073486": {"de-DE": "Einer flog über das Kuckucksnest"},
    "tt0053291": {"de-DE": "Manche mögen's heiß"},
    "tt0099685": {"de-DE": f"GoodFellas {DASH} Drei Jahrzehnte in der Mafia"},
    "tt0108052": {"de-DE": "Schindlers Liste", "fr-FR": "La Liste de Schindler"},
    "tt0095016": {"de-DE": "Stirb langsam", "fr-FR": "Piège de cristal"},
    "tt0099785": {"de-DE": f"Kevin {DASH} Allein zu Haus", "fr-FR": "Maman, j'ai raté l'avion !"},
    "tt0057012": {"de-DE": "Dr. Seltsam oder: Wie ich lernte, die Bombe zu lieben"},
    "tt0118799": {"de-DE": "Das Leben ist schön", "fr-FR": "La vie est belle"},
    "tt0405094": {"de-DE": "Das Leben der Anderen", "fr-FR": "La Vie des autres"},
    "tt0363163": {"de-DE": "Der Untergang"},
    "tt0130827": {"de-DE": "Lola rennt", "fr-FR": "Cours, Lola, cours"},
    "tt0047478": {"de-DE": "Die sieben Samurai", "fr-FR": "Les Sept Samouraïs"},
    "tt0457430": {"de-DE": "Pans Labyrinth", "fr-FR": "Le Labyrinthe de Pan"},
    "tt0110413": {"de-DE": f"Léon {DASH} Der Profi"},
    "tt0190332": {"de-DE": "Tiger & Dragon"},
    "tt0060196": {"de-DE": "Zwei glorreiche Halunken", "fr-FR": "Le Bon, la Brute et le Truand"},
    "tt1139797": {"de-DE": "So finster die Nacht"},
    # Both the Swedish film and the American remake are "Verblendung" in Germany.
    "tt1132620": {"de-DE": "Verblendung"},
    "tt1568346": {"de-DE": "Verblendung"},
    "tt0114709": {"de-DE": "Toy Story"},
    "tt0435761": {"de-DE": "Toy Story 3"},
}

# (country, title) pairs beyond the translations and renamed labels above.
ALTERNATIVE_TITLES = {
    "tt0211915": [("US", "Amelie"), ("GB", "Amélie from Montmartre")],
    "tt0044121": [("US", "The Thing")],
    "tt0071562": [("US", "The Godfather: Part II"), ("US", "Godfather 2")],
    "tt0099674": [("US", "The Godfather: Part III"), ("US", "Godfather 3")],
    "tt1675434": [("US", "Untouchable")],
    "tt17009710": [("US", "Anatomy of a Fall")],
    "tt4912910": [("US", "Mission: Impossible 6")],
    "tt0133093": [("US", "Matrix")],
}

# TMDB has entries with no release date yet; the client must cope with "".
NO_RELEASE_DATE = {"tt1964758"}
NO_POSTER = {"tt1964758", "tt0171359"}

GENRE_IDS = {
    "Action": 28,
    "Adventure": 12,
    "Animation": 16,
    "Comedy": 35,
    "Crime": 80,
    "Documentary": 99,
    "Drama": 18,
    "Family": 10751,
    "Fantasy": 14,
    "History": 36,
    "Horror": 27,
    "Music": 10402,
    "Mystery": 9648,
    "Romance": 10749,
    "Science Fiction": 878,
    "Thriller": 53,
    "War": 10752,
    "Western": 37,
}
# Wikidata/OMDb genre names that TMDB spells differently or folds into another genre.
GENRE_ALIASES = {
    "Sci-Fi": "Science Fiction",
    "Musical": "Music",
    "Biography": "History",
    "Sport": "Drama",
    "Film-Noir": "Crime",
}
LANGUAGE_CODES = {
    "French": "fr",
    "German": "de",
    "Italian": "it",
    "Spanish": "es",
    "Japanese": "ja",
    "Korean": "ko",
    "Portuguese": "pt",
    "Swedish": "sv",
    "Danish": "da",
    "Russian": "ru",
    "Cantonese": "cn",
    "Mandarin": "zh",
    "Chinese": "zh",
}
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def movies_db() -> Path:
    try:
        import bokeh_sampledata
    except ImportError:
        sys.exit("bokeh-sampledata is not installed: pip install -e '.[catalog-build]'")
    return Path(bokeh_sampledata.__file__).parent / "_data" / "movies.db"


def digest(imdb_id: str, salt: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{salt}:{imdb_id}".encode()).digest()[:8], "big")


def synthetic_tmdb_id(imdb_id: str) -> int:
    # Never equal to the IMDb number, so a test cannot pass by mixing the two ids up.
    return 100_000 + digest(imdb_id, "tmdb-id") % 900_000


def synthetic_poster_path(imdb_id: str) -> str:
    """Shaped like TMDB's: 27 base62 characters and .jpg."""
    number = int.from_bytes(hashlib.sha256(f"poster:{imdb_id}".encode()).digest(), "big")
    chars = []
    for _ in range(27):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "/" + "".join(chars) + ".jpg"


def tmdb_genres(names: list[str]) -> list[dict]:
    genres: list[dict] = []
    for name in names:
        name = GENRE_ALIASES.get(name, name)
        if name in GENRE_IDS and all(g["name"] != name for g in genres):
            genres.append({"id": GENRE_IDS[name], "name": name})
    return genres


def overview(genres: list[dict], year: str, director: str) -> str:
    kinds = " and ".join(g["name"].lower() for g in genres[:2]) or "feature"
    by = f", directed by {director.split(',')[0].strip()}" if director else ""
    article = "An" if kinds[0] in "aeiou" else "A"
    return f"{article} {kinds} film from {year or 'an unknown year'}{by}."


def film(row: dict) -> dict:
    imdb_id = row["imdb_id"]
    wikidata_title = row["title"]
    title = TMDB_TITLES.get(imdb_id, wikidata_title)
    original_title, language = ORIGINALS.get(imdb_id, (title, row["language"]))
    translations = TRANSLATIONS.get(imdb_id, {})
    release_date = "" if imdb_id in NO_RELEASE_DATE else row["release_date"]
    genres = tmdb_genres(row["genres"])
    alternatives = [(tag.split("-")[1], name) for tag, name in translations.items()]
    alternatives += ALTERNATIVE_TITLES.get(imdb_id, [])
    if wikidata_title != title:
        alternatives.append(("US", wikidata_title))
    alternative_titles = []
    for country, name in alternatives:
        entry = {"iso_3166_1": country, "title": name, "type": ""}
        if name not in (title, original_title) and entry not in alternative_titles:
            alternative_titles.append(entry)
    return {
        "id": synthetic_tmdb_id(imdb_id),
        "imdb_id": imdb_id,
        "title": title,
        "original_title": original_title,
        "original_language": language,
        "release_date": release_date,
        "overview": overview(genres, release_date[:4], row["director"]),
        "popularity": row["popularity"],
        "vote_average": row.get("vote_average", 7.0),
        "vote_count": row.get("vote_count", 1000),
        "poster_path": None if imdb_id in NO_POSTER else synthetic_poster_path(imdb_id),
        "runtime": row["runtime"],
        "genres": genres,
        "alternative_titles": alternative_titles,
        "translations": translations,
    }


def table_rows(db: Path) -> list[dict]:
    connection = sqlite3.connect(db)
    query = """
        SELECT o.imdbID, o.Title, o.Year, o.Runtime, o.Genre, o.Released, o.Director,
               o.Language, t.Reviews, t.Rating
        FROM omdb o LEFT JOIN tomatoes t ON t.ID = o.ID
    """
    by_title_year: dict[tuple[str, int], dict] = {}
    for (
        imdb_id,
        title,
        year,
        runtime,
        genre,
        released,
        director,
        languages,
        reviews,
        rating,
    ) in connection.execute(query):
        spoken = [part.strip() for part in (languages or "").split(",") if part.strip()]
        english = not spoken or any("English" in part for part in spoken)
        by_title_year[(title, year)] = {
            "imdb_id": imdb_id,
            "title": title,
            "year": year,
            # The table puts an unknown day as January 1st; keep it, TMDB has such dates too.
            "release_date": released if (released or "").startswith(str(year)) else f"{year}-01-01",
            "runtime": int(runtime) if runtime else None,
            "genres": [part.strip() for part in (genre or "").split(",") if part.strip()],
            "director": director or "",
            "language": "en" if english else LANGUAGE_CODES.get(spoken[0], "en"),
            "reviews": reviews or 0,
            "popularity": round((reviews or 10) / 5, 3),
            "vote_average": round(rating, 1) if rating else 6.5,
            "vote_count": (reviews or 10) * 40,
        }
    connection.close()
    missing = [key for key in PICKED if key not in by_title_year]
    if missing:
        sys.exit(f"not in the sample table: {missing}")
    picked = [by_title_year[key] for key in PICKED]
    seen = {row["imdb_id"] for row in picked}
    popular = sorted(by_title_year.values(), key=lambda r: (-r["reviews"], r["title"], r["year"]))
    for row in popular:
        if len(picked) >= len(PICKED) + POPULAR_COUNT:
            break
        if row["imdb_id"] not in seen:
            picked.append(row)
            seen.add(row["imdb_id"])
    return picked


def build() -> str:
    """The file's content."""
    rows = table_rows(movies_db())
    rows += [{**extra, "language": "en"} for extra in EXTRA_FILMS]
    films = [film(row) for row in rows]
    ids = [f["id"] for f in films]
    if len(set(ids)) != len(ids) or len({f["imdb_id"] for f in films}) != len(films):
        sys.exit("synthetic TMDB ids collide; change the salt in synthetic_tmdb_id")
    films.sort(key=lambda f: (f["title"], f["release_date"], f["id"]))
    about = (
        "Films served by tests/fake_tmdb.py. Generated by "
        "scripts/build_fake_tmdb_catalog.py from the CC0 Wikidata table in bokeh-sampledata; "
        "TMDB ids, posters and overviews are synthetic."
    )
    lines = ",\n".join(f"  {json.dumps(f, ensure_ascii=False)}" for f in films)
    return f'{{\n "about": {json.dumps(about)},\n "movies": [\n{lines}\n ]\n}}\n'


def main(argv: list[str]) -> int:
    content = build()
    if "--check" in argv:
        if OUTPUT.read_text(encoding="utf-8") != content:
            print(f"{OUTPUT} is not what this script builds: run it without --check")
            return 1
        print(f"{OUTPUT} is up to date")
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(content, encoding="utf-8")
    print(f"wrote {content.count(chr(10)) - 5} films to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
