"""The learned needs classifier: character n-grams and a logistic regression, offline.

It learns from three sources, all passed in as values: each domain's seed
keywords (one short example per keyword, so a keyword staff add counts on the
next run), the labelled training set shipped in `data/`, and every correction
staff made. A correction outweighs a shipped example, and a need whose text
staff already decided (same text once punctuation is ignored) gets that
decision with confidence 1.0.

Chinese needs have no spaces, so the features are the text's characters and
character pairs and triples (TF-IDF), which catch 低保, 四点半 and 助餐 without a
word segmenter. The confidence is the model's probability for the domain it
picks; below `REVIEW_THRESHOLD` the need goes to staff review.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from models.categorisation import DomainSeed, Suggestion, suggest_domain
from models.intake import normalise_text

NGRAMS = (1, 3)
REGULARISATION = 10.0
CORRECTION_WEIGHT = 3.0
_SEPARATORS = re.compile(r"[\s，。！？、；：,.!?;:“”‘’\"'（）()【】\[\]《》「」…—～~-]+")


@dataclass(frozen=True)
class Example:
    """A need's text and the key of the domain it belongs to."""

    text: str
    domain_key: str


def classifier_input(text: str, target_group: str = "") -> str:
    """Return what the classifier reads of a need: its text, and its target group if given."""
    return f"{text}（{target_group}）" if target_group.strip() else text


def prepare_text(text: str) -> str:
    """Normalise a text for the n-grams: full-width forms folded, punctuation as spaces."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text)).lower().strip()


class Classifier:
    """A classifier trained for one cycle's domains."""

    def __init__(
        self,
        seeds: Sequence[DomainSeed],
        *,
        vectoriser: TfidfVectorizer | None,
        model: LogisticRegression | None,
        decided: dict[str, str],
    ) -> None:
        self.seeds = tuple(seeds)
        self._vectoriser = vectoriser
        self._model = model
        self._decided = decided

    def classify(self, texts: Sequence[str]) -> list[Suggestion]:
        """Suggest a domain and a confidence for each text, in order."""
        unique = list(dict.fromkeys(texts))
        found = dict(zip(unique, self._suggest(unique), strict=True))
        return [found[text] for text in texts]

    def _suggest(self, texts: list[str]) -> list[Suggestion]:
        if self._model is None or self._vectoriser is None:
            return [self._decision(text) or suggest_domain(text, self.seeds) for text in texts]
        if not texts:
            return []
        probabilities = self._model.predict_proba(self._vectoriser.transform(texts))
        keys = [str(key) for key in self._model.classes_]
        suggestions = []
        for text, row in zip(texts, probabilities, strict=True):
            best = int(row.argmax())
            suggestions.append(
                self._decision(text)
                or Suggestion(
                    keys[best], round(float(row[best]), 3), self._matched(text, keys[best])
                )
            )
        return suggestions

    def _decision(self, text: str) -> Suggestion | None:
        key = self._decided.get(normalise_text(text))
        return None if key is None else Suggestion(key, 1.0, self._matched(text, key))

    def _matched(self, text: str, key: str) -> tuple[str, ...]:
        seed = next(s for s in self.seeds if s.key == key)
        return tuple(word for word in seed.keywords if word and word in text)


def train_classifier(
    seeds: Sequence[DomainSeed],
    examples: Iterable[Example],
    *,
    corrections: Iterable[Example] = (),
) -> Classifier:
    """Train on the seed keywords, the labelled examples and staff corrections (oldest first)."""
    keys = {seed.key for seed in seeds}
    decided = {normalise_text(c.text): c.domain_key for c in corrections if c.domain_key in keys}
    texts, labels, weights = _training_set(seeds, examples, decided)
    if len(set(labels)) < 2:
        return Classifier(seeds, vectoriser=None, model=None, decided=decided)
    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, preprocessor=prepare_text
    )
    model = LogisticRegression(C=REGULARISATION, max_iter=2000)
    model.fit(vectoriser.fit_transform(texts), labels, sample_weight=weights)
    return Classifier(seeds, vectoriser=vectoriser, model=model, decided=decided)


def _training_set(
    seeds: Sequence[DomainSeed], examples: Iterable[Example], decided: dict[str, str]
) -> tuple[list[str], list[str], list[float]]:
    keys = {seed.key for seed in seeds}
    rows = [(word, seed.key, 1.0) for seed in seeds for word in seed.keywords if word.strip()]
    # Staff decisions replace a shipped label for the same text.
    rows += [
        (e.text, e.domain_key, 1.0)
        for e in examples
        if e.domain_key in keys and normalise_text(e.text) not in decided
    ]
    rows += [(text, key, CORRECTION_WEIGHT) for text, key in decided.items()]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]
