"""Compare French stop-word lists for the project's tokenizer.

Lists compared, each only if importable in the running interpreter:

* ``stop-words``: the French list of the ``stop-words`` package, which the
  project starts from (entries ending in ``.`` left out, as the project does);
* ``project``: :func:`analysis.stopword_list`, i.e. that list minus
  ``analysis/data/stopwords_keep.txt`` plus ``analysis/data/stopwords_project.txt``;
* ``stopwordsiso``: ``stopwordsiso.stopwords("fr")``;
* ``spaCy``: ``spacy.lang.fr.stop_words.STOP_WORDS``.

Every word is put in the tokenizer's normal form (:func:`analysis.normalize`:
lower case, ``'`` apostrophes). The script prints the sizes and overlaps, the
content words of diplomatic prose that each list holds (a hand-made watch
list, below), and the coverage on the hand-lemmatized seed articles
(``benchmarks/data/seed_lemmas_gold.tsv``): a token counts as dropped when its
form or its gold lemma is in the list, the rule of ``tokenize(stopwords=...)``.

Run::

    /tmp/lemvenv/bin/python benchmarks/compare_stopwords.py   # all four lists
    .venv/bin/python benchmarks/compare_stopwords.py          # stop-words and project only
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "benchmarks" / "data" / "seed_lemmas_gold.tsv"

#: Content words of diplomatic and political prose that a stop list should not drop (hand-made).
#: Grouped only for reading; every group is checked the same way.
WATCH = {
    "state and institutions": "état états pouvoir gouvernement président premier première ministre "
    "partie parties côté droite gauche sein",
    "security and military": "force forces avions mine paix guerre",
    "evaluation and stance": "nouveau nouvelle nouveaux nouvelles grand grande haut bon bonne juste "
    "seul seule unique proche possible nécessaire nombreux nombreuses divers différent différents "
    "particulier spécifique direct directe ouvert ouverte relative cher",
    "nouns": "personne personnes fait faits effet point points question sujet valeur voie droit droits "
    "suite cours face compte part place ordre gens reste retour début fin nom mot parole pièce "
    "essai chose choses dos passé plein or",
    "verbs (lemmas and frequent forms)": "dire dit faire font devoir doit doivent devra parler parle "
    "rendre tenir suivre laisser permet semble attendu vu",
}

#: Gold lemmas of the seed articles that are grammatical words (determiners, pronouns, prepositions,
#: conjunctions, auxiliaries, grammatical adverbs), for the coverage test. Everything else is a
#: content word, except numerals (:data:`NUMERALS`), which are reported apart.
FUNCTION_LEMMAS = frozenset(
    """le un de à et que se ne en dans pour avec sur par contre entre ce son leur il lui qui dont y tout tel
    chacun quelque ainsi alors lors afin plus davantage également ailleurs fois être avoir monsieur
    concernant""".split()
)
NUMERALS = frozenset("deux trois six".split())


def _import_analysis():
    try:
        import analysis
    except ImportError:
        sys.path.insert(0, str(ROOT))
        import analysis
    return analysis


def _version(dist: str) -> str:
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def load_lists(analysis) -> dict[str, frozenset[str]]:
    from stop_words import get_stop_words

    def norm(words) -> frozenset[str]:
        return frozenset(analysis.normalize(w) for w in words if not w.endswith("."))

    lists = {
        f"stop-words {_version('stop-words')}": norm(get_stop_words("french")),
        "project (analysis.stopword_list)": analysis.stopword_list(),
    }
    try:
        import stopwordsiso
    except ImportError:
        print("stopwordsiso is not installed in this interpreter: skipped\n")
    else:
        lists[f"stopwordsiso {_version('stopwordsiso')}"] = norm(stopwordsiso.stopwords("fr"))
    try:
        from spacy.lang.fr.stop_words import STOP_WORDS
    except ImportError:
        print("spaCy is not installed in this interpreter: skipped\n")
    else:
        lists[f"spaCy {_version('spacy')}"] = norm(STOP_WORDS)
    return lists


def load_gold() -> list[dict[str, str]]:
    with GOLD.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def word_class(lemma: str) -> str:
    if lemma in NUMERALS or lemma.isdigit() or lemma[:1].isdigit():
        return "numeral"
    return "function" if lemma in FUNCTION_LEMMAS else "content"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    analysis = _import_analysis()
    lists = load_lists(analysis)
    names = list(lists)

    print(f"Python {sys.version.split()[0]} ({sys.executable})\n")
    print("== sizes and overlaps (words in common)")
    width = max(map(len, names))
    for a in names:
        overlaps = "  ".join(f"{len(lists[a] & lists[b]):4d}" for b in names)
        print(f"   {a:<{width}} {len(lists[a]):5d} words | {overlaps}")
    print()

    print("== watch list: content words of diplomatic prose held as stop words")
    watch = [w for group in WATCH.values() for w in group.split()]
    for name in names:
        held = [w for w in watch if analysis.normalize(w) in lists[name]]
        print(f"   {name}: {len(held)}/{len(watch)}: {' '.join(held) or '-'}")
    print()

    gold = load_gold()
    classes = Counter(word_class(analysis.normalize(g["lemma"])) for g in gold)
    print(f"== coverage on the seed articles ({len(gold)} tokens: {classes['function']} grammatical, "
          f"{classes['content']} content, {classes['numeral']} numerals)")
    rows = []
    for name in names:
        stop = lists[name]
        missed, dropped_content, dropped_num = Counter(), Counter(), Counter()
        n_dropped = 0
        for g in gold:
            form, lem = analysis.normalize(g["form"]), analysis.normalize(g["lemma"])
            is_stop = form in stop or lem in stop
            n_dropped += is_stop
            cls = word_class(lem)
            if cls == "function" and not is_stop:
                missed[form] += 1
            elif cls == "content" and is_stop:
                dropped_content[form] += 1
            elif cls == "numeral" and is_stop:
                dropped_num[form] += 1
        recall = 1 - sum(missed.values()) / classes["function"]
        wrong = sum(dropped_content.values()) / classes["content"]
        rows.append((name, n_dropped / len(gold), recall, wrong))

        def show(c: Counter) -> str:
            return " ".join(f"{w}" + (f"x{n}" if n > 1 else "") for w, n in c.most_common()) or "-"

        print(f"-- {name}")
        print(f"   tokens dropped: {n_dropped}/{len(gold)} ({n_dropped / len(gold):.1%})")
        print(f"   grammatical tokens kept ({sum(missed.values())}): {show(missed)}")
        print(f"   content tokens dropped ({sum(dropped_content.values())}): {show(dropped_content)}")
        print(f"   numerals dropped ({sum(dropped_num.values())}): {show(dropped_num)}")
    print()
    print("| list | words | seed tokens dropped | grammatical tokens dropped | content tokens dropped |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, dropped, recall, wrong in rows:
        print(f"| {name} | {len(lists[name])} | {dropped:.1%} | {recall:.1%} | {wrong:.1%} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
