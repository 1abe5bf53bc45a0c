"""The aggregator's memory on disk: each source's last good copy and fetch state, and the history.

Layout under the state folder (``.cache/tong-hop/`` by default, kept by ``invoke clean``):
``nguon/<source>/<channel>.json`` holds the last good data of a channel (``tin-tuc``, ``thu-tuc``,
``van-ban``) with its fetch state; ``ket-qua.json`` is the merged result the provincial site renders;
``lich-su-tuan-thu.json`` keeps the compliance counts of every run for the trend chart.
Files are replaced atomically (write to a temporary file, then rename).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
    os.replace(tmp, path)


class Store:
    def __init__(self, folder: Path):
        self.folder = folder

    def channel(self, source: str, channel: str) -> dict:
        """``{"data": ..., "state": {...}}`` of a channel; empty when never fetched."""
        return read_json(self.folder / "nguon" / source / f"{channel}.json", {"data": None, "state": {}})

    def save_channel(self, source: str, channel: str, record: dict) -> None:
        write_json(self.folder / "nguon" / source / f"{channel}.json", record)

    @property
    def result_path(self) -> Path:
        return self.folder / "ket-qua.json"

    @property
    def history_path(self) -> Path:
        return self.folder / "lich-su-tuan-thu.json"
