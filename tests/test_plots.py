"""Tests of analysis.plots: figure export and the generic charts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from analysis import bar_chart, heatmap, panel_grid, save_figure, signed_bar_chart, timeline

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
