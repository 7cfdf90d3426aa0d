"""Discourse analysis of French-language diplomatic news.

The pipeline, one module per step::

    corpus → text (tokens, sentences) → counts → statistics
           → formulas and segments → plots

Everything a notebook needs is importable from here: ``from analysis import
load_corpus, tokenize, ...``.
"""

import types as _types

from .corpus import article_labels, articles_by_date, check_corpus, load_corpus
from .errors import AnalysisError, CorpusError, LexiconError, PatternError
from .paths import CORPUS_DIR, PROJECT_DIR, figures_dir, output_dir
from .plots import apply_style, bar_chart, heatmap, panel_grid, save_figure, signed_bar_chart, timeline
from .text import (
    lemma, normalize, sentences, stopword_list, text_profile, tokenize, tokenizer, unify_marks,
)

# --- counts and statistics (issue 3) ---
from .counts import as_written, term_frequencies, term_matrix
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
from .speech import actor_counts, find_actors, speech
# --- end formulas ---

__all__ = sorted(
    name for name, value in globals().items()
    if not name.startswith("_") and not isinstance(value, _types.ModuleType)
)
