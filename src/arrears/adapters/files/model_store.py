"""Scoring models as files: ``<data dir>/models/<version>.json``, written once, never edited.

A version names its content (``RecoveryModel.version`` ends with the digest's first hex
digits), so saving the same model twice writes the same file, and loading checks the digest.
"""

from __future__ import annotations

import os
from pathlib import Path

from arrears.batch.scoring.model import RecoveryModel, model_from_json
from arrears.domain.file_names import require_plain_name
from arrears.errors import NotFoundError


class FileModelStore:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, model: RecoveryModel) -> Path:
        """Write the model (atomically: a temporary file renamed into place)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{model.version}.json"
        if not path.exists():
            temporary = path.with_suffix(".tmp")
            temporary.write_text(model.to_json(), encoding="utf-8")
            os.replace(temporary, path)
        return path

    def load(self, name_or_version: str) -> RecoveryModel:
        """A version, or the latest trained model of a name (by its last training day). The
        name comes from a strategy file, so it may only be a name (``domain.file_names``)."""
        require_plain_name(name_or_version, what="model")
        exact = self.directory / f"{name_or_version}.json"
        if exact.exists():
            return model_from_json(exact.read_text(encoding="utf-8"))
        found = sorted(self.directory.glob(f"{name_or_version}-*.json"))
        if not found:
            raise NotFoundError(
                f"no model {name_or_version!r} in {self.directory}: train one first "
                "(arrears simulate --save-model, or docs/decision-engine.md)"
            )
        return model_from_json(found[-1].read_text(encoding="utf-8"))

    def versions(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json"))
