"""Last step of the pipeline: charts fit for print, and their export.

Every chart function takes a tidy result frame, draws on a new or given
matplotlib ``Axes`` and returns the ``Figure``; French terms are shown exactly
as the frame holds them. :func:`save_figure` writes a figure as PNG (300 dpi)
and SVG under the output folder, with stable names and no timestamps, so that
re-running a notebook rewrites identical files.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from .paths import figures_dir

FIGURE_FORMATS = ("png", "svg", "pdf")
_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")  # used with fullmatch: "$" would accept a final newline
#: Colour-blind-safe pair (Okabe & Ito 2008) for over- and under-use.
POSITIVE_COLOR = "#0072B2"
NEGATIVE_COLOR = "#D55E00"
NEUTRAL_COLOR = "#4D4D4D"

STYLE = {
    "figure.figsize": (7.0, 4.2),
    "figure.dpi": 100,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": False,
    "svg.hashsalt": "analysis",  # stable element ids in SVG output
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}


def apply_style() -> None:
    """Set matplotlib's parameters to the project's print style (:data:`STYLE`)."""
    plt.rcParams.update(STYLE)


apply_style()


def save_figure(
    fig: plt.Figure,
    name: str,
    *,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 300,
    output_dir: str | Path | None = None,
) -> list[Path]:
    """Write a figure under the output folder, one file per format.

    Parameters
    ----------
    fig
        The matplotlib figure.
    name
        File stem: lower-case letters, digits, ``-`` and ``_`` (for example
        ``01_article_lengths``). The same name always gives the same paths.
    formats
        Any of ``"png"``, ``"svg"``, ``"pdf"``.
    dpi
        Resolution of raster output (PNG); 300 is the usual print minimum.
    output_dir
        Folder to write into; default :func:`analysis.paths.figures_dir`.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``formats``.

    Notes
    -----
    Metadata that would change from run to run (creation dates) is left out,
    so identical figures give identical files.
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise ValueError(f"name must be a file stem of a-z, 0-9, '-' and '_' (got {name!r})")
    if isinstance(formats, str) or not formats:
        raise ValueError(f"formats must be a non-empty sequence drawn from {FIGURE_FORMATS}")
    bad = [f for f in formats if f not in FIGURE_FORMATS]
    if bad:
        raise ValueError(f"formats must be drawn from {FIGURE_FORMATS} (got {bad})")
    if not isinstance(dpi, int) or dpi < 72:
        raise ValueError(f"dpi must be an integer of at least 72 (got {dpi!r})")
    folder = Path(output_dir) if output_dir is not None else figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
    }
    written = []
    for fmt in formats:
        target = folder / f"{name}.{fmt}"
        fig.savefig(target, format=fmt, dpi=dpi, metadata=metadata[fmt], bbox_inches="tight")
        written.append(target)
    return written


def _axes(ax: plt.Axes | None, figsize: tuple[float, float]) -> tuple[plt.Figure, plt.Axes]:
    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize)
    return fig, ax


def panel_grid(
    n_panels: int, *, max_cols: int = 3, panel_size: tuple[float, float] = (5.5, 4.2), sharex: bool = False
) -> tuple[plt.Figure, list[plt.Axes]]:
    """A figure of ``n_panels`` panels in rows of at most ``max_cols``.

    Returns the figure and its first ``n_panels`` axes, in reading order; the
    cells of the last row left empty are hidden. ``sharex=True`` gives every
    panel the same x scale, so that bars compare across panels.
    """
    if not isinstance(n_panels, int) or n_panels < 1:
        raise ValueError(f"n_panels must be a positive integer (got {n_panels!r})")
    if not isinstance(max_cols, int) or max_cols < 1:
        raise ValueError(f"max_cols must be a positive integer (got {max_cols!r})")
    n_cols = min(max_cols, n_panels)
    n_rows = -(-n_panels // n_cols)
    width, height = panel_size
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(width * n_cols, height * n_rows), squeeze=False,
                             sharex=sharex)
    for ax in axes.flat[n_panels:]:
        ax.set_visible(False)
    return fig, list(axes.flat[:n_panels])


def bar_chart(
    frame: pd.DataFrame,
    *,
    label: str = "term",
    value: str = "count",
    title: str,
    xlabel: str,
    ax: plt.Axes | None = None,
    color: str = POSITIVE_COLOR,
) -> plt.Figure:
    """Horizontal bars, one per row of ``frame``, first row on top.

    ``label`` names the column shown on the bars' axis (terms as written),
    ``value`` the bar length. Each bar carries its value at its end.
    """
    _require(frame, [label, value])
    fig, ax = _axes(ax, (6.5, 0.28 * max(len(frame), 4) + 1.2))
    labels = frame[label].astype(str).tolist()[::-1]
    values = frame[value].tolist()[::-1]
    bars = ax.barh(labels, values, color=color)
    ax.bar_label(bars, fmt=_value_format(values), padding=2, fontsize=8)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.12)
    return fig


def signed_bar_chart(
    frame: pd.DataFrame,
    *,
    label: str = "term",
    value: str = "score",
    title: str,
    xlabel: str,
    ax: plt.Axes | None = None,
    threshold: float | None = None,
    threshold_label: str = "p < 0.05",
) -> plt.Figure:
    """Horizontal bars around zero: over-use in blue (right), under-use in orange (left).

    ``threshold`` draws dashed lines at ± that score (for example 3.84, the
    G² or χ² of p = 0.05 with 1 degree of freedom, or 2 for a Lafon
    specificity), labelled ``threshold_label``, so a reader sees which bars
    pass it.
    """
    _require(frame, [label, value])
    fig, ax = _axes(ax, (6.5, 0.28 * max(len(frame), 4) + 1.2))
    labels = frame[label].astype(str).tolist()[::-1]
    values = frame[value].tolist()[::-1]
    colors = [POSITIVE_COLOR if v >= 0 else NEGATIVE_COLOR for v in values]
    if threshold is not None and not threshold > 0:
        raise ValueError(f"threshold must be a positive score (got {threshold!r})")
    bars = ax.barh(labels, values, color=colors)
    # a white box keeps each value readable where a threshold line crosses it
    ax.bar_label(bars, fmt=_value_format(values), padding=2, fontsize=8,
                 bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.3})
    ax.axvline(0, color=NEUTRAL_COLOR, linewidth=0.8)
    if threshold is not None:
        # a line only on the sides that have bars, so the axis does not stretch for nothing
        sides = [x for x, present in ((threshold, max(values, default=0) > 0),
                                      (-threshold, min(values, default=0) < 0)) if present]
        for x in sides:
            ax.axvline(x, color=NEUTRAL_COLOR, linewidth=0.8, linestyle="--", zorder=1)
        ax.plot([], [], color=NEUTRAL_COLOR, linewidth=0.8, linestyle="--",
                label=f"±{threshold:g}: {threshold_label}")
        ax.legend(loc="best", frameon=True, framealpha=0.9, edgecolor="none")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.margins(x=0.15)
    return fig


def heatmap(
    matrix: pd.DataFrame,
    *,
    title: str,
    colorbar_label: str,
    ax: plt.Axes | None = None,
    cmap: str = "Blues",
    fmt: str = "{:g}",
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """A labelled heatmap of a wide frame (rows × columns), each cell annotated.

    The default size grows with the frame, up to 18 × 24 inches; beyond
    that, pass ``figsize`` or show fewer rows or columns.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise ValueError("matrix must be a non-empty DataFrame")
    n_rows, n_cols = matrix.shape
    if figsize is None:
        figsize = (min(18.0, 3.7 + 1.1 * n_cols), min(24.0, 0.9 + 0.32 * n_rows))
    fig, ax = _axes(ax, figsize)
    values = matrix.to_numpy(dtype=float)
    image = ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(n_cols), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(n_rows), [str(i) for i in matrix.index])
    top = values.max() if values.size else 0
    for i in range(n_rows):
        for j in range(n_cols):
            v = values[i, j]
            ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=8,
                    color="white" if top and v > 0.6 * top else "black")
    fig.colorbar(image, ax=ax, label=colorbar_label)
    ax.set_title(title)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return fig


def timeline(
    frame: pd.DataFrame,
    *,
    date: str = "date",
    label: str = "doc_id",
    title: str,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """One labelled marker per row on a date axis (rows without a date are left out)."""
    _require(frame, [date, label])
    dated = frame.dropna(subset=[date]).sort_values([date, label])
    fig, ax = _axes(ax, (7.0, 1.2 + 0.35 * max(len(dated), 2)))
    ax.scatter(dated[date], range(len(dated)), color=POSITIVE_COLOR, zorder=3)
    if len(dated):
        middle = dated[date].min() + (dated[date].max() - dated[date].min()) / 2
        for y, (when, text) in enumerate(zip(dated[date], dated[label], strict=True)):
            right = len(dated) > 1 and when > middle  # labels point inwards, so they stay inside the axes
            ax.annotate(f"{text} ({when:%Y-%m-%d})", (when, y), xytext=(-7 if right else 7, 0),
                        textcoords="offset points", va="center", ha="right" if right else "left", fontsize=8)
    ax.set_yticks([])
    ax.spines["left"].set_visible(False)
    ax.set_ylim(-0.7, len(dated) - 0.3)
    ax.margins(x=0.08)
    ax.set_title(title)
    ax.set_xlabel("Date")
    return fig


def _value_format(values: Sequence[float]) -> str:
    """Integers as such; otherwise one decimal from 10 up, two below (no spurious precision)."""
    if all(float(v).is_integer() for v in values):
        return "%d"
    return "%.1f" if max((abs(v) for v in values), default=0) >= 10 else "%.2f"


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"frame must be a pandas DataFrame (got {type(frame).__name__})")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column(s) {missing}; columns are {list(frame.columns)}")
