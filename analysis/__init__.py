"""Discourse analysis of French-language diplomatic news.

The pipeline, one module per step::

    corpus → text (tokens, sentences) → counts → statistics
           → formulas and segments → plots

Everything a notebook needs is importable from here: ``from analysis import
load_corpus, tokenize, ...``.
"""

import types as _types

from .corpus import article_labels, articles_by_date, check_corpus, load_corpus
from .errors import AnalysisError, CorpusError, LexiconError, PatternError, TokenIndexError
from .paths import CORPUS_DIR, PROJECT_DIR, figures_dir, output_dir
from .plots import apply_style, bar_chart, heatmap, panel_grid, save_figure, signed_bar_chart, timeline
from .text import (
    lemma, normalize, sentences, stopword_list, tokenize, tokenizer, unify_marks,
)

# --- counts and statistics (issue 3) ---
from .index import TokenIndex, build_index, load_index, merge_indexes, save_index
from .counts import as_written, term_frequencies, term_matrix, text_profile
from .statistics import (
    chi_squared,
    keyness,
    lafon_specificity,
    log_likelihood,
    log_ratio,
    select_documents,
    specificities,
    tfidf_keywords,
)
# --- end counts and statistics ---

# --- formulas, segments, concordances, speech (issue 4) ---
from .concordance import kwic
from .segments import formulaicity, repeated_segments, shared_passages
from .phrases import compile_phrase
from .lexicon import load_actors, load_lexicon
from .formulas import find_formulas, formula_counts, formula_pattern
from .speech import actor_counts, find_actors, speech, unknown_speakers
# --- end formulas ---

# --- over time and position (issue 10) ---
from .trends import (
    dispersion, gries_dp, homogeneity_test, juilland_d, poisson_interval, progression, trend_test, trends,
)
from .plots import progression_chart, trend_chart, xray_chart
# --- end over time and position ---
# --- import and export (issue 9) ---
from .errors import SourceError
from .paths import corpus_dir
from .sources import content_key, export_corpus, french_date, import_articles
# --- end import and export ---
# --- charts and tables of the notebooks (issues 7 and 9); matplotlib is imported on first draw ---
from .counts import vocabulary_overlap
from .formulas import formulas_by_speaker
from .plots import colour_map, histogram, panel_chart, pivot_heatmap, series_bar_chart
# --- end charts and tables ---
# --- co-occurrence and maps (issue 10) ---
from .cooccurrence import FormulaNetwork, cooccurrence_score, cooccurrences, formula_network
from .maps import CorrespondenceAnalysis, correspondence_analysis
from .candidates import family_key_words, formula_candidates, lexicon_snippet
from .plots import ca_map, network_chart
# --- end co-occurrence and maps ---

__all__ = sorted(
    name for name, value in globals().items()
    if not name.startswith("_") and not isinstance(value, _types.ModuleType)
)
