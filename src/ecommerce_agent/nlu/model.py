"""The trained NLU artefact: one ``.npz`` file plus a JSON manifest.

``data/nlu/model/`` holds

* ``nlu.npz`` — vocabularies, IDF weights and coefficients of the intent
  classifier and the two span taggers, as plain NumPy arrays;
* ``manifest.json`` — what went in and what came out: the training data's
  SHA-256, library versions, labels, hyper-parameters, cross-validation
  scores, the model file's own SHA-256, and how long training took.

No pickle: loading executes nothing from the file, and a model trained with
one scikit-learn version keeps working with the next. Loading checks the file
against the manifest's hash, so a half-copied or stale file fails with one
Korean line instead of predicting nonsense.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform
import zipfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError
from .classifier import ClassifierConfig, LinearIntentModel
from .spans import SpanTagger

MODEL_FILE = "nlu.npz"
MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 2  # 2: the shape view


@dataclass(frozen=True, slots=True)
class NluModel:
    classifier: LinearIntentModel
    query_tagger: SpanTagger
    reason_tagger: SpanTagger
    manifest: dict[str, Any]
    second_stage: LinearIntentModel | None = None  # also reads the e5 embedding


def library_versions() -> dict[str, str]:
    import kiwipiepy
    import scipy
    import sklearn

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
            "numpy": np.__version__, "scipy": scipy.__version__, "kiwipiepy": kiwipiepy.__version__}


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_model(model: NluModel, directory: Path) -> Path:
    """Write both files; the manifest last, so a manifest means a complete model."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / MODEL_FILE
    arrays = {"format": np.array([FORMAT_VERSION])}
    arrays.update(model.classifier.arrays("clf_"))
    arrays.update(model.query_tagger.arrays("query_"))
    arrays.update(model.reason_tagger.arrays("reason_"))
    if model.second_stage is not None:  # same vocabularies as the first: stored once
        if not model.second_stage.same_vocabularies(model.classifier):
            raise ValueError("the second stage must share the first stage's vocabularies")
        arrays.update(model.second_stage.arrays("second_", vocabularies=False))
    tmp = directory / f".{MODEL_FILE}.{os.getpid()}.tmp"
    _write_npz(tmp, arrays)
    tmp.replace(target)
    manifest = dict(model.manifest)
    manifest["model_file"] = MODEL_FILE
    manifest["model_sha256"] = sha256_file(target)
    manifest["model_bytes"] = target.stat().st_size
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (directory / MANIFEST_FILE).write_text(text, encoding="utf-8")
    return target


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Like ``np.savez_compressed`` but byte-for-byte reproducible (fixed zip
    timestamps, sorted members): the same model gives the same file and hash."""
    with zipfile.ZipFile(path, "w") as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asanyarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, buffer.getvalue(), compresslevel=6)


def load_model(directory: Path) -> NluModel:
    """Load and verify; ``ConfigError`` (one Korean line) when missing or stale."""
    target, manifest_path = directory / MODEL_FILE, directory / MANIFEST_FILE
    if not target.exists() or not manifest_path.exists():
        raise ConfigError(f"NLU 모델이 없습니다 ({directory}). 먼저 `ecommerce-agent train-nlu`를 실행하세요.")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if manifest.get("model_sha256") != sha256_file(target):
        raise ConfigError(f"NLU 모델 파일({target})이 매니페스트와 다릅니다. "
                          "`ecommerce-agent train-nlu`로 다시 만드세요.")
    with np.load(target, allow_pickle=False) as npz:
        data = {name: npz[name] for name in npz.files}
    if int(data["format"][0]) != FORMAT_VERSION:
        raise ConfigError(f"NLU 모델 형식({int(data['format'][0])})을 지원하지 않습니다. "
                          "`ecommerce-agent train-nlu`로 다시 만드세요.")
    known = {f.name for f in fields(ClassifierConfig)}
    params = {k: (tuple(v) if isinstance(v, list) else v)
              for k, v in manifest["classifier"].items() if k in known}
    config = ClassifierConfig(**params)
    classifier = LinearIntentModel.from_arrays(data, "clf_", config)
    second = (LinearIntentModel.from_arrays(data, "second_", config, vocab_prefix="clf_")
              if "second_coef" in data else None)
    return NluModel(classifier, SpanTagger.from_arrays(data, "query_"),
                    SpanTagger.from_arrays(data, "reason_"), manifest, second)
