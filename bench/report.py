"""Export benchmark: report build time and size for the seed, export bundle size, PNG export times.

Prints figures; asserts no goal. Usage: python bench/report.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as `python bench/report.py` from anywhere

from policylens import paths, schema  # noqa: E402
from policylens.documents.loader import load_document  # noqa: E402
from policylens.export.files import ChartExport, ViewFilters, build_export_bundle, build_provenance  # noqa: E402
from policylens.export.images import ExportUnavailable, build_figure_image, stop_image_server  # noqa: E402
from policylens.export.report import build_report_html  # noqa: E402
from policylens.figures.clouds import render_cloud  # noqa: E402
from policylens.figures.text import build_pillar_share_figure, build_term_bar_figure  # noqa: E402
from policylens.i18n import t  # noqa: E402
from policylens.indicators import table as indicators  # noqa: E402
from policylens.text.analysis import analyze_document, build_segmenter_config, summarise_pillars  # noqa: E402
from policylens.text.pillars import load_codebook  # noqa: E402
from policylens.text.segment import Segmenter  # noqa: E402
from policylens.text.terms import assign_term_pillars, count_terms_by_pillar, summarise_terms  # noqa: E402


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="timed runs after the first (default 3)")
    args = parser.parse_args()

    document, codebook = load_document(paths.SEED_DOCUMENT), load_codebook()
    segmenter = Segmenter(build_segmenter_config(codebook))
    analysis = analyze_document(document, codebook, segmenter)
    table = indicators.load_indicators()
    print(f"seed: {document.name}, {document.characters:,} characters, {len(document.paragraphs)} paragraphs")

    print("\nreport (build_report_html)")
    for lang, pillars in (("en", ()), ("zh", ()), ("en", ("strong",))):
        times, size = [], 0
        for _ in range(1 + args.runs):
            html, seconds = timed(build_report_html, analysis, codebook, segmenter, table, pillars, lang)
            times.append(seconds)
            size = len(html.encode("utf-8"))
        label = f"{lang}, pillars={','.join(pillars) or 'all'}"
        print(
            f"  {label:<22} first {times[0]:6.2f} s   then median {statistics.median(times[1:]):6.2f} s   "
            f"size {size:,} bytes"
        )

    print("\nPNG export (persistent kaleido browser)")
    source = t("figure.source.document", "zh", name=document.name)
    share = build_pillar_share_figure(summarise_pillars(analysis, codebook), codebook, "zh", source)
    try:
        _, first = timed(build_figure_image, share, "png")
        rest = [timed(build_figure_image, share, "png")[1] for _ in range(max(args.runs, 5))]
        _, svg = timed(build_figure_image, share, "svg")
        print(
            f"  first {first:.2f} s (browser start)   then median {statistics.median(rest):.2f} s   "
            f"SVG with font subset {svg:.2f} s"
        )
        images = True
    except ExportUnavailable as exc:
        print(f"  not measured: {exc}")
        images = False

    print("\nexport bundle (overview view: pillar share, top terms per pillar, cloud, term table)")
    by_pillar = count_terms_by_pillar(analysis.term_counts, analysis.assignment)
    terms = summarise_terms(analysis.term_counts)
    term_pillars = assign_term_pillars(list(terms[schema.TERM]), by_pillar, codebook, document.language)
    charts = [ChartExport("pillar_share", share)]
    for pillar in codebook.pillars:
        top = by_pillar[by_pillar[schema.PILLAR] == pillar.id].head(10)
        title = t("figure.top_terms.title", "zh", pillar=pillar.label("zh"))
        charts.append(
            ChartExport(
                f"top_terms_{pillar.id}", build_term_bar_figure(top, term_pillars, codebook, "zh", title, source)
            )
        )
    colors = {term: codebook.get(p).color for term, p in term_pillars.items() if p}
    cloud = render_cloud(dict(zip(terms[schema.TERM], terms[schema.COUNT])), colors)
    provenance = build_provenance(document, codebook, segmenter.config, ViewFilters())
    for with_images in (False, True) if images else (False,):
        bundle, seconds = timed(
            build_export_bundle,
            charts,
            provenance,
            clouds={"terms": cloud},
            tables={"terms": terms},
            images=with_images,
            lang="zh",
        )
        print(f"  images={str(with_images):<5} {seconds:6.2f} s   size {len(bundle):,} bytes ({len(charts)} charts)")
    stop_image_server()
    return 0


if __name__ == "__main__":
    sys.exit(main())
