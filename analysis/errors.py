"""The project's own exception types.

Each names the file (and row or entry) at fault and what is wrong, so that bad
input ends in one readable message rather than a deep traceback.
"""

from __future__ import annotations

from numbers import Integral


class AnalysisError(Exception):
    """Base class of every error this package raises on bad input."""


class CorpusError(AnalysisError):
    """The corpus folder or its metadata table is not usable.

    ``problems`` lists every problem found (all are reported at once, so a user
    fixes a corpus in one pass); the message joins them, one per line.
    """

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class LexiconError(AnalysisError):
    """A formula lexicon or actor table file is not valid."""


class SourceError(AnalysisError):
    """A file given to :func:`analysis.import_articles` cannot be imported (named, with the problem).

    Not called ``ImportError``, which is Python's own exception for a failed ``import``.
    """


class TokenIndexError(AnalysisError):
    """A saved token index does not belong to the corpus or the tokenizer at hand."""


class PatternError(AnalysisError, ValueError):
    """A user's search pattern (``kwic(..., regex=True)``) is invalid or runs too long."""


def excerpt(value: object, limit: int = 200) -> str:
    """``repr(value)`` cut to ``limit`` characters, for error messages about values of any size."""
    shown = repr(value)
    if len(shown) <= limit:
        return shown
    return f"{shown[:limit]}… ({len(shown):,} characters in all)"


def check_integer(name: str, value: object, *, minimum: int) -> None:
    """Raise ``ValueError`` naming the argument unless ``value`` is an integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum} (got {value!r})")


def check_progress(progress: object) -> None:
    """Raise ``ValueError`` unless ``progress`` (show a progress bar) is ``None``, ``True`` or ``False``."""
    if progress is not None and not isinstance(progress, bool):
        raise ValueError(f"progress must be None, True or False (got {progress!r})")
