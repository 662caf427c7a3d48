"""Reading a reviews CSV file (server/reviews/importing.py): every row checked, every problem
reported with its row and column, and nothing accepted from a file with any problem."""

from __future__ import annotations

from datetime import date

import pytest

from server.catalog.csv_io import ImportRejected
from server.reviews.importing import MAX_ROWS, parse_review_date, read_review_rows
from server.reviews.model import ReviewInput

TODAY = date(2025, 7, 1)
HEADER = "sku,rating,title,body,name,date\r\n"


def problems(data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejected) as refused:
        read_review_rows(data, TODAY)
    return [(problem.row, problem.column) for problem in refused.value.problems]


def test_a_good_file_is_read_row_by_row():
    data = (
        "\ufeff" + HEADER + 'MUG-1,5,Lovely,"Holds heat, well.",Aoife B.,2024-03-15\r\n'
        "MUG-1,1,,,Seán,2025-07-01\r\n\r\n,,,,,\r\n"
    ).encode()
    rows = read_review_rows(data, TODAY)
    assert [(row.row, row.sku, row.review, row.day) for row in rows] == [
        (2, "MUG-1", ReviewInput(5, "Lovely", "Holds heat, well.", "Aoife B."), date(2024, 3, 15)),
        (3, "MUG-1", ReviewInput(1, "", "", "Seán"), date(2025, 7, 1)),
    ]


def test_columns_may_come_in_any_order_and_title_and_body_may_be_left_out():
    rows = read_review_rows(b"date,Name,RATING,sku\n2024-01-02,Ann,3,MUG-1\n", TODAY)
    assert rows[0].review == ReviewInput(3, "", "", "Ann")


def test_every_bad_row_and_column_is_reported():
    data = (
        (
            HEADER + "MUG-1,5,ok,ok,Ann,2024-01-01\n"  # row 2: fine
            ",9,ok,ok,,2024-13-01\n"  # row 3: sku, rating, name, date
            "MUG-1,4,ok,ok,Ann,2099-01-01\n"  # row 4: a date in the future
            "MUG-1,4,ok,ok,Ann,1999-12-31\n"  # row 5: before 2000
            "MUG-1,4,ok,ok,Ann,2024-1-1\n"  # row 6: not spelled as an ISO date
        ).encode()
    )
    assert problems(data) == [
        (3, "sku"), (3, "rating"), (3, "name"), (3, "date"), (4, "date"), (5, "date"), (6, "date"),
    ]  # fmt: skip


def test_a_row_that_does_not_fit_the_header_is_refused_as_the_catalogs_import_does():
    extra = HEADER + "MUG-1,5,ok,ok,Ann,2024-01-01\nMUG-1,4,ok,ok,Ann,2024-01-01,extra\n"
    assert problems(extra.encode()) == [(3, "")]


def test_the_header_is_checked_first():
    assert problems(b"sku,rating,stars,name\nMUG-1,5,5,Ann\n") == [(1, "stars"), (1, "date")]
    assert problems(b"sku,rating,name,date,name\n") == [(1, "name")]


@pytest.mark.parametrize(
    "data",
    [b"", b"sku,rating,name,date\n", b"sku,rating,name,date\n,,,\n", b"\xff\xfe\x00s"],
)
def test_an_empty_or_unreadable_file_is_refused(data):
    assert problems(data)


def test_too_many_rows_are_refused():
    row = "MUG-1,5,,,Ann,2024-01-01\n"
    assert problems((HEADER + row * (MAX_ROWS + 1)).encode()) == [(MAX_ROWS + 2, "")]


def test_a_cell_escaped_for_spreadsheets_is_read_back():
    rows = read_review_rows((HEADER + "MUG-1,5,'=great,'-1 flaw,Ann,2024-01-01\n").encode(), TODAY)
    assert (rows[0].review.title, rows[0].review.body) == ("=great", "-1 flaw")


def test_a_review_date_is_a_day_from_2000_to_today():
    assert parse_review_date(" 2025-07-01 ", TODAY) == TODAY
    for bad in ("2025-07-02", "1999-12-31", "15/03/2024", "20240315", "2024-02-30", ""):
        with pytest.raises(ValueError):
            parse_review_date(bad, TODAY)
