"""Discourse analysis of French-language diplomatic news.

The pipeline, one module per step::

    corpus → text (tokens, sentences) → counts → statistics
           → formulas and segments → plots

Everything a notebook needs is importable from here: ``from analysis import
load_corpus, tokenize, ...``.
"""

import types as _types

# where things are, and what can go wrong
from .paths import CORPUS_DIR, PROJECT_DIR, corpus_dir, figures_dir, output_dir
from .errors import (
    AnalysisError, CorpusError, LexiconError, PatternError, SourceError, TokenIndexError,
)

# corpus: import, load, export
from .sources import content_key, export_corpus, french_date, import_articles
from .corpus import article_labels, articles_by_date, check_corpus, load_corpus

# text: tokens and sentences, once for the whole corpus in the token index
from .text import (
    corpus_sentence_spans, corpus_token_spans, lemma, normalize, sentence_spans, sentences, stopword_list,
    token_spans, tokenize, tokenizer, unify_marks,
)
from .index import TokenIndex, build_index, load_index, merge_indexes, save_index

# counts and statistics
from .counts import as_written, term_frequencies, term_matrix, text_profile, vocabulary_overlap
from .statistics import (
    chi_squared, keyness, lafon_specificity, log_likelihood, log_ratio, select_documents, specificities,
    tfidf_keywords,
)

# formulas, speakers, segments, concordances
from .phrases import compile_phrase
from .lexicon import load_actors, load_lexicon
from .speech import actor_counts, find_actors, speech, unknown_speakers
from .formulas import find_formulas, formula_counts, formula_pattern, formulas_by_speaker
from .segments import formulaicity, repeated_segments, shared_passages
from .concordance import kwic

# over time, together, on a map
from .trends import (
    dispersion, gries_dp, homogeneity_test, juilland_d, poisson_interval, progression, trend_test, trends,
)
from .cooccurrence import FormulaNetwork, cooccurrence_score, cooccurrences, formula_network
from .candidates import family_key_words, formula_candidates, lexicon_snippet
from .maps import CorrespondenceAnalysis, correspondence_analysis

# plots (matplotlib is imported on the first chart drawn)
from .plots import (
    apply_style, bar_chart, ca_map, colour_map, heatmap, histogram, network_chart, panel_chart, panel_grid,
    pivot_heatmap, progression_chart, save_figure, series_bar_chart, signed_bar_chart, timeline, trend_chart,
    xray_chart,
)

__all__ = sorted(
    name for name, value in globals().items()
    if not name.startswith("_") and not isinstance(value, _types.ModuleType)
)
