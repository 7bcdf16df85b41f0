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

scikit-learn fits the model (`train_classifier` imports it when it runs); the
fitted numbers are then kept as a `LinearModel`, plain values that predict
without scikit-learn and that a caller can keep (`Classifier.as_data` /
`Classifier.from_data`), so classifying with a kept model takes no second to
start.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from models.categorisation import DomainSeed, Suggestion, suggest_domain
from models.intake import normalise_text

NGRAMS = (1, 3)
REGULARISATION = 10.0
CORRECTION_WEIGHT = 3.0
_SEPARATORS = re.compile(r"[\s，。！？、；：,.!?;:“”‘’\"'（）()【】\[\]《》「」…—～~-]+")
# What scikit-learn's character analyser does to a text before cutting n-grams.
_WHITE_SPACES = re.compile(r"\s\s+")


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


def char_ngrams(text: str) -> list[str]:
    """Cut a prepared text into its characters, pairs and triples (as the vectoriser does)."""
    text = _WHITE_SPACES.sub(" ", text)
    low, high = NGRAMS
    grams: list[str] = []
    for n in range(low, min(high, len(text)) + 1):
        grams += [text[i : i + n] for i in range(len(text) - n + 1)]
    return grams


@dataclass(frozen=True, eq=False)
class LinearModel:
    """A fitted TF-IDF (sublinear, l2) and logistic regression, as plain numbers.

    `coef` has one row per class, or a single row when there are two classes
    (the second class's score, as scikit-learn keeps a binary model).
    """

    classes: tuple[str, ...]
    vocabulary: Mapping[str, int]
    idf: Sequence[float]
    coef: Sequence[Sequence[float]]
    intercept: Sequence[float]

    def probabilities(self, texts: Sequence[str]) -> list[list[float]]:
        """Return each text's probability for each class, in `classes` order."""
        import numpy as np  # loaded on first use; a tenth of a second

        vocabulary = self.vocabulary
        rows: list[int] = []
        columns: list[int] = []
        counts: list[int] = []
        for number, text in enumerate(texts):
            found = Counter(
                j
                for j in (vocabulary.get(gram) for gram in char_ngrams(prepare_text(text)))
                if j is not None
            )
            rows += [number] * len(found)
            columns += found.keys()
            counts += found.values()
        row = np.asarray(rows, dtype=np.intp)
        column = np.asarray(columns, dtype=np.intp)
        values = (1.0 + np.log(np.asarray(counts, dtype=np.float64))) * self._idf()[column]
        norms = np.sqrt(np.bincount(row, weights=values * values, minlength=len(texts)))
        values = values / np.where(norms == 0.0, 1.0, norms)[row]
        coef = self._coef()
        scores = np.column_stack(
            [np.bincount(row, weights=values * line[column], minlength=len(texts)) for line in coef]
        ) + np.asarray(self.intercept, dtype=np.float64)
        if coef.shape[0] == 1:
            positive = 1.0 / (1.0 + np.exp(-scores[:, 0]))
            found_p = np.column_stack([1.0 - positive, positive])
        else:
            shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
            found_p = shifted / shifted.sum(axis=1, keepdims=True)
        return [[float(p) for p in line] for line in found_p]

    def _idf(self) -> Any:
        import numpy as np

        if "_idf_array" not in self.__dict__:
            object.__setattr__(self, "_idf_array", np.asarray(self.idf, dtype=np.float64))
        return self.__dict__["_idf_array"]

    def _coef(self) -> Any:
        import numpy as np

        if "_coef_array" not in self.__dict__:
            object.__setattr__(self, "_coef_array", np.asarray(self.coef, dtype=np.float64))
        return self.__dict__["_coef_array"]


class Classifier:
    """A classifier trained for one cycle's domains."""

    def __init__(
        self,
        seeds: Sequence[DomainSeed],
        *,
        model: LinearModel | None,
        decided: dict[str, str],
    ) -> None:
        self.seeds = tuple(seeds)
        self._model = model
        self._decided = decided

    def classify(self, texts: Sequence[str]) -> list[Suggestion]:
        """Suggest a domain and a confidence for each text, in order."""
        unique = list(dict.fromkeys(texts))
        found = dict(zip(unique, self._suggest(unique), strict=True))
        return [found[text] for text in texts]

    def _suggest(self, texts: list[str]) -> list[Suggestion]:
        if self._model is None:
            return [self._decision(text) or suggest_domain(text, self.seeds) for text in texts]
        keys = list(self._model.classes)
        suggestions = []
        for text, row in zip(texts, self._model.probabilities(texts), strict=True):
            best = max(range(len(row)), key=row.__getitem__)
            suggestions.append(
                self._decision(text)
                or Suggestion(keys[best], round(row[best], 3), self._matched(text, keys[best]))
            )
        return suggestions

    def _decision(self, text: str) -> Suggestion | None:
        key = self._decided.get(normalise_text(text))
        return None if key is None else Suggestion(key, 1.0, self._matched(text, key))

    def _matched(self, text: str, key: str) -> tuple[str, ...]:
        seed = next(s for s in self.seeds if s.key == key)
        return tuple(word for word in seed.keywords if word and word in text)

    def as_data(self) -> dict[str, Any]:
        """Return the trained classifier as plain values (for a cache a caller keeps)."""
        model = self._model
        return {
            "seeds": [[s.key, s.name, s.theme, list(s.keywords)] for s in self.seeds],
            "decided": self._decided,
            "model": None
            if model is None
            else {
                "classes": list(model.classes),
                "vocabulary": dict(model.vocabulary),
                "idf": list(model.idf),
                "coef": [list(row) for row in model.coef],
                "intercept": list(model.intercept),
            },
        }

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Classifier:
        """Rebuild a classifier from `as_data`'s values."""
        seeds = [
            DomainSeed(key, name, theme, tuple(words)) for key, name, theme, words in data["seeds"]
        ]
        found = data["model"]
        model = (
            None
            if found is None
            else LinearModel(
                tuple(found["classes"]),
                found["vocabulary"],
                found["idf"],
                found["coef"],
                found["intercept"],
            )
        )
        return cls(seeds, model=model, decided=dict(data["decided"]))


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
        return Classifier(seeds, model=None, decided=decided)
    # Imported here: scikit-learn takes a second to load, and only training needs it.
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectoriser = TfidfVectorizer(
        analyzer="char", ngram_range=NGRAMS, sublinear_tf=True, preprocessor=prepare_text
    )
    fitted = LogisticRegression(C=REGULARISATION, max_iter=2000)
    fitted.fit(vectoriser.fit_transform(texts), labels, sample_weight=weights)
    model = LinearModel(
        classes=tuple(str(key) for key in fitted.classes_),
        vocabulary={str(gram): int(j) for gram, j in vectoriser.vocabulary_.items()},
        idf=[float(v) for v in vectoriser.idf_],
        coef=[[float(v) for v in row] for row in fitted.coef_],
        intercept=[float(v) for v in fitted.intercept_],
    )
    return Classifier(seeds, model=model, decided=decided)


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
