"""Watch dates read in every shape the sources write, and the per-file day/month decision."""

from imports.sources import read_history
from tests.imports.sources.helpers import read, utc


def test_it_reads_epoch_millisecond_dates_as_utc():
    history = read("v3_epoch_ms_de.csv")
    mercy = next(m for m in history.movies if m.clean_title == "Mercy Black")

    assert mercy.title == "Mercy Black [dt./OV]"
    assert mercy.last_watched == utc(2024, 9, 28, 20, 0, 0)


def test_it_keeps_a_row_whose_date_cannot_be_read_and_leaves_that_date_out():
    history = read("v3_epoch_ms_de.csv")
    anatomy = next(m for m in history.movies if m.title == "Anatomie eines Falls")

    assert history.undated_rows == 1
    assert anatomy.watched == (utc(2024, 9, 29, 20, 0, 0),)


def test_a_day_above_12_settles_day_first_dates_in_a_french_excel_file():
    history = read("exporter_4col_excel_fr.csv")

    assert history.format_label == "Prime Video exporter (4 columns, French)"
    assert history.language == "fr"
    dates = {m.title: m.last_watched for m in history.movies}
    assert dates["La Haine"] == utc(2022, 4, 3)
    assert dates["Astérix & Obélix : Mission Cléopâtre"] == utc(2022, 4, 2)
    assert history.date_warning == ""


def test_it_warns_when_nothing_in_the_file_says_whether_the_day_or_month_comes_first():
    history = read("exporter_4col_ambiguous_dates.csv")

    assert "01/02/2022" in history.date_warning
    assert "month/day/year" in history.date_warning
    assert history.movies[0].last_watched == utc(2022, 5, 9)


def test_ambiguous_dates_in_a_semicolon_file_from_a_european_excel_are_read_day_first():
    data = b"Date Watched;Type;Title;Episode\r\n05/09/2022;Movie;Heat;\r\n"

    history = read_history(data)

    assert history.movies[0].last_watched == utc(2022, 9, 5)
    assert "We read them as day/month/year." in history.date_warning


def test_it_reports_dates_that_mix_day_first_and_month_first():
    data = b"Date Watched,Type,Title,Episode\n13/01/2022,Movie,Heat,\n01/13/2022,Movie,Ronin,\n"

    history = read_history(data)

    assert "mixes day/month and month/day" in history.date_warning
    assert history.undated_rows == 1
