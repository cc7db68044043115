"""Fixtures shared by the unit tests: the shipped codebook and a segmenter built for it."""

import pytest

from policylens.text.analysis import build_segmenter_config
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter


@pytest.fixture(scope="session")
def codebook():
    """The shipped codebook (data/pillars.toml)."""
    return load_codebook()


@pytest.fixture(scope="session")
def segmenter(codebook):
    """A segmenter that keeps every codebook term whole (test_kwic and test_segment use their own)."""
    return Segmenter(build_segmenter_config(codebook))
