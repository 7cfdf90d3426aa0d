"""Last step of the pipeline: charts fit for print, and their export.

Every chart function takes a tidy result frame, draws on a new or given
matplotlib ``Axes`` and returns the ``Figure``; French terms are shown exactly
as the frame holds them. :func:`save_figure` writes a figure as PNG (300 dpi)
and SVG under the output folder, with stable names and no timestamps, so that
re-running a notebook rewrites identical files.

matplotlib is imported on first use, not with the package (importing
``analysis`` stays fast and leaves matplotlib's settings alone): every function
that draws gets ``pyplot`` from :func:`_pyplot`, which applies the project's
print style (:data:`STYLE`) the first time.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .paths import figures_dir

if TYPE_CHECKING:  # annotations only: pyplot is imported on first use (_pyplot)
    import matplotlib.pyplot as plt

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


_styled = False


def _pyplot():
    """``matplotlib.pyplot``, imported on first use, with :data:`STYLE` applied the first time.

    Every function of this module that draws starts with ``plt = _pyplot()``.
    The style is applied once, so a user's own ``rcParams`` changes made
    after the first chart are kept.
    """
    global _styled
    import matplotlib.pyplot as plt

    if not _styled:
        plt.rcParams.update(STYLE)
        _styled = True
    return plt


def apply_style() -> None:
    """Set matplotlib's parameters to the project's print style (:data:`STYLE`).

    The chart functions apply it themselves on first use; call this to draw
    with matplotlib directly in the same style, or to restore it.
    """
    _pyplot().rcParams.update(STYLE)


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
    fig, ax = _pyplot().subplots(figsize=figsize)
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
    plt = _pyplot()
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
    integer: bool = False,
) -> plt.Figure:
    """Horizontal bars, one per row of ``frame``, first row on top.

    ``label`` names the column shown on the bars' axis (terms as written),
    ``value`` the bar length. Each bar carries its value at its end.
    ``integer=True`` puts ticks on whole numbers only (for counts).
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
    if integer:
        _integer_ticks(ax.xaxis)
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
    annotations: pd.DataFrame | None = None,
) -> plt.Figure:
    """A labelled heatmap of a wide frame (rows × columns), each cell annotated.

    Each cell shows its value in ``fmt``, or the text of the same cell of
    ``annotations`` (a frame of strings shaped like ``matrix``, for example a
    rate with its count). The default size grows with the frame, up to 18 ×
    24 inches; beyond that, pass ``figsize`` or show fewer rows or columns.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise ValueError("matrix must be a non-empty DataFrame")
    if annotations is not None and getattr(annotations, "shape", None) != matrix.shape:
        raise ValueError(f"annotations must be a frame shaped like matrix {matrix.shape}")
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
            text = fmt.format(v) if annotations is None else str(annotations.iat[i, j])
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
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


# --- charts the notebooks share: colours, panels, pivots, series (issues 7 and 9) ---

#: Colour-blind-safe palette (Okabe & Ito 2008), then Tableau's 20 colours without their greys.
PALETTE = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
    "#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2", "#BCBD22", "#17BECF",
    "#AEC7E8", "#FFBB78", "#98DF8A", "#FF9896", "#C5B0D5", "#C49C94", "#F7B6D2", "#DBDB8D", "#9EDAE5",
)
#: Greys for the groups written in parentheses ("(source not stated)", "(other speakers)").
PLACEHOLDER_GREYS = ("#666666", "#BBBBBB", "#999999", "#DDDDDD")


def colour_map(values: Iterable, *, palette: Sequence[str] = PALETTE) -> dict[str, str]:
    """One fixed colour per distinct value, so a speaker or a source has its colour in every chart.

    The colours follow the *sorted* distinct values (as text, missing values
    left out), so the same set of values (every source of the corpus, every
    speaker of a run) always gives the same colours, whatever chart or
    subset draws them. Values written in parentheses, the groups that are not
    one speaker or source (``(source not stated)``, ``(other speakers)``),
    take greys; the others take ``palette`` in order, starting again from its
    first colour past its end (26 colours by default).

    Returns
    -------
    dict
        value (as text) → colour, in sorted order.
    """
    if isinstance(palette, str) or not palette or not all(isinstance(c, str) for c in palette):
        raise ValueError("palette must be a non-empty sequence of colour strings")
    distinct = sorted({str(v) for v in values if not pd.isna(v)})
    placeholders = [v for v in distinct if v.startswith("(") and v.endswith(")")]
    named = [v for v in distinct if v not in set(placeholders)]
    colours = {v: palette[i % len(palette)] for i, v in enumerate(named)}
    colours |= {v: PLACEHOLDER_GREYS[i % len(PLACEHOLDER_GREYS)] for i, v in enumerate(placeholders)}
    return {v: colours[v] for v in distinct}


def panel_chart(
    frame: pd.DataFrame,
    *,
    panels: Sequence[str],
    value: str,
    xlabel: str,
    group: str = "doc_id",
    label: str = "term",
    count: str | None = None,
    labels: Mapping[str, str] | None = None,
    subtitle: str = "",
    signed: bool = False,
    top: int = 12,
    bottom: int = 0,
    threshold: float | None = None,
    threshold_label: str = "p < 0.05",
    max_cols: int = 3,
    panel_size: tuple[float, float] = (5.5, 4.2),
) -> plt.Figure:
    """One bar chart per group (article, source ...), side by side on one x scale.

    Parameters
    ----------
    frame
        A tidy result with one row per group and term, sorted within each
        group as the bars should be (for example :func:`analysis.tfidf_keywords`).
    panels
        The groups to show, one panel each, in this order (for articles:
        :func:`analysis.articles_by_date`, with ``limit`` for large corpora).
    value, label
        The columns of the bar lengths and of the bar labels.
    count
        A column of counts to show in brackets after each label,
        ``Biélorussie (4)``, so that a score or rate resting on few
        occurrences reads as such.
    group
        The column holding the group of each row.
    labels, subtitle
        Each panel's title is ``labels[group]`` (default the group itself),
        then ``subtitle`` on a second line.
    signed
        ``False``: :func:`bar_chart`; ``True``: :func:`signed_bar_chart`
        (over- and under-use), with its ``threshold`` and ``threshold_label``.
    top, bottom
        Each panel shows the group's first ``top`` rows and its last
        ``bottom`` rows (the most under-used terms of a signed table), each
        row once.
    max_cols, panel_size
        As for :func:`panel_grid`.
    """
    _require(frame, [group, label, value, *([count] if count is not None else [])])
    if isinstance(panels, str) or len(panels) == 0:
        raise ValueError("panels must be a non-empty sequence of groups")
    for name, number in (("top", top), ("bottom", bottom)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise ValueError(f"{name} must be a non-negative integer (got {number!r})")
    labels = labels or {}
    fig, axes = panel_grid(len(panels), max_cols=max_cols, panel_size=panel_size, sharex=True)
    for ax, key in zip(axes, panels, strict=True):
        rows = frame[frame[group] == key]
        if len(rows) > top + bottom:
            rows = pd.concat([rows.head(top), rows.tail(bottom)]) if bottom else rows.head(top)
        if count is not None:
            shown = [f"{t} ({n})" for t, n in zip(rows[label], rows[count], strict=True)]
            rows = rows.assign(**{label: shown})
        title = f"{labels.get(key, key)}\n{subtitle}" if subtitle else str(labels.get(key, key))
        if signed:
            signed_bar_chart(rows, label=label, value=value, title=title, xlabel=xlabel, ax=ax,
                             threshold=threshold, threshold_label=threshold_label)
        else:
            bar_chart(rows, label=label, value=value, title=title, xlabel=xlabel, ax=ax)
        if rows.empty:
            ax.text(0.5, 0.5, "no term to show", transform=ax.transAxes, ha="center", va="center")
    fig.tight_layout()
    return fig


def pivot_heatmap(
    frame: pd.DataFrame,
    *,
    row: str,
    column: str,
    value: str,
    title: str,
    colorbar_label: str,
    count: str | None = None,
    rows: Sequence | None = None,
    columns: Sequence | None = None,
    row_labels: Mapping | None = None,
    column_labels: Mapping | None = None,
    fmt: str = "{:.1f}",
    cmap: str = "Blues",
    figsize: tuple[float, float] | None = None,
) -> plt.Figure:
    """A heatmap of a tidy result: ``row`` × ``column`` cells holding ``value``.

    ``rows`` and ``columns`` choose and order the cells' rows and columns
    (default: every value, sorted); a combination missing from ``frame`` is
    a 0 cell. ``row_labels`` and ``column_labels`` map values to the text
    shown (values missing from them are shown as they are). With ``count``
    (the column of the counts behind a rate), each non-zero cell shows its
    count in parentheses, ``2.9 (1)``, so a rate resting on one or two
    matches reads as such.
    """
    _require(frame, [row, column, value, *([count] if count is not None else [])])
    if frame[[row, column]].duplicated().any():
        raise ValueError(f"frame must have one row per {row} and {column}")
    rows = sorted(frame[row].unique(), key=str) if rows is None else list(rows)
    columns = sorted(frame[column].unique(), key=str) if columns is None else list(columns)
    if not rows or not columns:
        raise ValueError("rows and columns must each hold at least one value")

    def wide(name: str) -> pd.DataFrame:
        table = frame.pivot(index=row, columns=column, values=name)
        return table.reindex(index=rows, columns=columns).fillna(0)

    matrix = wide(value)
    annotations = None
    if count is not None:
        counts = wide(count).astype(int).to_numpy()
        annotations = pd.DataFrame(
            [[fmt.format(v) + (f" ({c})" if c else "") for v, c in zip(vs, cs, strict=True)]
             for vs, cs in zip(matrix.to_numpy(dtype=float), counts, strict=True)]
        )
    matrix.index = [str((row_labels or {}).get(r, r)) for r in rows]
    matrix.columns = [str((column_labels or {}).get(c, c)) for c in columns]
    return heatmap(matrix, title=title, colorbar_label=colorbar_label, fmt=fmt, cmap=cmap, figsize=figsize,
                   annotations=annotations)


def series_bar_chart(
    frame: pd.DataFrame,
    *,
    label: str,
    series: str,
    value: str,
    colours: Mapping[str, str],
    title: str,
    xlabel: str,
    legend_title: str | None = None,
    rows: Sequence | None = None,
    stacked: bool = True,
    horizontal: bool = True,
    integer: bool = False,
    limit: float | None = None,
) -> plt.Figure:
    """Bars of several series per row, stacked or side by side, each series in its fixed colour.

    Parameters
    ----------
    frame
        A tidy frame: one row per ``label`` (a bar) and ``series`` (a part of
        it), with its ``value``; a missing combination is 0.
    colours
        series → colour, for example :func:`colour_map` of every speaker or
        source of the corpus, so that a series keeps its colour from chart to
        chart. The series are drawn and listed in the legend in the order of
        their first row in ``frame``.
    rows
        The bars, in reading order (top to bottom, or left to right when
        ``horizontal=False``); default: by total, largest first, then label.
    integer
        Ticks on whole numbers only (for counts).
    limit
        The upper end of the value axis (default: matplotlib's).
    """
    _require(frame, [label, series, value])
    if frame.empty:
        raise ValueError("frame must have at least one row")
    order = list(pd.unique(frame[series]))
    missing = [s for s in order if str(s) not in colours]
    if missing:
        raise ValueError(f"colours has no colour for {missing[:5]}")
    wide = frame.pivot_table(index=label, columns=series, values=value, aggfunc="sum", fill_value=0)
    wide = wide.reindex(columns=order, fill_value=0)
    if rows is None:
        totals = wide.sum(axis=1)
        rows = sorted(wide.index, key=lambda r: (-totals[r], str(r)))
    wide = wide.reindex(index=list(rows), fill_value=0)
    plt = _pyplot()
    n = len(wide)
    if horizontal:
        per_row = 0.3 if stacked else 0.1 + 0.2 * len(order)
        fig, ax = plt.subplots(figsize=(7.5, 1.8 + per_row * n), layout="constrained")
        wide.iloc[::-1].plot.barh(ax=ax, stacked=stacked, width=0.75, legend=False,
                                  color=[colours[str(s)] for s in order])
        axis, set_limit = ax.xaxis, ax.set_xlim
        ax.set_xlabel(xlabel)
        ax.set_ylabel("")
    else:
        fig, ax = plt.subplots(figsize=(max(6.0, 2.5 + 0.45 * n), 4.2), layout="constrained")
        wide.plot.bar(ax=ax, stacked=stacked, width=0.75, legend=False, rot=0 if n <= 12 else 90,
                      color=[colours[str(s)] for s in order])
        axis, set_limit = ax.yaxis, ax.set_ylim
        ax.set_ylabel(xlabel)
        ax.set_xlabel("")
    if integer:
        _integer_ticks(axis)
    if limit is not None:
        set_limit(0, limit)
    ax.set_title(title)
    handles, names = ax.get_legend_handles_labels()
    if horizontal and not stacked:  # side-by-side bars are drawn bottom-up: list them top-down
        handles, names = handles[::-1], names[::-1]
    fig.legend(handles, names, title=legend_title, loc="outside lower center", ncols=min(3, len(order)),
               frameon=False)
    return fig


def histogram(
    frame: pd.DataFrame,
    *,
    value: str,
    title: str,
    xlabel: str,
    by: str | None = None,
    colours: Mapping[str, str] | None = None,
    bins: int = 20,
    ylabel: str = "articles",
) -> plt.Figure:
    """The distribution of ``value`` (for example article lengths), stacked by group ``by``.

    Each group takes its colour in ``colours`` (default :func:`colour_map`
    of the groups); groups are stacked in sorted order, those written in
    parentheses (``(source not stated)``) last, and named in a legend below
    the chart.
    """
    _require(frame, [value, *([by] if by is not None else [])])
    if frame.empty:
        raise ValueError("frame must have at least one row")
    if not isinstance(bins, int) or isinstance(bins, bool) or bins < 1:
        raise ValueError(f"bins must be a positive integer (got {bins!r})")
    fig, ax = _pyplot().subplots(figsize=(7.0, 4.2), layout="constrained")
    if by is None:
        ax.hist(frame[value], bins=bins, color=POSITIVE_COLOR, edgecolor="white")
    else:
        groups = sorted(frame[by].astype(str).unique(), key=lambda g: (g.startswith("("), g))
        colours = colours or colour_map(groups)
        keys = frame[by].astype(str)
        ax.hist([frame.loc[keys == g, value] for g in groups], bins=bins, stacked=True, label=groups,
                color=[colours[g] for g in groups], edgecolor="white")
        fig.legend(title=by, loc="outside lower center", ncols=min(3, len(groups)), frameon=False)
    _integer_ticks(ax.yaxis)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig


def _integer_ticks(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


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


# --- over time and position (issue 10) ---

#: Colour-blind-safe series colours (Okabe & Ito 2008), one per term.
SERIES_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
ARTICLE_BAR_COLOR = "#E6E6E6"
ARTICLE_EDGE_COLOR = "#9E9E9E"
#: Up to this many periods, each is labelled on the date axis ("2024", "2024-Q3"); beyond, dates are.
MAX_LABELLED_PERIODS = 12


def trend_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    terms: Sequence[str] | None = None,
    term_labels: dict[str, str] | None = None,
    max_cols: int = 2,
) -> plt.Figure:
    """Rate of each term over time, with its interval band and the articles behind each period.

    One panel per term (``frame`` from :func:`analysis.trends`), all on the
    same real date axis: the rate at the middle of each period, a band and
    a bar for its confidence interval, and grey bars (right axis) for the
    number of articles of each period; a period without any article shows
    no rate (a gap) and an empty bar. Up to :data:`MAX_LABELLED_PERIODS`
    periods, each is labelled at its middle (``2024``, ``2024-Q3``);
    beyond, the axis shows dates.

    Parameters
    ----------
    frame
        The result of :func:`analysis.trends`.
    title
        The figure's title.
    terms
        The terms to show, in order (default: every term of ``frame``).
    term_labels
        Panel titles for some terms (``{"family:sud-global": "Sud global"}``).
    max_cols
        Panels per row.
    """
    plt = _pyplot()
    _require(frame, ["term", "start", "end", "n_articles", "rate", "ci_low", "ci_high"])
    import matplotlib.dates as mdates
    from matplotlib.ticker import MaxNLocator

    shown = list(dict.fromkeys(frame["term"])) if terms is None else list(terms)
    unknown = [t for t in shown if t not in set(frame["term"])]
    if not shown or unknown:
        raise ValueError(f"terms must be terms of frame (unknown: {unknown})" if unknown
                         else "frame holds no term to show")
    per = frame.attrs.get("per")
    level = frame.attrs.get("confidence", 0.95)
    fig, axes = panel_grid(len(shown), max_cols=max_cols, panel_size=(5.6, 3.4), sharex=True)
    for n, (ax, term) in enumerate(zip(axes, shown, strict=False)):
        rows = frame[frame["term"] == term].sort_values("start")
        start = pd.to_datetime(rows["start"])
        stop = pd.to_datetime(rows["end"]) + pd.Timedelta(days=1)
        middle = start + (stop - start) / 2
        color = SERIES_COLORS[n % len(SERIES_COLORS)]
        bars = ax.twinx()
        bars.bar(middle, rows["n_articles"], width=(stop - start) * 0.8, color=ARTICLE_BAR_COLOR,
                 edgecolor=ARTICLE_EDGE_COLOR, linewidth=0.6, zorder=0)
        most = max(1, int(rows["n_articles"].max()))
        bars.set_ylim(0, most * 3)  # bars in the lower third, under the rates
        ticks = MaxNLocator(nbins=3, integer=True).tick_values(0, most)
        bars.set_yticks([t for t in ticks if 0 <= t <= most])
        bars.set_ylabel("articles", color="#777777", loc="bottom")
        bars.tick_params(axis="y", colors="#777777", labelsize=8)
        bars.spines["right"].set_visible(True)
        ax.set_zorder(bars.get_zorder() + 1)
        ax.patch.set_visible(False)
        low, high, rate = rows["ci_low"].to_numpy(), rows["ci_high"].to_numpy(), rows["rate"].to_numpy()
        ax.fill_between(middle, low, high, color=color, alpha=0.18, linewidth=0)
        ax.vlines(middle, low, high, color=color, alpha=0.5, linewidth=1.2)
        ax.plot(middle, rate, color=color, marker="o", markersize=4, linewidth=1.5)
        ax.set_ylim(bottom=0)
        ax.set_title((term_labels or {}).get(term, term))
        ax.set_ylabel(f"per {per:,.0f} tokens" if per else "rate")
        if len(rows) <= MAX_LABELLED_PERIODS:
            ax.set_xticks(middle, rows["period"].astype(str), rotation=0 if len(rows) <= 6 else 45,
                          ha="center" if len(rows) <= 6 else "right")
        else:
            locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.margins(x=0.04)
    n_cols = min(max_cols, len(shown))
    for i, ax in enumerate(axes):  # dates under the lowest panel of each column
        ax.tick_params(labelbottom=i + n_cols >= len(shown))
    handles = [
        plt.Line2D([], [], color=NEUTRAL_COLOR, marker="o", markersize=4, linewidth=1.5, label="rate"),
        plt.Rectangle((0, 0), 1, 1, color=NEUTRAL_COLOR, alpha=0.18,
                      label=f"{level:.0%} interval (exact Poisson)"),
        plt.Rectangle((0, 0), 1, 1, facecolor=ARTICLE_BAR_COLOR, edgecolor=ARTICLE_EDGE_COLOR, linewidth=0.6,
                      label="articles in the period (right axis)"),
    ]
    fig.legend(handles=handles, loc="lower center", ncols=3, frameon=False, bbox_to_anchor=(0.5, 0.0))
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout(rect=(0, 0.45 / fig.get_figheight(), 1, 1))  # half an inch for the legend
    return fig


def xray_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    labels: dict[str, str] | None = None,
    max_articles: int = 30,
    terms: Sequence[str] | None = None,
    term_labels: dict[str, str] | None = None,
) -> plt.Figure:
    """Where each occurrence falls in its article (quanteda's x-ray plot), articles in date order.

    One row per article (the earliest on top), one tick per occurrence at
    its position as a share of the article (``relative`` of
    :func:`analysis.progression`), one colour per term. Only articles with
    an occurrence are drawn; beyond ``max_articles``, the ones with the most
    occurrences (then the earliest) are kept, and the title says so.

    Parameters
    ----------
    frame
        The result of :func:`analysis.progression`.
    title
        The chart's title.
    labels
        Row labels for the articles (``doc_id`` → label, as from
        :func:`analysis.article_labels`); default the ``doc_id``.
    max_articles
        Most rows drawn.
    terms
        The terms to show, in order (default: every term of ``frame``).
    term_labels
        Legend labels for some terms.
    """
    plt = _pyplot()
    _require(frame, ["term", "doc_id", "date", "relative"])
    if not isinstance(max_articles, int) or max_articles < 1:
        raise ValueError(f"max_articles must be a positive integer (got {max_articles!r})")
    shown_terms = list(dict.fromkeys(frame["term"])) if terms is None else list(terms)
    frame = frame[frame["term"].isin(shown_terms)]
    per_article = (frame.groupby("doc_id", sort=False).agg(date=("date", "first"), n=("term", "size"))
                   .reset_index())
    n_total = len(per_article)
    if n_total > max_articles:
        per_article = (per_article.sort_values(["n", "date", "doc_id"], ascending=[False, True, True],
                                               na_position="last", kind="stable").head(max_articles))
        title = f"{title}\n({max_articles} of {n_total} articles with an occurrence: those with the most)"
    order = per_article.sort_values(["date", "doc_id"], na_position="last", kind="stable")["doc_id"].tolist()
    row_of = {doc_id: i for i, doc_id in enumerate(order)}
    fig, ax = plt.subplots(figsize=(7.5, 1.7 + 0.3 * max(len(order), 2)), layout="constrained")
    for n, term in enumerate(shown_terms):
        rows = frame[(frame["term"] == term) & frame["doc_id"].isin(row_of)]
        ax.scatter(rows["relative"], rows["doc_id"].map(row_of), marker="|", s=140, linewidths=1.8,
                   color=SERIES_COLORS[n % len(SERIES_COLORS)], label=(term_labels or {}).get(term, term),
                   zorder=3)
    ax.set_yticks(range(len(order)), [(labels or {}).get(d, d) for d in order], fontsize=8)
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda x, _: f"{x:.0%}"))
    ax.grid(axis="y", color="#E5E5E5", linewidth=0.6, zorder=0)
    ax.set_xlabel("position in the article (share of its tokens: 0 = first word)")
    ax.set_title(title)
    fig.legend(loc="outside lower center", ncols=min(3, len(shown_terms)), frameon=False)
    return fig


def progression_chart(
    frame: pd.DataFrame,
    *,
    title: str,
    terms: Sequence[str] | None = None,
    term_labels: dict[str, str] | None = None,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """Cumulative occurrences of each term along the corpus read in date order (TXM's progression).

    A step line per term from the start of the corpus to its end
    (``corpus_position`` and ``cumulative`` of :func:`analysis.progression`);
    a steep stretch is a stretch of the corpus where the term is frequent, a
    flat one where it is absent. Dotted lines mark where each year starts,
    and where the undated articles (read last) start (``n.d.``).
    ``term_labels`` gives legend labels for some terms.
    """
    from matplotlib.ticker import MaxNLocator

    _require(frame, ["term", "corpus_position", "cumulative"])
    shown_terms = list(dict.fromkeys(frame["term"])) if terms is None else list(terms)
    size = frame.attrs.get("corpus_size")
    if size is None:  # attrs dropped along the way: end at the last occurrence
        size = int(frame["corpus_position"].max()) + 1 if len(frame) else 1
    fig, ax = _axes(ax, (7.5, 4.2))
    for n, term in enumerate(shown_terms):
        rows = frame[frame["term"] == term]
        x = [0, *rows["corpus_position"].tolist(), size]
        y = [0, *rows["cumulative"].tolist(), len(rows)]
        ax.step(x, y, where="post", color=SERIES_COLORS[n % len(SERIES_COLORS)], linewidth=1.6,
                label=f"{(term_labels or {}).get(term, term)} ({len(rows)})")
    top = max([*frame.groupby("term")["cumulative"].max().tolist(), 1])
    marks = dict(frame.attrs.get("year_starts", {}))
    if frame.attrs.get("undated_start") is not None:
        marks["n.d."] = frame.attrs["undated_start"]
    for year, start in marks.items():
        ax.axvline(start, color=NEUTRAL_COLOR, linewidth=0.7, linestyle=":", zorder=1)
        ax.text(start, 1.0, f" {year}", fontsize=8, color=NEUTRAL_COLOR, va="bottom", ha="left",
                transform=ax.get_xaxis_transform())  # above the plot, clear of the lines and legend
    ax.set_xlim(0, size)
    ax.set_ylim(0, top * 1.12)
    ax.set_xlabel("position in the corpus (tokens; articles in date order)")
    ax.set_ylabel("cumulative occurrences")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title, pad=16)
    ax.legend(loc="upper left", frameon=False)
    return fig


# --- end over time and position ---


# --- co-occurrence and maps (issue 10) ---


def network_chart(
    network,
    *,
    title: str,
    labels: dict[str, str] | None = None,
    ax: plt.Axes | None = None,
    show_isolated: bool = True,
) -> plt.Figure:
    """The formula network of :func:`analysis.formula_network` on a circle.

    Nodes sit on a circle in lexicon order (a fixed, readable layout: no
    label can cover another, whatever the edges), sized by the number of
    units holding the family (hollow: never found); edges are drawn with a
    width and shade growing with their score. Labels are written outward
    along the radius. ``labels`` maps family ids to the text shown (default:
    each family's ``label``).
    """
    import numpy as np

    plt = _pyplot()

    nodes, edges = network.nodes, network.edges
    if not show_isolated:
        linked = set(edges["family_a"]) | set(edges["family_b"])
        nodes = nodes[nodes["family"].isin(linked)]
    if nodes.empty:
        raise ValueError("network has no node to draw")
    names = dict(zip(nodes["family"], nodes["label"], strict=True)) | (labels or {})
    fig, ax = _axes(ax, (9.0, 9.0))
    n = len(nodes)
    angles = np.pi / 2 - 2 * np.pi * np.arange(n) / n
    position = {f: (np.cos(a), np.sin(a)) for f, a in zip(nodes["family"], angles, strict=True)}
    top = float(edges["score"].max()) if len(edges) else 1.0
    for row in edges.sort_values("score").itertuples(index=False):
        if row.family_a not in position or row.family_b not in position:
            continue
        (x0, y0), (x1, y1) = position[row.family_a], position[row.family_b]
        weight = row.score / top if top > 0 else 0.0
        ax.plot([x0, x1], [y0, y1], color=plt.cm.Blues(0.35 + 0.6 * weight), linewidth=0.8 + 4 * weight,
                zorder=1, solid_capstyle="round")
    units = nodes["units"].to_numpy()
    sizes = 40 + 260 * units / max(units.max(), 1)
    for (f, u), size in zip(zip(nodes["family"], units, strict=True), sizes, strict=True):
        x, y = position[f]
        ax.scatter([x], [y], s=size, zorder=2, color=POSITIVE_COLOR if u else "white",
                   edgecolors=POSITIVE_COLOR if u else NEUTRAL_COLOR, linewidths=1.0)
    for f, angle in zip(nodes["family"], angles, strict=True):
        x, y = position[f]
        degrees = np.degrees(angle) % 360
        left_side = 90 < degrees < 270
        ax.text(1.1 * x, 1.1 * y, textwrap.fill(names.get(f, f), 28),
                rotation=degrees - 180 if left_side else degrees, linespacing=1.0,
                rotation_mode="anchor", ha="right" if left_side else "left", va="center", fontsize=8.5,
                color="black" if dict(zip(nodes["family"], units, strict=True))[f] else NEUTRAL_COLOR)
    ax.set_xlim(-2.45, 2.45)
    ax.set_ylim(-2.45, 2.45)
    ax.set_aspect("equal")
    ax.axis("off")
    measure = getattr(network.graph, "graph", {}).get("measure", "score")
    unit = getattr(network.graph, "graph", {}).get("unit", "unit")
    ax.set_title(title)
    ax.text(0.5, -0.01, f"Edges: families found in the same {unit} more often than chance "
            f"(width and shade: {measure} score).\n"
            f"Node size: {unit}s holding the family; hollow: never found.",
            transform=ax.transAxes, ha="center", va="top", fontsize=8, color=NEUTRAL_COLOR)
    return fig


def ca_map(
    analysis,
    *,
    title: str,
    axes: tuple[int, int] = (1, 2),
    top_terms: int = 30,
    top_rows: int | None = None,
    row_labels: dict[str, str] | None = None,
    column_labels: dict[str, str] | None = None,
    show_rows: bool = True,
    ax: plt.Axes | None = None,
) -> plt.Figure:
    """The first plane (or ``axes``) of a :func:`analysis.correspondence_analysis`: parts and terms.

    A symmetric map: rows (parts, orange squares; supplementary ones hollow)
    and columns (terms, blue dots; supplementary ones, such as formula
    families, in dark grey) in principal coordinates. Only the ``top_terms``
    active terms contributing most to the plane are shown (contribution to
    the plane: ``(ctr₁ λ₁ + ctr₂ λ₂) / (λ₁ + λ₂)``), as analysts read an AFC
    in TXM or IRaMuTeQ; every supplementary column is shown, and the ``top_rows``
    active parts contributing most (``None``: every part). Axis labels give
    each axis' eigenvalue and share of inertia. ``row_labels`` and
    ``column_labels`` map names to the text shown (for instance terms as
    written, :func:`analysis.as_written`). Labels are moved apart with
    adjustText (Flyamer et al., https://github.com/Phlya/adjustText) so that
    they do not cover each other.
    """
    from adjustText import adjust_text

    a1, a2 = axes
    eig = analysis.eigenvalues.set_index("axis")
    missing = [a for a in axes if a not in eig.index or a not in set(analysis.columns["axis"])]
    if missing:
        raise ValueError(f"axes: the analysis has no axis {missing}; a map needs two axes "
                         f"(a table of 2 rows or 2 columns has only one)")
    if not isinstance(top_terms, int) or top_terms < 1:
        raise ValueError(f"top_terms must be a positive integer (got {top_terms!r})")
    if top_rows is not None and (not isinstance(top_rows, int) or top_rows < 1):
        raise ValueError(f"top_rows must be None or a positive integer (got {top_rows!r})")
    fig, ax = _axes(ax, (9.0, 7.5))
    lam1, lam2 = eig.at[a1, "eigenvalue"], eig.at[a2, "eigenvalue"]

    def plane(frame):
        name = frame.columns[0]
        wide = frame.pivot(index=[name, "supplementary"], columns="axis",
                           values=["coordinate", "contribution"])
        out = pd.DataFrame({
            "label": wide.index.get_level_values(0).astype(str),
            "supplementary": wide.index.get_level_values(1),
            "x": wide[("coordinate", a1)].to_numpy(), "y": wide[("coordinate", a2)].to_numpy(),
            "ctr": ((wide[("contribution", a1)] * lam1 + wide[("contribution", a2)] * lam2)
                    / (lam1 + lam2)).to_numpy(),
        })
        return out.sort_values(["supplementary", "ctr", "label"], ascending=[True, False, True],
                               kind="stable")

    cols = plane(analysis.columns)
    active_cols = cols[~cols["supplementary"]].head(top_terms)
    sup_cols = cols[cols["supplementary"]]
    texts = []
    ax.axhline(0, color="#BBBBBB", linewidth=0.7, zorder=0)
    ax.axvline(0, color="#BBBBBB", linewidth=0.7, zorder=0)
    ax.scatter(active_cols["x"], active_cols["y"], s=14, color=POSITIVE_COLOR, zorder=2,
               label=f"terms (the {len(active_cols)} contributing most)")
    for row in active_cols.itertuples():
        label = (column_labels or {}).get(row.label, row.label)
        texts.append(ax.text(row.x, row.y, label, fontsize=8, color=POSITIVE_COLOR))
    if len(sup_cols):
        ax.scatter(sup_cols["x"], sup_cols["y"], s=18, marker="D", color=NEUTRAL_COLOR, zorder=2,
                   label="supplementary columns")
        for row in sup_cols.itertuples():
            label = (column_labels or {}).get(row.label, row.label)
            texts.append(ax.text(row.x, row.y, label, fontsize=8, color=NEUTRAL_COLOR, style="italic"))
    if show_rows:
        rows = plane(analysis.rows)
        if top_rows is not None:
            rows = pd.concat([rows[~rows["supplementary"]].head(top_rows), rows[rows["supplementary"]]])
        for supplementary, group in rows.groupby("supplementary", sort=True):
            shown = "parts" if top_rows is None else f"parts (the {len(group)} contributing most)"
            ax.scatter(group["x"], group["y"], s=30, marker="s", zorder=3,
                       color="white" if supplementary else NEGATIVE_COLOR, edgecolors=NEGATIVE_COLOR,
                       label="supplementary parts" if supplementary else shown)
            for row in group.itertuples():
                label = (row_labels or {}).get(row.label, row.label)
                texts.append(ax.text(row.x, row.y, label, fontsize=8, color=NEGATIVE_COLOR, weight="bold"))
    ax.set_xlabel(f"Axis {a1}: λ = {lam1:.4f} ({100 * eig.at[a1, 'share']:.1f} % of inertia)")
    ax.set_ylabel(f"Axis {a2}: λ = {lam2:.4f} ({100 * eig.at[a2, 'share']:.1f} % of inertia)")
    ax.set_title(title)
    ax.legend(loc="best", fontsize=8, frameon=True, framealpha=0.9, edgecolor="none")
    ax.margins(0.12)
    if texts:
        xs = [t.get_position()[0] for t in texts]
        ys = [t.get_position()[1] for t in texts]
        # Elements with the same profile share a point: stack their labels first, since
        # adjustText cannot tell in which direction to push labels that start at one spot.
        step = 0.035 * ((max(ys) - min(ys)) or 1.0)
        seen: dict[tuple[float, float], int] = {}
        for text, x, y in zip(texts, xs, ys, strict=True):
            key = (round(x, 2), round(y, 2))
            text.set_position((x, y + step * seen.get(key, 0)))
            seen[key] = seen.get(key, 0) + 1
        # Labels keep clear of each other and of every marker (x, y); the iteration is deterministic.
        adjust_text(texts, x=xs, y=ys, ax=ax, expand=(1.1, 1.4),
                    arrowprops={"arrowstyle": "-", "color": "#999999", "lw": 0.5})
    return fig
