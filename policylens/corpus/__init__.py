"""Many documents at once: reading a corpus with its metadata (sources.py), the per-document analysis
(pipeline.py), the parallel, cached ingest into Parquet (ingest.py), DuckDB queries over it
(queries.py) and the `corpus` command line (cli.py).

May import: the foundation, documents and text. Never indicators, figures, export, view or ui.
"""
