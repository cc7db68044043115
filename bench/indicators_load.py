"""Benchmark: read + validate a 100,000-row indicator upload (long form, and the same values in wide form).

The file is built in a temporary folder from the bundled table's real cities, indicator ids, units
and sources, with SYNTHETIC VALUES (random numbers, labelled as such in every row's source_quote).
It exists only for this benchmark: it is deleted on exit, never written into the repository and
never shown in the app. 100,000 long rows with every column take about 38 MB, over the app's 20 MB
upload limit, so the limit is lifted inside this process (the figure printed says so).
Usage: python bench/indicators_load.py [--rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from policylens import schema  # noqa: E402  (sys.path set just above)
from policylens.indicators import upload as indicator_io  # noqa: E402
from policylens.indicators.table import load_indicators  # noqa: E402
from policylens.indicators.upload import MAX_UPLOAD_BYTES, read_indicator_upload  # noqa: E402

SYNTHETIC_LABEL = "SYNTHETIC BENCHMARK VALUE - random number, not published data"
YEARS = range(1950, 2100)
SERIES_COLUMNS = [
    schema.PILLAR,
    schema.INDICATOR_ID,
    schema.INDICATOR_EN,
    schema.INDICATOR_ZH,
    schema.UNIT,
    schema.SOURCE_TITLE,
    schema.SOURCE_URL,
]


def build_rows(n_rows: int, seed: int = 0) -> list[dict[str, object]]:
    """n_rows long rows: every (city, indicator and source) series of the bundled table, for each city,
    over successive years; identities (city, year, indicator_id, source_url) never repeat."""
    bundled = load_indicators()
    series = bundled.drop_duplicates([schema.INDICATOR_ID, schema.SOURCE_URL])[SERIES_COLUMNS].to_dict("records")
    cities = list(dict.fromkeys(bundled[schema.CITY]))
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    for year in YEARS:
        for city in cities:
            for one in series:
                if len(rows) == n_rows:
                    return rows
                value = round(rng.uniform(1, 20000), 2)
                rows.append(
                    {
                        schema.CITY: city,
                        schema.YEAR: year,
                        **one,
                        schema.VALUE: f"{value:,}" if one[schema.UNIT].startswith("亿元") else value,
                        schema.PERIOD_NOTE: "synthetic benchmark",
                        schema.SOURCE_QUOTE: SYNTHETIC_LABEL,
                    }
                )
    raise ValueError(f"at most {len(rows)} distinct rows can be built; asked for {n_rows}")


def write_long(rows: list[dict[str, object]], path: Path) -> None:
    columns = [c for c in schema.INDICATOR_COLUMNS if c not in (schema.UNIT_CODE, schema.QUALIFIER)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_wide(rows: list[dict[str, object]], path: Path) -> None:
    """One row per city and series, one column per year: the same values as the long file."""
    keys = [schema.CITY, *SERIES_COLUMNS, schema.PERIOD_NOTE, schema.SOURCE_QUOTE]
    table: dict[tuple, dict[str, object]] = {}
    for row in rows:
        table.setdefault(tuple(row[k] for k in keys), {})[str(row[schema.YEAR])] = row[schema.VALUE]
    years = sorted({str(r[schema.YEAR]) for r in rows})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*keys, *years])
        for key, values in table.items():
            writer.writerow([*key, *(values.get(y, "") for y in years)])


def time_read(path: Path, runs: int) -> tuple[list[float], int]:
    data = path.read_bytes()
    times, n = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        n = len(read_indicator_upload(data, path.name))
        times.append(time.perf_counter() - start)
    return times, n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows = build_rows(args.rows)
    read_indicator_upload(
        b"city,year,indicator_id,value,unit,source_title,source_url\nNanjing,2020,gdp,1,%,t,u\n", "warm.csv"
    )  # loads the bundled reference table and units once, outside the clock
    indicator_io.MAX_UPLOAD_BYTES = 2**31  # time the parsing of any size; the app refuses > 20 MB
    with tempfile.TemporaryDirectory(prefix="policylens-bench-") as folder:
        for layout, write in (("long", write_long), ("wide", write_wide)):
            path = Path(folder) / f"synthetic_benchmark_indicators_{layout}.csv"
            write(rows, path)
            times, n = time_read(path, args.runs)
            over = " (over the app's 20 MB limit)" if path.stat().st_size > MAX_UPLOAD_BYTES else ""
            print(
                f"{layout:>4}: {path.stat().st_size / 1e6:5.1f} MB{over}, {n:,} validated rows; read+validate "
                f"min {min(times):.2f} s, median {statistics.median(times):.2f} s over {args.runs} runs "
                f"({n / statistics.median(times):,.0f} rows/s)"
            )
    print("(synthetic benchmark values, deleted with the temporary folder)")


if __name__ == "__main__":
    main()
