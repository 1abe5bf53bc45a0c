"""The aggregator's memory on disk: each source's last good copy and fetch state, and the history.

Layout under the state folder (``.cache/tong-hop/`` by default, kept by ``invoke clean``):
``nguon/<source>/<channel>.json`` holds the last good data of a channel (``tin-tuc``, ``thu-tuc``,
``van-ban``), ``nguon/<source>/<channel>.trang-thai.json`` its fetch state (with the SHA-1 of the last
good body, so an unchanged body is not parsed again, the notes of its normalisation and the version of
the rules that made them); ``ket-qua.json`` is the merged result the provincial site renders
(``ket-qua.sha1``: its digest, so the same result is not written again); ``lich-su-tuan-thu.json`` keeps
the compliance counts of every run for the trend chart.
Files are replaced atomically (write to a temporary file, then rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from portal import jsonfmt

FOLDER = "tong-hop"  # the name of the state folder among the project's folders (declared in pages.py)


def read_json(path: Path, default=None):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def write_json(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(jsonfmt.dumps(data) + "\n")
    os.replace(tmp, path)


class Store:
    def __init__(self, folder: Path):
        self.folder = folder

    def channel(self, source: str, channel: str) -> dict:
        """``{"data": ..., "state": {...}}`` of a channel; empty when never fetched."""
        data = read_json(self.folder / "nguon" / source / f"{channel}.json", {"data": None, "state": {}})
        state = read_json(self.folder / "nguon" / source / f"{channel}.trang-thai.json")
        return {"data": data.get("data"), "state": state if isinstance(state, dict) else data.get("state", {})}

    def save_channel(self, source: str, channel: str, record: dict, data_changed: bool = True) -> None:
        """The fetch state every run; the data (the larger file) only when it changed."""
        data_path = self.folder / "nguon" / source / f"{channel}.json"
        if data_changed or not data_path.is_file():
            write_json(data_path, {"data": record["data"]})
        write_json(self.folder / "nguon" / source / f"{channel}.trang-thai.json", record["state"])

    @property
    def result_path(self) -> Path:
        return self.folder / "ket-qua.json"

    def write_result(self, result: dict) -> bool:
        """``ket-qua.json``, unless it holds this very result: its digest is kept beside it (``ket-qua.sha1``,
        with the size and mtime of the file it describes). The result of a province is megabytes written on
        every aggregation, and one edit of a unit's body changes none of it. Returns whether it was written."""
        # The C encoder's compact text: the same for equal results (pickle and marshal are not: they record
        # which strings are shared), in about half the time of writing the file.
        digest = hashlib.sha1(json.dumps(result, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
        marker = self.folder / "ket-qua.sha1"
        kept = read_json(marker, {})
        try:
            st = self.result_path.stat()
            same = kept == {"sha1": digest, "kich_thuoc": st.st_size, "mtime_ns": st.st_mtime_ns}
        except OSError:
            same = False
        if same:
            return False
        write_json(self.result_path, result)
        st = self.result_path.stat()
        write_json(marker, {"sha1": digest, "kich_thuoc": st.st_size, "mtime_ns": st.st_mtime_ns})
        return True

    @property
    def history_path(self) -> Path:
        return self.folder / "lich-su-tuan-thu.json"
