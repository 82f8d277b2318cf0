"""Training is deterministic and the artefact round-trips (small subset: fast)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ecommerce_agent.errors import ConfigError, DataValidationError
from ecommerce_agent.nlu.engine import Nlu
from ecommerce_agent.nlu.model import MANIFEST_FILE, MODEL_FILE, load_model, save_model
from ecommerce_agent.nlu.training import load_examples, near_duplicate_groups, train_nlu

from .conftest import MODEL_DIR, TRAIN

PROBES = ["환불 정책 알려줘", "환불해 주세요", "주문내역좀보여줘", "상담원 연결", "ㅇㅇ", "배송 언제 와요?"]


@pytest.fixture(scope="module")
def subset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every eighth training line (about 300), all intents present."""
    lines = TRAIN.read_text(encoding="utf-8").splitlines()[::8]
    path = tmp_path_factory.mktemp("nlu") / "subset.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(subset: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same subset trained twice, saved to two directories."""
    out = []
    for name in ("a", "b"):
        directory = tmp_path_factory.mktemp(name)
        save_model(train_nlu(subset, cv=False), directory)
        out.append(directory)
    return out[0], out[1]


def test_same_data_gives_the_same_model(trained: tuple[Path, Path]) -> None:
    a, b = trained
    assert (a / MODEL_FILE).read_bytes() == (b / MODEL_FILE).read_bytes()
    with np.load(a / MODEL_FILE) as x, np.load(b / MODEL_FILE) as y:
        assert x.files == y.files
        for name in x.files:
            assert np.array_equal(x[name], y[name]), name
    nlu_a, nlu_b = Nlu(load_model(a)), Nlu(load_model(b))
    for text in PROBES:
        assert nlu_a.understand(text) == nlu_b.understand(text)


def test_round_trip_and_manifest(subset: Path, trained: tuple[Path, Path]) -> None:
    directory = trained[0]
    manifest = json.loads((directory / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["data"]["lines"] == len(load_examples(subset))
    assert len(manifest["data"]["sha256"]) == 64 and len(manifest["model_sha256"]) == 64
    assert set(manifest["versions"]) >= {"scikit-learn", "numpy", "kiwipiepy"}
    assert len(manifest["labels"]) == 14
    loaded = load_model(directory)
    assert loaded.second_stage is None and manifest["cross_validation"] is None
    nlu = Nlu(loaded)
    assert {nlu.understand(t).intent for t in PROBES} <= set(manifest["labels"])


def test_a_damaged_or_missing_model_is_refused(trained: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="train-nlu"):
        load_model(tmp_path / "nothing")
    for name in (MODEL_FILE, MANIFEST_FILE):
        (tmp_path / name).write_bytes((trained[1] / name).read_bytes())
    load_model(tmp_path)
    with (tmp_path / MODEL_FILE).open("ab") as handle:
        handle.write(b"junk")
    with pytest.raises(ConfigError, match="매니페스트"):
        load_model(tmp_path)


def test_bad_training_data_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "네", "intent": "dialog.confirm", "slots": {}}\n'
                   '{"text": "뭐지", "intent": "smalltalk", "slots": {}}\n', encoding="utf-8")
    with pytest.raises(DataValidationError, match=":2:"):
        load_examples(bad)


def test_near_duplicates_share_a_group() -> None:
    groups = near_duplicate_groups(["주문 취소해 주세요", "주문 취소해 주세요 ㅠㅠ", "주문취소해주세요",
                                    "환불 정책 알려줘"])
    assert groups[0] == groups[1] == groups[2] != groups[3]


def test_the_committed_model_matches_the_training_data() -> None:
    """A changed train.jsonl needs `ecommerce-agent train-nlu` (and a new commit)."""
    import hashlib

    manifest = json.loads((MODEL_DIR / MANIFEST_FILE).read_text(encoding="utf-8"))
    assert manifest["data"]["sha256"] == hashlib.sha256(TRAIN.read_bytes()).hexdigest()
    assert manifest["cross_validation"]["accuracy"] > 0.85
    assert (MODEL_DIR / MODEL_FILE).stat().st_size < 15_000_000


def test_numpy_prediction_matches_scikit_learn(subset: Path) -> None:
    """The saved model predicts without scikit-learn; it must agree with it."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from ecommerce_agent.nlu.classifier import (
        VIEWS,
        ClassifierConfig,
        analyser,
        train_classifier,
        views,
    )

    examples = load_examples(subset)[::2]
    texts, labels = [e.text for e in examples], [e.intent for e in examples]
    config = ClassifierConfig()
    prepared = [views(t) for t in texts]
    ours = train_classifier(texts, labels, config, prepared=prepared)
    vectorisers = [TfidfVectorizer(analyzer=analyser(v, config), sublinear_tf=True, lowercase=False,
                                   min_df=config.jamo_min_df if v == "jamo" else 1) for v in VIEWS]
    blocks = [vec.fit_transform([p[v] for p in prepared]) * w
              for vec, v, w in zip(vectorisers, VIEWS, config.weights)]
    reference = LogisticRegression(C=config.c, solver="newton-cg", max_iter=200, tol=1e-4).fit(
        sparse.hstack(blocks, format="csr"), labels)
    probe = [views(t) for t in PROBES + ["완전히 새로운 문장 qwerty"]]
    matrix = sparse.hstack([vec.transform([p[v] for p in probe]) * w
                            for vec, v, w in zip(vectorisers, VIEWS, config.weights)], format="csr")
    expected = reference.decision_function(matrix)
    got = np.array([ours.logits(p) for p in probe])
    assert np.allclose(got, expected, atol=1e-4)
