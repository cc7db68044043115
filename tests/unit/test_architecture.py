"""Layer rules, checked on the source: the core never imports streamlit or mutates global jieba."""

import ast

import pytest

from policylens import paths

CORE = sorted(p for p in (paths.ROOT / "policylens").rglob("*.py") if "ui" not in p.relative_to(paths.ROOT).parts[1:2])
PAGES = sorted((paths.ROOT / "pages").glob("*.py"))


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_core_modules_were_found():
    assert len(CORE) >= 10 and len(PAGES) >= 4


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_never_imports_streamlit(path):
    assert not [m for m in imported_modules(path) if m.split(".")[0] == "streamlit"]


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_never_touches_global_jieba(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "jieba":
            assert node.attr in {"Tokenizer", "setLogLevel", "__version__"}, f"{path.name} uses jieba.{node.attr}"


@pytest.mark.parametrize("path", CORE, ids=lambda p: p.name)
def test_core_uses_no_working_directory_paths_or_network(path):
    text = path.read_text(encoding="utf-8")
    assert "os.getcwd" not in text and "Path.cwd" not in text
    assert not {"requests", "urllib.request", "httpx", "socket"} & set(imported_modules(path))


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_stay_thin_and_read_no_files(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 150
    assert "open(" not in text and "read_text" not in text and "jieba" not in text
