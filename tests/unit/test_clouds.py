"""Tests for policylens.figures.clouds with the real wordcloud layout engine and the bundled CJK font."""

import pickle
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from wordcloud import WordCloud
from wordcloud.wordcloud import FONT_PATH as DROID_SANS_MONO

from policylens.figures import clouds
from policylens.figures.clouds import CloudOptions, build_cloud_figure, build_cloud_svg, render_cloud

TERMS = {
    "新质生产力": 40,
    "高质量发展": 32,
    "科技创新": 25,
    "数字经济": 21,
    "绿色低碳": 18,
    "对外开放": 15,
    "乡村振兴": 12,
    "产业升级": 10,
    "人才": 8,
    "营商环境": 7,
    "共同富裕": 6,
    "碳达峰": 5,
    "新型城镇化": 5,
    "民生": 4,
    "制造业": 4,
    "标准": 3,
    "消费": 3,
    "投资": 2,
}
COLORS = {"新质生产力": "#d62728", "高质量发展": "#1f77b4", "科技创新": "#2ca02c"}
# Half the words vertical, so the layout has both orientations to check.
MIXED = CloudOptions(width=500, height=300, prefer_horizontal=0.5)


@pytest.fixture(scope="module")
def cloud():
    return render_cloud(TERMS, COLORS, MIXED)


def _glyph_cells(image, word, n_chars):
    """Split a horizontal word's box into one equal cell per (full-width) character."""
    box = np.asarray(image.convert("L"), dtype=float)[word.y : word.y + word.height, word.x : word.x + word.width]
    width = box.shape[1] // n_chars
    return [box[:, i * width : (i + 1) * width] for i in range(n_chars)]


def _smallest_cell_difference(cells):
    return min(np.abs(a - b).mean() for i, a in enumerate(cells) for b in cells[i + 1 :])


def test_cloud_places_every_word_and_draws_an_image(cloud):
    assert {w.term for w in cloud.layout} == set(TERMS)
    assert cloud.image.size == (MIXED.width, MIXED.height)
    assert cloud.missing_glyphs == {}
    assert cloud.font_path.name == "NotoSansSC-Regular.otf"


def test_layout_has_both_orientations(cloud):
    assert {w.orientation for w in cloud.layout} == {clouds.HORIZONTAL, clouds.VERTICAL}
    for word in cloud.layout:
        if word.orientation == clouds.VERTICAL and len(word.term) > 1:
            assert word.height > word.width


def test_same_input_and_random_state_give_identical_layouts(cloud):
    again = render_cloud(dict(TERMS), dict(COLORS), MIXED)
    assert again.layout == cloud.layout
    assert again.image.tobytes() == cloud.image.tobytes()


def test_another_random_state_gives_another_layout(cloud):
    other = render_cloud(TERMS, COLORS, CloudOptions(width=500, height=300, prefer_horizontal=0.5, random_state=7))
    assert other.layout != cloud.layout


def test_tied_weights_do_not_depend_on_insertion_order():
    tied = {"人才": 3, "民生": 3, "消费": 3, "投资": 3, "标准": 3}
    forward = render_cloud(tied, {})
    backward = render_cloud(dict(reversed(list(tied.items()))), {})
    assert forward.layout == backward.layout


def test_word_with_missing_glyph_is_dropped_and_reported():
    result = render_cloud({"新质生产力": 5, "科技\ue000": 4, "高质量发展": 3}, {})
    assert {w.term for w in result.layout} == {"新质生产力", "高质量发展"}
    assert result.missing_glyphs == {"科技\ue000": ["\ue000"]}


def test_layout_colours_follow_term_colors(cloud):
    for word in cloud.layout:
        assert word.color == COLORS.get(word.term, clouds.DEFAULT_COLOR)


def test_term_colours_are_drawn_in_the_image(cloud):
    pixels = {tuple(p) for p in np.asarray(cloud.image).reshape(-1, 3)}
    for color in [*COLORS.values(), clouds.DEFAULT_COLOR]:
        rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in pixels


def test_chinese_word_is_drawn_as_glyphs_not_boxes():
    word = "新质生产力"
    result = render_cloud({word: 1}, {word: "#d62728"}, CloudOptions(width=300, height=100, prefer_horizontal=1.0))
    (placed,) = result.layout
    image = np.asarray(result.image.convert("L"))
    assert (image < 128).sum() > 1000  # plenty of ink on the white background
    # Each character has its own shape; tofu would be five identical boxes.
    assert _smallest_cell_difference(_glyph_cells(result.image, placed, len(word))) > 20


def test_default_wordcloud_font_draws_the_same_word_as_identical_boxes():
    # The control for the test above: wordcloud without font_path draws tofu, and the same
    # measurement sees it.
    word = "新质生产力"
    wc = WordCloud(
        width=300,
        height=100,
        prefer_horizontal=1.0,
        random_state=42,
        background_color="white",
        color_func=lambda *a, **k: "#d62728",
    )
    wc.generate_from_frequencies({word: 1})
    (placed,) = clouds._read_layout(wc.layout_, DROID_SANS_MONO)
    assert _smallest_cell_difference(_glyph_cells(wc.to_image(), placed, len(word))) < 1


def test_max_words_keeps_the_heaviest_terms():
    result = render_cloud(TERMS, {}, CloudOptions(max_words=5))
    assert {w.term for w in result.layout} == {"新质生产力", "高质量发展", "科技创新", "数字经济", "绿色低碳"}


def test_empty_or_unusable_frequencies_give_an_empty_result():
    empty = render_cloud({}, {})
    assert (empty.image, empty.layout, empty.missing_glyphs) == (None, (), {})
    unusable = render_cloud({"\ue000": 3, "民生": 0, "   ": 2}, {})
    assert (unusable.image, unusable.layout) == (None, ())
    assert unusable.missing_glyphs == {"\ue000": ["\ue000"]}


def test_result_survives_pickling_for_cache_data(cloud):
    assert pickle.loads(pickle.dumps(cloud)) == cloud


def test_cloud_options_are_hashable_and_validated():
    assert {CloudOptions(): "cached"}[CloudOptions()] == "cached"
    with pytest.raises(ValueError):
        CloudOptions(width=0)
    with pytest.raises(ValueError):
        CloudOptions(prefer_horizontal=1.5)


def test_figure_has_one_text_point_per_placed_word(cloud):
    fig = build_cloud_figure(cloud, "政策词云", source="来源：测试")
    (trace,) = fig.data
    words = cloud.layout
    assert "text" in trace.mode and trace.textposition == "middle center"
    assert list(trace.customdata) == [w.term for w in words]
    assert list(trace.textfont.color) == [w.color for w in words]
    assert list(trace.textfont.size) == [w.font_size for w in words]
    assert list(trace.text) == [w.term if w.orientation == clouds.HORIZONTAL else "" for w in words]
    assert trace.hovertemplate is None and trace.hoverinfo == "text"  # no user text in a template
    assert list(trace.hovertext) == [w.term for w in words]  # plain words: escaping changes nothing
    for word, x, y in zip(words, trace.x, trace.y):  # every point lies on its word
        assert word.x <= x <= word.x + word.width and word.y <= y <= word.y + word.height


def test_figure_draws_vertical_words_as_turned_shape_labels(cloud):
    fig = build_cloud_figure(cloud, "政策词云")
    vertical = [w for w in cloud.layout if w.orientation == clouds.VERTICAL]
    labels = [s.label for s in fig.layout.shapes]
    assert [(a.text, a.font.color, a.font.size, a.textangle) for a in labels] == [
        (w.term, w.color, w.font_size, -90) for w in vertical
    ]
    assert all(s.line.width == 0 for s in fig.layout.shapes)  # only the label shows


PAD = 20  # room around the canvas, to see any ink a word would have outside it


def _plotly_ink(fig, font_path, width: int, height: int) -> dict[str, np.ndarray]:
    """Each word's ink drawn where plotly.js puts it, from the figure alone and the font (PIL, the same
    Noto Sans SC the browser gets), on the canvas with PAD px around it; True = ink.

    A "middle center" scatter text has its baseline 0.25 em below the point and is centred on its
    advance (Drawing.textPointPosition); a line shape's label with yanchor "top", turned -90
    degrees, has its baseline centre one font size right of the line's midpoint and reads upwards
    (shapes/draw.js). PIL's "ms" anchor is that point: the middle of the advance, on the baseline.
    """
    from PIL import Image, ImageDraw, ImageFont

    def font(size):
        return ImageFont.truetype(str(font_path), size)

    canvas = (width + 2 * PAD, height + 2 * PAD)
    inks = {}
    trace = fig.data[0]
    for term, x, y, size in zip(trace.text, trace.x, trace.y, trace.textfont.size):
        if term:
            image = Image.new("L", canvas, 0)
            ImageDraw.Draw(image).text((x + PAD, y + 0.25 * size + PAD), term, fill=255, font=font(size), anchor="ms")
            inks[term] = np.asarray(image) > 128
    for shape in fig.layout.shapes:
        term, size = shape.label.text, shape.label.font.size
        side = int(font(size).getlength(term)) + 4 * size
        flat = Image.new("L", (side, side), 0)
        ImageDraw.Draw(flat).text((side / 2, side / 2), term, fill=255, font=font(size), anchor="ms")
        turned = flat.rotate(90)  # counter-clockwise about the centre, where the anchor is
        image = Image.new("L", canvas, 0)
        bx, by = shape.x0 + size, (shape.y0 + shape.y1) / 2
        image.paste(turned, (round(bx + PAD - side / 2), round(by + PAD - side / 2)))
        inks[term] = np.asarray(image) > 128
    return inks


@pytest.mark.parametrize(
    "terms",
    [
        {**TERMS, "工作": 60, "习近平": 55},  # the words, heaviest: the top row, at the edge
        {
            "economic": 60,
            "new quality productivity": 50,
            "high-quality development": 45,
            "first-mover effect": 40,
            "scientific and technological innovation": 30,
            "nanjing": 28,
            **{w: 20 - i for i, w in enumerate("industrial innovation dragon chain city key form strong".split())},
            **{w: 9 - i // 2 for i, w in enumerate("transformation breakthrough future advantage element".split())},
        },
    ],
    ids=["zh", "en"],
)
def test_plotly_cloud_draws_every_word_where_the_image_has_it(terms):
    result = render_cloud(terms, {}, CloudOptions(prefer_horizontal=0.6))  # the default canvas
    fig = build_cloud_figure(result, "词云", source="来源")
    width, height = result.options.width, result.options.height
    inks = _plotly_ink(fig, result.font_path, width, height)
    assert sorted(inks) == sorted(w.term for w in result.layout)
    assert {w.orientation for w in result.layout} == {clouds.HORIZONTAL, clouds.VERTICAL}
    for word in result.layout:
        rows, cols = np.nonzero(inks[word.term])
        ink = (cols.min() - PAD, rows.min() - PAD, cols.max() + 1 - PAD, rows.max() + 1 - PAD)
        assert 0 <= ink[0] and ink[2] <= width and 0 <= ink[1] and ink[3] <= height, (word.term, ink)  # not cut
        drawn = (word.x, word.y, word.x + word.width, word.y + word.height)  # where PIL drew it
        assert drawn[0] - 1 <= ink[0] and ink[2] <= drawn[2] + 1 and drawn[1] - 1 <= ink[1] and ink[3] <= drawn[3] + 1
    coverage = sum(m.astype(int) for m in inks.values())
    assert (coverage > 1).sum() <= 5  # no two words' ink on the same pixel (a few antialiased corners at most)
    # and together they are the image: its ink, one pixel either way
    image = np.pad(np.asarray(result.image.convert("L")) < 128, PAD)
    drawn = coverage > 0
    near = np.zeros_like(drawn)
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            near |= np.roll(np.roll(drawn, dx, 0), dy, 1)
    assert (image & ~near).sum() <= 0.005 * image.sum()
    # the plot area is the canvas, at a size the Terms page's column holds at 1024 px (564 px wide)
    margin = fig.layout.margin
    assert (fig.layout.width - margin.l - margin.r, fig.layout.height - margin.t - margin.b) == (width, height)
    assert fig.layout.width <= 564 and fig.layout.autosize is False


def test_figure_matches_image_coordinates_and_style(cloud):
    fig = build_cloud_figure(cloud, "政策词云", source="来源：测试")
    assert fig.layout.title.text == "政策词云"
    assert any(a.text == "来源：测试" for a in fig.layout.annotations)
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert tuple(fig.layout.xaxis.range) == (0, MIXED.width)
    assert tuple(fig.layout.yaxis.range) == (MIXED.height, 0)  # y grows downwards
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange  # no zoom: text would not follow it
    margin = fig.layout.margin
    assert fig.layout.width - margin.l - margin.r == MIXED.width
    assert fig.layout.height - margin.t - margin.b == MIXED.height


def test_figure_of_an_empty_cloud_has_no_points():
    fig = build_cloud_figure(render_cloud({}, {}), "空")
    assert len(fig.data) == 1 and len(fig.data[0].x) == 0


def test_svg_has_every_placed_word_with_its_colour(cloud):
    svg = build_cloud_svg(cloud, embed_font=False)
    texts = ET.fromstring(svg).findall("{http://www.w3.org/2000/svg}text")
    assert [(t.text, t.get("style")) for t in texts] == [(w.term, f"fill:{w.color}") for w in cloud.layout]
    turned = [t.text for t in texts if "rotate(-90)" in t.get("transform")]
    assert turned == [w.term for w in cloud.layout if w.orientation == clouds.VERTICAL]
    assert "@font-face" not in svg


def test_svg_can_embed_a_font_subset():
    result = render_cloud({"新质生产力": 2, "高质量发展": 1}, {})
    svg = build_cloud_svg(result)
    assert "@font-face" in svg and "data:application/font-woff" in svg


def test_svg_of_an_empty_cloud_is_refused():
    with pytest.raises(ValueError, match="empty"):
        build_cloud_svg(render_cloud({}, {}))
