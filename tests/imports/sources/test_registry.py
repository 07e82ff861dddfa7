"""The registry: a source added to it is asked before a file is refused as unrecognised."""

from imports.sources import SOURCES, Format, read_history
from imports.sources.base import Header, Layout, Row, Rows
from imports.sources.tables import csv_records, read_table
from tests.imports.sources.helpers import error_for, titles, zipped

DIARY = b"Date,Name,Year\n2025-07-01,The Shining,1980\n2025-07-10,Full Metal Jacket,1987\n"


class Diary:
    """A stand-in for the next family of files: a header of its own and one ZIP member."""

    labels = {Format.EXPORTER_4COL: "Film diary"}
    members = ("diary.csv",)

    def recognise(self, header: Header) -> Layout | None:
        if header.cells != ["date", "name", "year"]:
            return None
        columns = {"date": 0, "title": 1}
        return Layout(Format.EXPORTER_4COL, "Film diary", header.delimiter, columns, 3)

    def read(self, layout: Layout, body: list[str], max_rows: int) -> Rows:
        return read_table(layout, body, max_rows, csv_records, _diary_row)


def _diary_row(fields: list[str], layout: Layout) -> Row:
    return Row(fields[0], fields[1], "", "movie")


def test_a_registered_source_reads_a_file_no_other_source_recognises():
    assert "We could not recognise this file" in error_for(DIARY)

    history = read_history(DIARY, sources=(*SOURCES, Diary()))

    assert history.format_label == "Film diary"
    assert titles(history) == ["Full Metal Jacket", "The Shining"]


def test_a_registered_source_names_the_zip_member_that_holds_its_history():
    data = zipped({"export/profile.csv": b"Username\nalice\n", "export/diary.csv": DIARY})
    assert "This ZIP has no Viewing History.csv." in error_for(data)

    history = read_history(data, sources=(*SOURCES, Diary()))

    assert history.movie_count == 2
