"""Content-hash caches that make rebuilds cheap, in CI too (a fresh checkout resets mtimes; hashes don't).

- ``DocumentCache``: per site, the parsed and validated result of each Markdown file keyed by the SHA-1
  of its bytes, so an unchanged file is neither re-parsed nor re-validated.
- ``HashCache``: per site, the SHA-1 of each content file together with the file's stat signature
  (size, mtime, ctime, inode, device), so an untouched file is not read again to be hashed: git's index
  does the same. Change is still decided by the content hash: any write to a file changes its ctime,
  so it is read and hashed again; a fresh checkout changes every signature, so everything is hashed.
- ``code_version()``: one hash of everything that shapes output besides content (plugins, schemas,
  theme, settings files, pinned requirements and JavaScript packages); any change invalidates every cache.
Caches live under ``.cache/`` beside ``content/``; deleting that folder only costs time.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import time
from pathlib import Path

from .atomic import write_bytes

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parents[1]
CACHE_FORMAT = "1"


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


@functools.cache
def code_version(project: Path = PROJECT) -> str:
    """Hash of the code, schemas, theme and settings that turn content into output."""
    digest = hashlib.sha1(CACHE_FORMAT.encode())
    roots = [project / "plugins", project / "themes"]
    files = [p for root in roots if root.is_dir() for p in root.rglob("*")
             if p.is_file() and "__pycache__" not in p.parts]
    files += [project / name for name in ("pelicanconf.py", "publishconf.py", "requirements.txt",
                                          "package-lock.json")]  # the editor's Decap bundle (plugins/editor)
    for path in sorted(f for f in files if f.is_file()):
        digest.update(str(path.relative_to(project)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def read_pickle(path: Path, default=None):
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return default


def write_pickle(path: Path, data) -> None:
    """Atomic: a concurrent reader sees the old file or the new one, never half of one."""
    write_bytes(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))


class DocumentCache:
    """``{repo-relative path: (sha1, document, problems)}`` for one site, valid for one code version."""

    def __init__(self, folder: Path | None, site_id: str):
        self.path = folder / f"{site_id}.documents.pickle" if folder else None
        stored = read_pickle(self.path, {}) if self.path else {}
        self.entries = stored.get("entries", {}) if stored.get("version") == code_version() else {}
        self.used: dict = {}

    def get(self, rel: str, digest: str):
        entry = self.entries.get(rel)
        if entry and entry[0] == digest:
            self.used[rel] = entry
            return entry[1], entry[2]
        return None

    def put(self, rel: str, digest: str, document, problems) -> None:
        self.used[rel] = (digest, document, problems)

    def save(self) -> None:
        """Keep only the files seen in this run (deleted files drop out)."""
        if self.path and self.used != self.entries:
            write_pickle(self.path, {"version": code_version(), "entries": self.used})


class HashCache:
    """SHA-1 of files by path, reused while the file's stat signature is unchanged (see the module doc).

    A file whose mtime or ctime is not clearly older than the moment its hash was stored may have been
    written again within the same clock tick ("racily clean", in git's words): it is hashed again.
    """

    RACY_NS = 2_000_000_000  # 2 s: far above any file system's timestamp granularity

    def __init__(self, path: Path | None):
        self.path = path
        stored = (read_pickle(path, {}) or {}) if path else {}
        self.entries: dict[str, tuple] = stored.get("entries", {}) if isinstance(stored, dict) else {}
        self.trusted_before = (stored.get("written", 0) if isinstance(stored, dict) else 0) - self.RACY_NS
        self.seen: dict[str, tuple] = {}
        self.hashed = False  # some file was read and hashed in this run

    def sha1_of(self, path: str, st: os.stat_result) -> str:
        signature = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        entry = self.entries.get(path)
        if (entry is not None and entry[0] == signature
                and max(st.st_mtime_ns, st.st_ctime_ns) < self.trusted_before):
            self.seen[path] = entry
            return entry[1]
        with open(path, "rb") as handle:
            digest = sha1(handle.read())
        self.seen[path] = (signature, digest)
        self.hashed = True
        return digest

    def save(self, complete: bool = True) -> None:
        """Store the hashes of this run; ``complete`` (every file of the site was seen) drops the rest."""
        if not self.path:
            return
        entries = self.seen if complete else {**self.entries, **self.seen}
        # A re-hashed file (even with the same result) moves "written" on, so it is trusted next time.
        if self.hashed or entries.keys() != self.entries.keys():
            write_pickle(self.path, {"entries": entries, "written": time.time_ns()})
