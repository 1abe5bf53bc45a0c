"""Files replaced in one step: a reader (a web server, a CI step, another build) sees the old file or the
new one, never half of one, and a build killed mid-write leaves the old file in place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it, then rename it over ``path``.
    ``mode``: the permission bits the file gets (the temporary file is private until then)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> None:
    """:func:`write_bytes` of UTF-8 text (``\\n`` line endings as given)."""
    write_bytes(path, text.encode("utf-8"))
