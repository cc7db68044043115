"""Uploads of indicator tables: layouts, encodings, cells, units, every validation error with its file rows."""

from __future__ import annotations

import csv
import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from policylens import paths, schema
from policylens.indicators import units
from policylens.indicators.table import FULL_YEAR_NOTE, load_indicators
from policylens.indicators.upload import (
    DATASET,
    MAX_UPLOAD_BYTES,
    IndicatorUploadError,
    combine_indicator_tables,
    read_indicator_upload,
)
from policylens.indicators.upload.layout import sniff_delimiter
from policylens.text.pillars import load_codebook

LONG_HEADER = ["city", "year", "indicator_id", "value", "unit", "source_title", "source_url"]


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode(encoding)


def long_row(
    year: object = 2022,
    value: object = "16908",
    indicator: str = "gdp",
    unit: str = "亿元",
    url: str = "https://example.com/a",
    city: str = "Nanjing",
) -> list[object]:
    return [city, year, indicator, value, unit, "Bulletin", url]


def read_long(*rows: list[object]) -> pd.DataFrame:
    return read_indicator_upload(csv_bytes([LONG_HEADER, *rows]), "upload.csv")


def problems_of(data: bytes, name: str = "upload.csv") -> dict[str, tuple[int, ...]]:
    """Problem code -> the file rows it occurs in (a code may come from several messages)."""
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, name)
    rows: dict[str, set[int]] = {}
    for problem in caught.value.problems:
        rows.setdefault(problem.code, set()).update(problem.rows)
    return {code: tuple(sorted(found)) for code, found in rows.items()}


def expected(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The loader's output for rows given as {column: value}; absent text columns are ""."""
    full = [{c: r.get(c, "") for c in schema.INDICATOR_COLUMNS} for r in rows]
    frame = pd.DataFrame(full, columns=list(schema.INDICATOR_COLUMNS))
    text = {c: "str" for c in schema.INDICATOR_COLUMNS if c not in (schema.YEAR, schema.VALUE)}
    return frame.astype({**text, schema.YEAR: "Int64", schema.VALUE: "float64"})


GDP_2022 = {
    "city": "Nanjing",
    "year": 2022,
    "pillar": "strong",
    "indicator_id": "gdp",
    "value": 16908.0,
    "unit": "亿元",
    "unit_code": "100m_cny",
    "qualifier": "exact",
    "source_title": "Bulletin",
    "source_url": "https://example.com/a",
}


# ---- layouts and encodings -------------------------------------------------------------------


def test_long_form_becomes_the_bundled_columns_with_pillar_from_the_bundled_table():
    table = read_long(long_row(), long_row(2021, "突破1.6万亿元", unit="万亿元", url="https://example.com/b"))
    second = {
        **GDP_2022,
        "year": 2021,
        "value": 1.6,
        "unit": "万亿元",
        "unit_code": "trillion_cny",
        "qualifier": "lower_bound",
        "source_url": "https://example.com/b",
    }
    pd.testing.assert_frame_equal(table, expected([GDP_2022, second]))


def test_wide_form_with_year_columns_is_reshaped_row_by_row_and_gaps_stay_gaps():
    header = ["city", "indicator_id", "indicator_en", "unit", "source_title", "source_url", "2019", "2020", "2021"]
    data = csv_bytes(
        [
            header,
            ["Nanjing", "gdp", "GDP", "亿元", "Bulletin", "https://example.com/a", "14030.15", "", "—"],
            ["Suzhou", "gdp", "GDP", "亿元", "Bulletin", "https://example.com/a", "19235.8", "20170.5", ""],
        ]
    )
    table = read_indicator_upload(data, "wide.csv")
    base = {**GDP_2022, "indicator_en": "GDP"}
    pd.testing.assert_frame_equal(
        table,
        expected(
            [
                {**base, "year": 2019, "value": 14030.15},
                {**base, "city": "Suzhou", "year": 2019, "value": 19235.8},
                {**base, "city": "Suzhou", "year": 2020, "value": 20170.5},
            ]
        ),
    )


def test_chinese_headers_and_year_headers_in_gb18030_map_names_to_bundled_ids_and_cities():
    header = ["城市", "指标", "单位", "来源", "链接", "2020年", "2021年", "2022年"]
    data = csv_bytes(
        [
            header,
            ["南京市", "地区生产总值", "亿元", "统计公报", "https://example.com/a", "14817", "", "16,908亿元"],
            ["南京", "研发投入强度", "%", "统计公报", "https://example.com/a", "3.48%", "3.6", ""],
        ],
        encoding="gb18030",
    )
    table = read_indicator_upload(data, "年鉴.csv")
    assert table[["city", "year", "indicator_id", "indicator_zh", "value", "unit_code", "pillar"]].to_dict(
        "records"
    ) == [
        {
            "city": "Nanjing",
            "year": 2020,
            "indicator_id": "gdp",
            "indicator_zh": "地区生产总值",
            "value": 14817.0,
            "unit_code": "100m_cny",
            "pillar": "strong",
        },
        {
            "city": "Nanjing",
            "year": 2022,
            "indicator_id": "gdp",
            "indicator_zh": "地区生产总值",
            "value": 16908.0,
            "unit_code": "100m_cny",
            "pillar": "strong",
        },
        {
            "city": "Nanjing",
            "year": 2020,
            "indicator_id": "rd_intensity_pct",
            "indicator_zh": "研发投入强度",
            "value": 3.48,
            "unit_code": "pct",
            "pillar": "new",
        },
        {
            "city": "Nanjing",
            "year": 2021,
            "indicator_id": "rd_intensity_pct",
            "indicator_zh": "研发投入强度",
            "value": 3.6,
            "unit_code": "pct",
            "pillar": "new",
        },
    ]


def test_utf8_bom_header_is_recognised():
    data = b"\xef\xbb\xbf" + csv_bytes([LONG_HEADER, long_row()])
    pd.testing.assert_frame_equal(read_indicator_upload(data, "bom.csv"), expected([GDP_2022]))


def delimited_bytes(rows: list[list[object]], delimiter: str) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("delimiter", [",", "\t", ";"], ids=["comma", "tab", "semicolon"])
def test_comma_tab_and_semicolon_files_are_read_alike(delimiter):
    data = delimited_bytes([LONG_HEADER, long_row()], delimiter)
    assert sniff_delimiter(data.decode()) == delimiter
    pd.testing.assert_frame_equal(read_indicator_upload(data, "upload.csv"), expected([GDP_2022]))


def test_a_quoted_comma_in_a_semicolon_file_stays_inside_its_cell():
    # a comma in the header no longer makes it a comma file: the sniffer skips quoted cells
    data = (
        ";".join(LONG_HEADER)
        + ';"note, free text"\n'
        + ";".join(map(str, long_row()[:5]))
        + ';"Bulletin, 2023 edition";https://example.com/a;"a, b"\n'
    )
    assert sniff_delimiter(data) == ";"
    table = read_indicator_upload(data.encode(), "upload.csv")
    assert table["source_title"].tolist() == ["Bulletin, 2023 edition"] and table["value"].tolist() == [16908.0]


def test_a_one_column_file_is_read_as_comma_separated():
    data = "city\nNanjing\nSuzhou\n"
    assert sniff_delimiter(data) == ","
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data.encode(), "one.csv")
    (problem,) = caught.value.problems
    assert problem.code == "missing_columns" and "The header (row 1) has: 'city'." in problem.message


def test_the_pillar_column_takes_the_codebook_in_use_ids_and_labels():
    """The pillars come from the codebook (editable in the app), not from a fixed list."""
    shipped = load_codebook()
    green = dataclasses.replace(shipped.pillars[0], id="green", label_en="Green", label_zh="绿")
    edited = dataclasses.replace(shipped, pillars=(*shipped.pillars, green))
    header = ["city", "year", "indicator_en", "pillar", "value", "unit", "source_title", "source_url"]
    rows = [
        ["Nanjing", "2022", f"Share {i}", pillar, "1", "%", "T", "https://example.com/u"]
        for i, pillar in enumerate(["green", "绿", "Green", "融", "Strong"])
    ]
    table = read_indicator_upload(csv_bytes([header, *rows]), "x.csv", codebook=edited)
    assert table[schema.PILLAR].tolist() == ["green", "green", "green", "fusion", "strong"]
    with pytest.raises(IndicatorUploadError) as caught:  # the shipped codebook has no such pillar
        read_indicator_upload(csv_bytes([header, rows[0]]), "x.csv")
    (problem,) = [p for p in caught.value.problems if p.code == "unknown_pillar"]
    assert "Allowed: new, strong, fusion (or 新, 强, 融)" in problem.message


def test_english_name_without_id_becomes_a_slug_and_needs_a_pillar():
    header = ["city", "year", "indicator_en", "pillar", "value", "unit", "source_title", "source_url"]
    data = csv_bytes(
        [header, ["Nanjing", "2022", "Gross regional product", "strong", "1", "亿元", "T", "https://example.com/u"]]
    )
    assert read_indicator_upload(data, "x.csv")["indicator_id"].tolist() == ["gross_regional_product"]


def write_xlsx(rows: list[list[object]], percent_cells: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    for ref in percent_cells:
        sheet[ref].number_format = "0.00%"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_reads_numbers_and_percent_formatted_cells_as_shown():
    header = ["city", "indicator_id", "unit", "source_title", "source_url", 2021, 2022]
    data = write_xlsx(
        [
            header,
            ["Nanjing", "rd_intensity_pct", "%", "T", "https://example.com/u", 0.036, 0.0382],
            ["Nanjing", "gdp", "亿元", "T", "https://example.com/u", None, 16908],
        ],
        percent_cells=("F2", "G2"),
    )
    table = read_indicator_upload(data, "book.xlsx")
    assert table[["indicator_id", "year", "value", "unit_code"]].values.tolist() == [
        ["rd_intensity_pct", 2021, 3.6, "pct"],
        ["rd_intensity_pct", 2022, 3.82, "pct"],
        ["gdp", 2022, 16908.0, "100m_cny"],
    ]


def test_xlsx_errors_give_the_sheet_row_numbers_across_blank_rows():
    data = write_xlsx([LONG_HEADER, long_row(), [None] * 7, long_row(2021, "n/a")])
    assert problems_of(data, "book.xlsx") == {"non_numeric": (4,)}


def test_blank_csv_lines_still_count_in_row_numbers():
    data = csv_bytes([LONG_HEADER, long_row()]) + b"\n" + csv_bytes([long_row(2021, "abc")])
    assert problems_of(data) == {"non_numeric": (4,)}


# ---- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "unit", "value", "qualifier"),
    [
        ("1,234", "亿元", 1234.0, "exact"),
        ("16,908亿元", "亿元", 16908.0, "exact"),
        ("356万人", "万人", 356.0, "exact"),
        ("3.5%", "%", 3.5, "exact"),
        ("超4000家", "家", 4000.0, "lower_bound"),
        ("8800家以上", "家", 8800.0, "lower_bound"),
        ("≥10000", "家", 10000.0, "lower_bound"),
        ("约29%左右", "%", 29.0, "approx"),
        ("~2.4", "万家", 2.4, "approx"),
        ("预计14817", "亿元", 14817.0, "preliminary"),
    ],
)
def test_cells_written_for_people_give_value_and_qualifier(cell, unit, value, qualifier):
    table = read_long(long_row(value=cell, unit=unit))
    assert (table["value"].item(), table["qualifier"].item()) == (value, qualifier)


def test_unit_in_a_cell_must_be_the_rows_unit():
    assert problems_of(
        csv_bytes(
            [
                LONG_HEADER,
                long_row(),
                long_row(2021, "1.6万亿元", url="https://example.com/b"),
                long_row(2020, "3.5%", url="https://example.com/c"),
            ]
        )
    ) == {"unit_mismatch": (3, 4)}


def test_non_numeric_values_list_their_rows_and_the_row_convention():
    data = csv_bytes([LONG_HEADER, long_row(), long_row(2021, "abc"), long_row(2020), long_row(2019, "1,23")])
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, "x.csv")
    (problem,) = caught.value.problems
    assert (problem.code, problem.rows) == ("non_numeric", (3, 5))
    assert problem.message.startswith(
        "Value is not a number in rows 3, 5 (row numbers as in your file: "
        "row 1 is the header, the first data row is row 2)"
    )
    assert '"abc" is not a number (row 3)' in problem.message


def test_wide_form_errors_name_the_year_column():
    header = ["city", "indicator_id", "unit", "source_title", "source_url", "2020", "2021"]
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(
            csv_bytes([header, ["Nanjing", "gdp", "亿元", "T", "https://example.com/u", "1", "x"]]), "w.csv"
        )
    assert "(row 2, column 2021)" in caught.value.problems[0].message


def test_marker_and_qualifier_column_must_agree():
    header = [*LONG_HEADER, "qualifier"]
    data = csv_bytes(
        [
            header,
            [*long_row(value="超100"), "approx"],
            [*long_row(2021, "预计超过100"), ""],
            [*long_row(2020, "100"), "rough"],
        ]
    )
    assert problems_of(data) == {"qualifier_conflict": (2, 3), "unknown_qualifier": (4,)}


# ---- columns, years, units, pillars ----------------------------------------------------------


def test_missing_columns_are_named_with_the_header_row():
    data = csv_bytes([["city", "year", "value"], ["Nanjing", "2022", "1"]])
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, "x.csv")
    (problem,) = caught.value.problems
    assert (problem.code, problem.rows) == ("missing_columns", (1,))
    assert "unit, source_title, source_url, indicator_id or indicator_en or indicator_zh" in problem.message


def test_both_layouts_at_once_and_repeated_columns_are_refused():
    assert problems_of(csv_bytes([[*LONG_HEADER, "2020"], long_row()])) == {"ambiguous_layout": (1,)}
    assert problems_of(csv_bytes([[*LONG_HEADER, "城市"], long_row()])) == {"duplicate_column": (1,)}


def test_years_must_be_four_digits_within_1949_to_2100():
    data = csv_bytes(
        [
            LONG_HEADER,
            long_row(1948),
            long_row(2101, url="https://example.com/b"),
            long_row("20x0", url="https://example.com/c"),
            long_row("2020年", url="https://example.com/d"),
            long_row("", url="https://example.com/e"),
        ]
    )
    assert problems_of(data) == {"year_out_of_range": (2, 3), "invalid_year": (4,), "empty_cell": (6,)}
    wide = ["city", "indicator_id", "unit", "source_title", "source_url", "1900", "2020"]
    assert problems_of(csv_bytes([wide, ["Nanjing", "gdp", "亿元", "T", "https://example.com/u", "1", "2"]])) == {
        "year_out_of_range": (1,)
    }


def test_required_cells_must_not_be_empty():
    assert problems_of(
        csv_bytes(
            [
                LONG_HEADER,
                long_row(city=""),
                long_row(value="", url="https://example.com/b"),
                ["Nanjing", "2022", "gdp", "1", "亿元", "", ""],
            ]
        )
    ) == {"empty_cell": (2, 3, 4)}


def test_units_map_to_codes_or_are_refused_and_unit_code_overrides():
    header = [*LONG_HEADER, "unit_code"]
    data = csv_bytes([header, [*long_row(unit="元"), ""], [*long_row(2021, unit="家"), "hectares"]])
    assert problems_of(data) == {"unknown_unit": (2,), "unknown_unit_code": (3,)}
    table = read_indicator_upload(
        csv_bytes([header, [*long_row(indicator="new_rd_institutions", value="401", unit="家"), "institutions"]]),
        "x.csv",
    )
    assert table["unit_code"].tolist() == ["institutions"]


def test_every_bundled_unit_text_maps_to_its_bundled_code():
    bundled = load_indicators()
    assert [units.find_unit_code(u) for u in bundled["unit"]] == bundled["unit_code"].tolist()


def test_pillar_must_be_known_or_come_from_the_bundled_table():
    header = [*LONG_HEADER, "pillar"]
    data = csv_bytes(
        [
            header,
            [*long_row(), "STRONG"],
            [*long_row(2021), "core"],
            [*long_row(2020, indicator="my_new_series"), ""],
            [*long_row(2019, indicator="metro_km"), "融"],
        ]
    )
    assert problems_of(data) == {"unknown_pillar": (3,), "missing_pillar": (4,)}


# ---- duplicates: conflict between sources versus error within a source -----------------------


def test_same_source_with_two_values_is_an_error_listing_both_rows():
    data = csv_bytes([LONG_HEADER, long_row(), long_row(2021), long_row(value="16900")])
    assert problems_of(data) == {"duplicate_conflict": (2, 4)}


def test_different_sources_are_kept_as_a_conflict_and_identical_rows_once():
    table = read_long(long_row(), long_row(value="16900", url="https://example.com/b"), long_row())
    assert table[["value", "source_url"]].values.tolist() == [
        [16908.0, "https://example.com/a"],
        [16900.0, "https://example.com/b"],
    ]


def test_same_source_same_value_in_another_scale_is_no_clash():
    table = read_long(long_row(), long_row(value="1.6908", unit="万亿元"))
    assert table["unit_code"].tolist() == ["100m_cny", "trillion_cny"]


def test_all_problems_are_reported_together():
    data = csv_bytes(
        [
            LONG_HEADER,
            long_row(value="abc"),
            long_row(1900, url="https://example.com/b"),
            long_row(2020, unit="元", url="https://example.com/c"),
        ]
    )
    assert problems_of(data) == {"non_numeric": (2,), "year_out_of_range": (3,), "unknown_unit": (4,)}


# ---- files that are not tables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"", "x.csv", "empty"),
        (b"\n \r\n", "x.csv", "empty"),
        (",,,\n\n", "x.csv", "empty"),
        (",".join(LONG_HEADER).encode() + b"\n", "x.csv", "no_rows"),
        (b"city,year\n", "x.tsv", "unsupported"),
        (b"a", "x.xls", "unsupported"),
        (b"a", "noextension", "unsupported"),
        (b"city,year\n1,2\n", "x.xlsx", "xlsx"),
        (b"PK\x03\x04 damaged", "x.xlsx", "xlsx"),
    ],
)
def test_files_that_are_not_tables_get_a_specific_error(data, name, code):
    data = data.encode() if isinstance(data, str) else data
    assert list(problems_of(data, name)) == [code]


def test_a_workbook_saved_as_csv_is_told_to_use_xlsx():
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(write_xlsx([LONG_HEADER, long_row()]), "book.csv")
    assert caught.value.problems[0].code == "binary" and ".xlsx extension" in str(caught.value)


def test_a_workbook_that_unpacks_past_the_cap_is_refused_before_openpyxl_parses_it(monkeypatch):
    import zipfile

    from policylens.documents import formats

    def must_not_parse(*args, **kwargs):
        raise AssertionError("openpyxl was asked to parse a refused workbook")

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/worksheets/sheet1.xml", b"<c/>" * (3 * 2**20 // 4))  # 3 MB of sheet XML
    data = bomb.getvalue()
    assert len(data) < 100_000  # compresses to a few kB
    monkeypatch.setattr(formats, "MAX_UNPACKED_BYTES", 2 * 2**20)
    monkeypatch.setattr(openpyxl, "load_workbook", must_not_parse)
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, "bomb.xlsx")
    assert caught.value.problems[0].code == "xlsx_unpacked"
    assert "The workbook unpacks to 3 MB; the limit is 2 MB. It was not read." in str(caught.value)
    monkeypatch.setattr(formats, "MAX_UNPACKED_BYTES", 200 * 2**20)
    monkeypatch.setattr(formats, "MAX_PACKAGE_XML_BYTES", 2 * 2**20)  # the XML alone is bounded too
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, "bomb.xlsx")
    assert caught.value.problems[0].code == "xlsx_xml" and "3 MB of XML; the limit is 2 MB" in str(caught.value)


def test_a_workbook_of_too_many_parts_is_refused_before_it_is_parsed(monkeypatch):
    import zipfile

    import openpyxl

    from policylens.documents import formats

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as package:
        for n in range(12):
            package.writestr(f"xl/worksheets/sheet{n}.xml", b"<c/>")
    monkeypatch.setattr(formats, "MAX_PACKAGE_ENTRIES", 10)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: pytest.fail("openpyxl parsed a refused workbook"))
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(many.getvalue(), "many.xlsx")
    assert caught.value.problems[0].code == "xlsx_entries"
    assert "The workbook holds 12 parts; the limit is 10." in str(caught.value)


def test_a_workbook_under_the_unpack_cap_is_read():
    table = read_indicator_upload(write_xlsx([LONG_HEADER, long_row()]), "book.xlsx")
    assert len(table) == 1


def test_files_over_20_mb_are_refused_before_parsing():
    assert problems_of(b"x" * (MAX_UPLOAD_BYTES + 1)) == {"too_large": ()}


def test_wide_file_whose_year_cells_are_all_gaps_has_no_rows():
    header = ["city", "indicator_id", "unit", "source_title", "source_url", "2020"]
    assert problems_of(csv_bytes([header, ["Nanjing", "gdp", "亿元", "T", "https://example.com/u", "-"]])) == {
        "no_rows": (1,)
    }


# ---- the example file and combining datasets -------------------------------------------------


def test_example_file_holds_real_bundled_rows():
    example = read_indicator_upload((paths.INDICATORS_DIR / "example_wide.csv").read_bytes(), "example_wide.csv")
    bundled = load_indicators()
    key = ["city", "year", "indicator_id", "source_url"]
    compared = [*key, "pillar", "value", "unit_code", "qualifier", "period_note", "source_title", "source_quote"]
    merged = example[compared].merge(bundled[compared], on=key, how="left", suffixes=("", "_bundled"))
    for column in compared[len(key) :]:
        assert merged[column].tolist() == merged[f"{column}_bundled"].tolist(), column
    assert len(example) == 13 and set(example["period_note"]) == {FULL_YEAR_NOTE}


def test_combine_adds_dataset_and_keeps_a_row_from_the_earliest_dataset_once():
    bundled = load_indicators()
    example = read_indicator_upload((paths.INDICATORS_DIR / "example_wide.csv").read_bytes(), "example_wide.csv")
    mine = read_indicator_upload(
        csv_bytes([[*LONG_HEADER, "pillar"], [*long_row(indicator="metro_km", unit="rank", city="Wuxi"), "fusion"]]),
        "mine.csv",
    )
    combined = combine_indicator_tables({"bundled": bundled, "example_wide.csv": example, "mine.csv": mine})
    assert list(combined.columns) == [*schema.INDICATOR_COLUMNS, DATASET]
    assert combined[DATASET].value_counts().to_dict() == {"bundled": len(bundled), "mine.csv": 1}
    pd.testing.assert_frame_equal(combined.iloc[: len(bundled), :-1], bundled)
    reversed_order = combine_indicator_tables({"example_wide.csv": example, "bundled": bundled})
    # the example's 13 rows are bundled rows: listed first, they are the example's, and the bundled copies go
    assert reversed_order[DATASET].value_counts().to_dict() == {"bundled": len(bundled) - 13, "example_wide.csv": 13}


def test_combine_keeps_rows_within_one_dataset_and_refuses_a_source_contradicted_across_datasets():
    first = read_long(long_row())
    same_identity = combine_indicator_tables({"a": pd.concat([first, first], ignore_index=True)})
    assert len(same_identity) == 2
    with pytest.raises(IndicatorUploadError) as caught:
        combine_indicator_tables({"a": first, "b": read_long(long_row(value="16900"))})
    assert caught.value.problems[0].code == "dataset_conflict" and "(a, b)" in str(caught.value)


def test_combine_of_nothing_is_an_empty_table_with_the_columns():
    assert list(combine_indicator_tables({}).columns) == [*schema.INDICATOR_COLUMNS, DATASET]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "ftp://example.com/a",
        "http://",
        "统计公报 2022",
    ],
)
def test_a_source_url_that_is_not_http_is_refused_with_its_row(url):
    data = csv_bytes([LONG_HEADER, long_row(), long_row(2021, url=url)])
    assert problems_of(data) == {"bad_source_url": (3,)}
    with pytest.raises(IndicatorUploadError) as caught:
        read_indicator_upload(data, "upload.csv")
    (problem,) = caught.value.problems
    assert "row 3" in problem.message and repr(url) in problem.message


def test_the_bundled_table_passes_the_source_url_rule():
    table = read_indicator_upload(paths.INDICATORS_TABLE.read_bytes(), "indicators.csv")
    assert len(table) == len(pd.read_csv(paths.INDICATORS_TABLE))


@pytest.mark.parametrize(
    ("limit", "value", "code", "message"),
    [
        ("MAX_TABLE_ROWS", 3, "too_many_rows", "The table has more than 3 rows; it was not read."),
        ("MAX_TABLE_CELLS", 20, "too_many_cells", "The table has more than 20 cells; it was not read."),
        ("MAX_TABLE_COLUMNS", 6, "too_many_columns", "Row 1 has 7 columns; the limit is 6. It was not read."),
        ("MAX_CELL_CHARACTERS", 12, "cell_too_long", "A cell in row 2 holds 21 characters; the limit is 12."),
    ],
)
def test_a_table_past_a_bound_is_refused_with_its_own_code(monkeypatch, limit, value, code, message):
    from policylens.indicators.upload import layout

    monkeypatch.setattr(layout, limit, value)
    data = csv_bytes([LONG_HEADER, *(long_row(2015 + n) for n in range(5))])
    for name, payload in (
        ("big.csv", data),
        ("big.xlsx", write_xlsx([LONG_HEADER, *(long_row(2015 + n) for n in range(5))])),
    ):
        with pytest.raises(IndicatorUploadError) as caught:
            read_indicator_upload(payload, name)
        problem = caught.value.problems[0]
        assert problem.code == code, name
        assert str(caught.value).startswith(message), (name, str(caught.value))


def test_reading_stops_at_the_first_row_past_a_bound(monkeypatch):
    """A grid is read row by row: a file of a million rows costs the rows up to the bound, not the million."""
    from policylens.indicators.upload import layout

    monkeypatch.setattr(layout, "MAX_TABLE_ROWS", 2)
    read = []

    def rows():
        for n in range(1, 10**6):
            read.append(n)
            yield ["a", str(n)]

    with pytest.raises(IndicatorUploadError):
        list(layout._bounded(rows()))
    assert len(read) == 3
    blank_tail = ["x", "y", *[""] * 500]  # formatted but empty columns do not count
    monkeypatch.setattr(layout, "MAX_TABLE_COLUMNS", 2)
    assert list(layout._bounded(iter([blank_tail]))) == [(1, blank_tail)]
