"""The Check page in AppTest: confirm paragraphs, agreement figures, learning from examples."""

import html

from apptest import open_app

from policylens import paths, schema
from policylens.documents.loader import load_document
from policylens.text.analysis import analyze_document, build_segmenter_config
from policylens.text.classify import Example
from policylens.text.pillars import load_codebook
from policylens.text.segment import Segmenter
from policylens.ui import state


def label_key(at, paragraph: int) -> str:
    (key,) = [s.key for s in at.get("segmented_control") if s.key.endswith(f".{paragraph}")]
    return key


def open_check():
    at = open_app()
    at.switch_page("pages/check.py").run()
    assert not at.exception
    return at


def test_the_check_page_starts_empty_and_lists_ten_paragraphs_with_controls():
    at = open_check()
    assert [i.value for i in at.info] == [
        "No paragraph confirmed yet: pick a pillar under a paragraph below, or upload labels."
    ]
    controls = [s for s in at.get("segmented_control") if s.key.startswith(state.CHECK_LABEL_PREFIX)]
    assert len(controls) == 10 and all(c.value is None for c in controls)
    assert controls[0].options == ["New", "Strong", "Fusion", "General"]
    assert at.button(key=state.CHECK_CLEAR).disabled


def test_confirming_paragraphs_measures_agreement_and_teaches_the_classifier():
    at = open_check()
    document = load_document(paths.SEED_DOCUMENT)
    codebook = load_codebook()
    segmenter = Segmenter(build_segmenter_config(codebook))
    base = analyze_document(document, codebook, segmenter).assignment.set_index(schema.PARAGRAPH)[schema.PILLAR]
    # agree with the classifier on ¶8 (new), disagree on ¶1 (a title it calls general)
    at.segmented_control(key=label_key(at, 8)).set_value("new").run()
    at.segmented_control(key=label_key(at, 1)).set_value("fusion").run()
    assert not at.exception
    assert base[8] == "new" and base[1] is None
    assert [m.value for m in at.metric][:3] == ["2 / 15", "50%", "0.33"]  # kappa (0.5 - 0.25) / 0.75
    labels = at.session_state[state.CHECK_LABELS][document.key]
    assert {p: label.primary for p, label in labels.items()} == {8: "new", 1: "fusion"}
    # the effect shown is the core's: the same examples, the same changes on unconfirmed paragraphs
    examples = [Example(document.paragraphs[p - 1], "en", labels[p].primary, labels[p].source) for p in (8, 1)]
    learned = analyze_document(document, codebook, segmenter, examples).assignment.set_index(schema.PARAGRAPH)
    changed = [p for p in base.index if p not in (1, 8) and base[p] != learned.loc[p, schema.PILLAR]]
    messages = [s.value for s in at.success] + [c.value for c in at.caption]
    if changed:
        assert any(f"Other paragraphs that changed pillar ({len(changed)})" in m for m in messages)
    else:
        assert any("No other paragraph changed pillar" in m for m in messages)
    # the Themes cards of the whole session use the examples, and say so
    at.switch_page("pages/themes.py").run()
    card = html.unescape([m.value for m in at.markdown if "¶1 " in m.value and "border-left" in m.value][0])
    assert "Fusion</span>" in card and "confirmed by you (000_785e541e3328616f.txt ¶1)" in card


def test_learning_can_be_switched_off_and_labels_cleared():
    at = open_check()
    at.segmented_control(key=label_key(at, 1)).set_value("fusion").run()
    at.toggle(key=state.CHECK_LEARN_TOGGLE).set_value(False).run()
    assert at.session_state[state.CHECK_LEARN] is False
    at.switch_page("pages/themes.py").run()
    assert not [m for m in at.markdown if "confirmed by you" in m.value or "Nearest confirmed" in m.value]
    at.switch_page("pages/check.py").run()
    at.button(key=state.CHECK_CLEAR).click().run()
    assert not at.exception and at.info[0].value.startswith("No paragraph confirmed yet")
