"""Tests of analysis.plots: figure export and the generic charts."""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from analysis import (
    apply_style,
    bar_chart,
    colour_map,
    heatmap,
    histogram,
    panel_chart,
    panel_grid,
    pivot_heatmap,
    save_figure,
    series_bar_chart,
    signed_bar_chart,
    timeline,
)
from analysis.plots import PALETTE

TERMS = pd.DataFrame({"term": ["coopération", "l'humanité", "gagnant-gagnant"], "count": [5, 3, 2],
                      "score": [4.2, -1.5, 0.0]})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_save_figure_writes_stable_png_and_svg_without_timestamps(tmp_path):
    fig = bar_chart(TERMS, title="Termes", xlabel="Occurrences")
    first = save_figure(fig, "01_termes", output_dir=tmp_path)
    assert [p.name for p in first] == ["01_termes.png", "01_termes.svg"]
    png, svg = (p.read_bytes() for p in first)
    assert png.startswith(b"\x89PNG")
    assert b"<dc:date>" not in svg
    second = save_figure(fig, "01_termes", output_dir=tmp_path)
    assert [p.read_bytes() for p in second] == [png, svg]


def test_save_figure_png_is_300_dpi(tmp_path):
    from PIL import Image

    fig, ax = plt.subplots(figsize=(2, 1))
    ax.plot([0, 1])
    (png,) = save_figure(fig, "dpi", formats=["png"], output_dir=tmp_path)
    assert Image.open(png).info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_save_figure_defaults_to_the_output_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_OUTPUT_DIR", str(tmp_path / "out"))
    fig, _ = plt.subplots()
    (pdf,) = save_figure(fig, "x", formats=("pdf",))
    assert pdf == tmp_path / "out" / "figures" / "x.pdf"
    assert b"CreationDate" not in pdf.read_bytes()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": "../evil"}, "name must be a file stem"),
        ({"name": "Figure 1"}, "name must be a file stem"),
        ({"name": "ok_name\n"}, "name must be a file stem"),
        ({"name": "ok\nname"}, "name must be a file stem"),
        ({"name": "sub/name"}, "name must be a file stem"),
        ({"name": "sub\\name"}, "name must be a file stem"),
        ({"name": "ok", "formats": ("jpg",)}, r"formats must be drawn from \('png', 'svg', 'pdf'\)"),
        ({"name": "ok", "formats": "png"}, "formats must be a non-empty sequence"),
        ({"name": "ok", "dpi": 10}, "dpi must be an integer of at least 72"),
    ],
)
def test_save_figure_validates_arguments(tmp_path, kwargs, message):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match=message):
        save_figure(fig, output_dir=tmp_path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_bar_chart_shows_terms_as_written_first_row_on_top():
    fig = bar_chart(TERMS, title="Termes les plus fréquents", xlabel="Occurrences")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["gagnant-gagnant", "l'humanité", "coopération"]
    assert ax.get_title() == "Termes les plus fréquents"
    assert [t.get_text() for t in ax.texts] == ["2", "3", "5"]


def test_signed_bar_chart_colours_by_sign():
    fig = signed_bar_chart(TERMS, title="Spécificités", xlabel="Score")
    colors = [patch.get_facecolor() for patch in fig.axes[0].patches]
    assert colors[0] == colors[2] != colors[1]  # 0.0 and 4.2 over-use colour, -1.5 under-use


def test_signed_bar_chart_marks_a_significance_threshold():
    fig = signed_bar_chart(TERMS, title="Mots-clés", xlabel="G²", threshold=3.84)
    ax = fig.axes[0]
    assert sorted(line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--" and
                  len(line.get_xdata())) == [-3.84, 3.84]
    over_only = signed_bar_chart(TERMS[TERMS["score"] >= 0], title="t", xlabel="G²", threshold=3.84)
    assert [line.get_xdata()[0] for line in over_only.axes[0].lines
            if line.get_linestyle() == "--" and len(line.get_xdata())] == [3.84]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["±3.84: p < 0.05"]
    with pytest.raises(ValueError, match="threshold must be a positive score"):
        signed_bar_chart(TERMS, title="t", xlabel="x", threshold=0)


def test_heatmap_labels_and_annotates_every_cell():
    matrix = pd.DataFrame([[1, 0], [2, 3]], index=["ocs", "sud-global"], columns=["000", "004"])
    fig = heatmap(matrix, title="Formules", colorbar_label="Occurrences")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["ocs", "sud-global"]
    assert [t.get_text() for t in ax.texts] == ["1", "0", "2", "3"]
    wide = pd.DataFrame([[1] * 40], index=["ocs"], columns=[f"d{i}" for i in range(40)])
    assert tuple(heatmap(wide, title="x", colorbar_label="y").get_size_inches()) == (18.0, 1.22)
    with pytest.raises(ValueError, match="matrix must be a non-empty DataFrame"):
        heatmap(pd.DataFrame(), title="x", colorbar_label="y")


def test_timeline_skips_undated_rows():
    frame = pd.DataFrame({"doc_id": ["a", "b", "c"],
                          "date": pd.to_datetime(["2024-07-08", None, "2025-08-31"])})
    fig = timeline(frame, title="Dates")
    assert [t.get_text() for t in fig.axes[0].texts] == ["a (2024-07-08)", "c (2025-08-31)"]


def test_charts_name_missing_columns():
    with pytest.raises(ValueError, match=r"frame has no column\(s\) \['score'\]"):
        bar_chart(TERMS.drop(columns="score"), value="score", title="t", xlabel="x")
    with pytest.raises(ValueError, match="frame must be a pandas DataFrame"):
        signed_bar_chart([1, 2], title="t", xlabel="x")  # type: ignore[arg-type]


def test_panel_grid_hides_unused_cells():
    fig, axes = panel_grid(4, max_cols=3, panel_size=(2.0, 1.0))
    assert len(axes) == 4 and len(fig.axes) == 6
    assert [ax.get_visible() for ax in fig.axes] == [True, True, True, True, False, False]
    assert tuple(fig.get_size_inches()) == (6.0, 2.0)
    with pytest.raises(ValueError, match="n_panels must be a positive integer"):
        panel_grid(0)
    _, shared = panel_grid(2, sharex=True)
    shared[0].set_xlim(0, 50)
    assert shared[1].get_xlim() == (0, 50)


def test_value_labels_carry_no_spurious_precision():
    frame = pd.DataFrame({"term": ["a", "b"], "rate": [143.2048, 95.5]})
    fig = bar_chart(frame, value="rate", title="t", xlabel="x")
    assert [t.get_text() for t in fig.axes[0].texts] == ["95.5", "143.2"]


# --- lazy matplotlib, colours, panels, pivots, series ---


def test_importing_the_package_does_not_import_matplotlib_and_the_first_chart_applies_the_style():
    code = (
        "import sys, analysis\n"
        "assert 'matplotlib' not in sys.modules, [m for m in sys.modules if m.startswith('matplotlib')]\n"
        "import matplotlib, pandas\n"
        "assert matplotlib.rcParams['savefig.dpi'] != 300\n"
        "analysis.bar_chart(pandas.DataFrame({'term': ['paix'], 'count': [1]}), title='t', xlabel='x')\n"
        "assert matplotlib.rcParams['savefig.dpi'] == 300\n"
        "assert matplotlib.rcParams['svg.hashsalt'] == 'analysis'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "MPLBACKEND": "Agg"})
    assert result.returncode == 0, result.stderr


def test_apply_style_restores_the_print_style():
    plt.rcParams["font.size"] = 14
    apply_style()
    assert plt.rcParams["font.size"] == 10 and plt.rcParams["figure.dpi"] == 100


def test_colour_map_is_fixed_by_the_sorted_values_placeholders_grey():
    colours = colour_map(["Xinhua", "CGTN", "(source not stated)", "Xinhua", None, "(other speakers)"])
    assert colours == {"(other speakers)": "#666666", "(source not stated)": "#BBBBBB",
                       "CGTN": "#0072B2", "Xinhua": "#D55E00"}
    # the order of the input does not matter
    assert colour_map(["Xinhua", "CGTN"]) == {"CGTN": "#0072B2", "Xinhua": "#D55E00"}
    many = colour_map([f"s{i:02d}" for i in range(28)])
    assert many["s26"] == many["s00"] == "#0072B2" and len(set(many.values())) == len(PALETTE) == 26
    assert colour_map(["b", "a"], palette=["red"]) == {"a": "red", "b": "red"}
    with pytest.raises(ValueError, match="palette must be a non-empty sequence of colour strings"):
        colour_map(["a"], palette=[])


KEYNESS = pd.DataFrame({
    "doc_id": ["004"] * 4 + ["000"] * 3,
    "term": ["Biélorussie", "Maksim", "l'OCS", "Chine", "bélarusse", "côte", "Wang"],
    "score": [4.8, 3.6, -0.5, -2.0, 3.2, 3.1, -1.4],
})


def test_panel_chart_one_panel_per_group_in_the_given_order_with_head_and_tail():
    fig = panel_chart(KEYNESS, panels=["004", "000"], value="score", signed=True, top=1, bottom=1,
                      labels={"004": "004 (2024, Wang Yi…)"}, subtitle="against the rest", threshold=3.84,
                      xlabel="G²", panel_size=(3.0, 2.0))
    first, second = fig.axes
    assert first.get_title() == "004 (2024, Wang Yi…)\nagainst the rest"
    assert second.get_title() == "000\nagainst the rest"  # no label given: the group itself
    assert [t.get_text() for t in first.get_yticklabels()] == ["Chine", "Biélorussie"]  # first row on top
    assert [t.get_text() for t in second.get_yticklabels()] == ["Wang", "bélarusse"]
    assert first.get_xlim() == second.get_xlim()  # one x scale
    assert tuple(fig.get_size_inches()) == (6.0, 2.0)
    whole = panel_chart(KEYNESS.assign(n=range(7)), panels=["000"], value="score", top=5, count="n",
                        xlabel="G²")
    assert [t.get_text() for t in whole.axes[0].get_yticklabels()] == [
        "Wang (6)", "côte (5)", "bélarusse (4)"]
    assert whole.axes[0].get_title() == "000"
    empty = panel_chart(KEYNESS, panels=["999"], value="score", xlabel="G²")
    assert [t.get_text() for t in empty.axes[0].texts] == ["no term to show"]
    with pytest.raises(ValueError, match="panels must be a non-empty sequence of groups"):
        panel_chart(KEYNESS, panels=[], value="score", xlabel="x")
    with pytest.raises(ValueError, match="bottom must be a non-negative integer"):
        panel_chart(KEYNESS, panels=["000"], value="score", xlabel="x", bottom=-1)


COUNTS = pd.DataFrame({
    "doc_id": ["000", "000", "004"],
    "family": ["ocs", "sud-global", "ocs"],
    "count": [1, 0, 3],
    "rate": [2.89, 0.0, 7.16],
})


def test_pivot_heatmap_orders_labels_and_shows_counts_next_to_rates():
    fig = pivot_heatmap(COUNTS, row="family", column="doc_id", value="rate", count="count",
                        rows=["sud-global", "ocs", "multipolarite"], columns=["004", "000"],
                        row_labels={"ocs": "OCS"}, column_labels={"000": "000 (2025, Xi…)"},
                        title="Formules", colorbar_label="par 1 000 mots")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["sud-global", "OCS", "multipolarite"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["004", "000 (2025, Xi…)"]
    # row by row; absent combinations are zeros, a non-zero rate carries its count
    assert [t.get_text() for t in ax.texts] == ["0.0", "0.0", "7.2 (3)", "2.9 (1)", "0.0", "0.0"]
    plain = pivot_heatmap(COUNTS, row="family", column="doc_id", value="count", fmt="{:g}", title="t",
                          colorbar_label="c")
    assert [t.get_text() for t in plain.axes[0].get_yticklabels()] == ["ocs", "sud-global"]
    assert [t.get_text() for t in plain.axes[0].texts] == ["1", "3", "0", "0"]
    with pytest.raises(ValueError, match="frame must have one row per family and doc_id"):
        pivot_heatmap(pd.concat([COUNTS, COUNTS]), row="family", column="doc_id", value="rate", title="t",
                      colorbar_label="c")
    with pytest.raises(ValueError, match=r"annotations must be a frame shaped like matrix \(1, 1\)"):
        heatmap(pd.DataFrame([[1]]), title="t", colorbar_label="c", annotations=pd.DataFrame([[1, 2]]))


SPEAKERS = pd.DataFrame({
    "speaker": ["Wang Yi", "Wang Yi", "Xi Jinping", "(narrator or unidentified)"],
    "family": ["OCS", "Sud global", "OCS", "OCS"],
    "matches": [3, 1, 1, 1],
})


def test_series_bar_chart_stacks_series_in_their_fixed_colours():
    colours = colour_map(["Xi Jinping", "Wang Yi", "Alexandre Loukachenko", "(narrator or unidentified)"])
    fig = series_bar_chart(SPEAKERS, label="family", series="speaker", value="matches", colours=colours,
                           title="Qui dit quoi", xlabel="matches", legend_title="speaker", integer=True)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Sud global", "OCS"]  # largest total on top
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["Wang Yi", "Xi Jinping",
                                                                   "(narrator or unidentified)"]
    # one bar segment per row and series: Wang Yi's two, then Xi Jinping's, then the narrator's
    widths = [(p.get_width(), to_hex(p.get_facecolor())) for p in ax.patches]
    assert widths == [(1, "#d55e00"), (3, "#d55e00"), (0, "#009e73"), (1, "#009e73"), (0, "#666666"),
                      (1, "#666666")]  # sorted speakers: (narrator…) grey, Alexandre…, Wang Yi, Xi Jinping
    assert all(float(t).is_integer() for t in ax.get_xticks())
    side = series_bar_chart(SPEAKERS, label="family", series="speaker", value="matches", colours=colours,
                            title="t", xlabel="x", stacked=False, horizontal=False,
                            rows=["OCS", "Sud global"], limit=5)
    assert [t.get_text() for t in side.axes[0].get_xticklabels()] == ["OCS", "Sud global"]
    assert side.axes[0].get_ylim() == (0, 5)
    with pytest.raises(ValueError, match=r"colours has no colour for \['Wang Yi', 'Xi Jinping'"):
        series_bar_chart(SPEAKERS, label="family", series="speaker", value="matches", colours={}, title="t",
                         xlabel="x")


def test_histogram_stacks_groups_in_sorted_order():
    frame = pd.DataFrame({"n_tokens": [100, 120, 300, 310, 320, 110],
                          "source": ["B", "A", "B", "B", "A", "(source not stated)"]})
    fig = histogram(frame, value="n_tokens", by="source", bins=2, title="Longueurs", xlabel="tokens")
    ax = fig.axes[0]
    heights = [p.get_height() for p in ax.patches]
    # A: one short, one long; B stacked on it: one short, two long; the unstated source last, one short
    assert heights == [1, 1, 1, 2, 1, 0]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["A", "B", "(source not stated)"]
    assert [to_hex(p.get_facecolor()) for p in ax.patches[::2]] == ["#0072b2", "#d55e00", "#666666"]
    assert len(histogram(frame, value="n_tokens", bins=3, title="t", xlabel="x").axes[0].patches) == 3
    with pytest.raises(ValueError, match="bins must be a positive integer"):
        histogram(frame, value="n_tokens", bins=0, title="t", xlabel="x")


def test_bar_chart_integer_ticks():
    frame = pd.DataFrame({"term": ["Chine", "OCS"], "count": [3, 1]})
    ax = bar_chart(frame, title="t", xlabel="x", integer=True).axes[0]
    assert all(float(t).is_integer() for t in ax.get_xticks())
