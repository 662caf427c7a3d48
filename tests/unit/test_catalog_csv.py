"""Products CSV: exact money strings, formula-safe cells, and row-level import checks."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.catalog.csv_io import (
    ImportRejected,
    product_cells,
    products_csv,
    products_from_rows,
    read_rows,
    spreadsheet_safe,
    unescape_cell,
)
from server.catalog.service import Product
from server.money import CURRENCY_EXPONENTS, format_major_units, parse_major_units

HEADER = "sku,name,price"


def a_product(**changes) -> Product:
    fields = dict(
        id=1, sku="MUG-1", product_group="MUG", name="Mug", variant="Blue", description="",
        price=1800, compare_at_price=None, image_url="", weight_grams=350, track_stock=True,
        stock=12, allow_oversell=False, active=True,
    )  # fmt: skip
    return Product(**(fields | changes))


# --- money as decimal strings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "currency", "minor_units"),
    [
        ("24.00", "EUR", 2400),
        ("24", "EUR", 2400),
        ("24.5", "EUR", 2450),
        (" 0.29 ", "EUR", 29),  # float(0.29) * 100 is 28.999…
        ("19.99", "USD", 1999),
        ("1000000.00", "EUR", 100_000_000),
        ("2400", "JPY", 2400),
    ],
)
def test_prices_convert_exactly_to_minor_units(text, currency, minor_units):
    assert parse_major_units(text, currency) == minor_units


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("24.001", "EUR"),
        ("24.000", "EUR"),  # more decimals than the currency has, even zeros
        ("2400.0", "JPY"),
        ("24.5", "JPY"),
        ("24,00", "EUR"),
        ("-1.00", "EUR"),
        ("1e3", "EUR"),
        ("€24", "EUR"),
        ("", "EUR"),
        (".5", "EUR"),
        ("NaN", "EUR"),
        ("24.00\n1", "EUR"),
        ("1" * 16, "EUR"),
    ],
)
def test_prices_that_are_not_exact_amounts_are_refused(text, currency):
    with pytest.raises(ValueError):
        parse_major_units(text, currency)


def test_the_refusal_says_how_many_decimals_the_currency_has():
    with pytest.raises(ValueError, match="at most 2 decimal places"):
        parse_major_units("24.001", "EUR")
    with pytest.raises(ValueError, match="no decimal places"):
        parse_major_units("24.5", "JPY")


@given(st.integers(0, 10**9 - 1), st.sampled_from(sorted(CURRENCY_EXPONENTS)))
def test_formatting_and_parsing_are_inverses(minor_units, currency):
    assert parse_major_units(format_major_units(minor_units, currency), currency) == minor_units


def test_formatting_uses_the_currency_exponent():
    assert format_major_units(2400, "EUR") == "24.00"
    assert format_major_units(5, "EUR") == "0.05"
    assert format_major_units(2400, "JPY") == "2400"


# --- spreadsheet formula injection -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "exported"),
    [
        ('=HYPERLINK("http://evil.test")', '\'=HYPERLINK("http://evil.test")'),
        ("+1+1", "'+1+1"),
        ("-1+cmd|' /C calc'!A0", "'-1+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("'=1", "''=1"),  # already quoted text keeps its own quote after a round trip
        ("-3", "-3"),  # plain numbers cannot be formulas
        ("-3\n", "'-3\n"),
        ("24.00", "24.00"),
        ("'Tis the season", "'Tis the season"),
        ("Mug", "Mug"),
        ("", ""),
    ],
)
def test_formula_like_cells_are_neutralised(value, exported):
    assert spreadsheet_safe(value) == exported
    assert unescape_cell(exported) == value


@given(st.text())
def test_every_exported_cell_imports_back_unchanged(value):
    safe = spreadsheet_safe(value)
    assert unescape_cell(safe) == value
    assert not safe.startswith(("=", "+", "@", "\t", "\r"))
    assert not safe.startswith("-") or safe.lstrip("-").replace(".", "").isdigit()


def test_export_starts_with_a_bom_and_the_header():
    text = products_csv([a_product(name="=cmd()")], "EUR")
    assert text.startswith("\ufeffsku,product_group,name,")
    assert "'=cmd()" in text
    assert ",18.00,," in text


# --- reading rows ------------------------------------------------------------------------------


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    data = f'{HEADER}\r\nA,Apple,1.00\r\n\r\nB,"Banana,\nripe",2.00\r\n'.encode()
    rows = read_rows(data)
    assert [(row.number, row.cells["sku"]) for row in rows] == [(2, "A"), (4, "B")]
    assert rows[1].cells["name"] == "Banana,\nripe"


def test_header_is_case_insensitive_and_may_have_a_bom():
    rows = read_rows("\ufeffSKU, Name ,Price\nA,Apple,1.00\n".encode())
    assert rows[0].cells == {"sku": "A", "name": "Apple", "price": "1.00"}


@pytest.mark.parametrize(
    ("data", "column", "message"),
    [
        (b"sku,name\nA,Apple\n", "price", "required"),
        (b"sku,name,price,colour\nA,Apple,1,red\n", "colour", "not a column"),
        (b"sku,name,price,price\nA,Apple,1,2\n", "price", "more than once"),
    ],
)
def test_a_bad_header_is_reported_on_row_1(data, column, message):
    with pytest.raises(ImportRejected) as caught:
        read_rows(data)
    problem = caught.value.problems[0]
    assert (problem.row, problem.column) == (1, column)
    assert message in problem.message


def test_a_file_that_is_not_utf8_is_refused():
    with pytest.raises(ImportRejected, match="problem"):
        read_rows("sku,name,price\nA,Café,1.00\n".encode("cp1252"))


def test_empty_unnamed_columns_are_ignored_but_not_their_values():
    rows = read_rows(b"sku,name,price,,\nA,Apple,1.00,,\n")
    assert rows[0].cells == {"sku": "A", "name": "Apple", "price": "1.00"}
    with pytest.raises(ImportRejected) as caught:
        read_rows(b"sku,name,price,\nA,Apple,1.00,\nB,Banana,2.00,oops\n")
    assert caught.value.problems[0].row == 3


def test_a_row_with_too_many_cells_is_refused():
    with pytest.raises(ImportRejected) as caught:
        read_rows(b"sku,name,price\nA,Apple,1.00,extra\n")
    assert caught.value.problems[0].row == 2


def test_an_empty_file_has_no_products():
    with pytest.raises(ImportRejected) as caught:
        read_rows(b"sku,name,price\n\n")
    assert "no products" in caught.value.problems[0].message


# --- rows to products --------------------------------------------------------------------------


def test_every_problem_of_every_row_is_reported():
    rows = read_rows(
        b"sku,name,price,stock,track_stock\n"
        b"OK-1,Fine,1.00,3,true\n"
        b"BAD-1,Broken,24.001,lots,maybe\n"
        b"OK-1,Again,2.00,0,false\n"
        b"BAD 2,,1.00,0,false\n"
    )
    with pytest.raises(ImportRejected) as caught:
        products_from_rows(rows, "EUR", {})
    found = {(p.row, p.column) for p in caught.value.problems}
    assert found == {(3, "price"), (3, "stock"), (3, "track_stock"), (4, "sku"), (5, "sku")}


def test_catalog_rules_apply_to_rows():
    rows = read_rows(b"sku,name,price,compare_at_price\nA,Apple,2.00,1.50\n")
    with pytest.raises(ImportRejected) as caught:
        products_from_rows(rows, "EUR", {})
    assert caught.value.problems[0].column == "compare_at_price"


def test_columns_left_out_keep_the_current_values():
    existing = a_product(stock=12, active=False, description="Glazed")
    rows = read_rows(b"sku,name,price\nMUG-1,Big mug,19.50\nNEW-1,New,1.00\n")
    updated, new = products_from_rows(rows, "EUR", {"MUG-1": existing})
    assert (updated.name, updated.price, updated.stock) == ("Big mug", 1950, 12)
    assert (updated.active, updated.description, updated.variant) == (False, "Glazed", "Blue")
    assert (new.active, new.track_stock, new.stock, new.product_group) == (True, False, 0, "NEW-1")


def test_an_exported_product_reads_back_the_same():
    product = a_product(name="=danger", description="Line one\nline two, with comma",
                        compare_at_price=2400, allow_oversell=True, stock=-2)  # fmt: skip
    rows = read_rows(products_csv([product], "EUR").encode())
    (back,) = products_from_rows(rows, "EUR", {})
    assert product_cells(back, "EUR") == product_cells(product, "EUR")
