"""Make a Pagefind bundle reproducible: its filter indexes written in a stable order.

Pagefind 1.5.2 writes everything but its filter indexes deterministically: the values of a filter and
the list of filters in ``pagefind.<hash>.pf_meta`` come out in hash-map order, so two runs over the same
pages differ byte for byte (upstream: Pagefind/pagefind#638, and the "Change filter indexes to BTree"
TODO in ``pagefind/src/index/mod.rs``). :func:`make_reproducible` rewrites those two kinds of file in
sorted order, renames them by their new content and points ``pagefind-entry.json`` at the new metadata.

The files are gzip (or raw) of ``pagefind_dcd`` followed by CBOR of definite-length arrays of unsigned
integers and text. Before changing a file the decoder re-encodes it and requires the very same bytes:
a Pagefind whose format differs stops the build with :class:`BundleFormatError` instead of writing an
index the browser cannot read.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

FORMAT = "pagefind-1.5-sorted-filters"  # part of the search digest: a change here rebuilds every index
SIGNATURE = b"pagefind_dcd"
FILTER_DIR = "filter"
ENTRY = "pagefind-entry.json"


class BundleFormatError(Exception):
    """A Pagefind file is not in the format this module knows (a Pagefind upgrade changed it)."""


def make_reproducible(bundle: Path) -> bool:
    """Sort the filter indexes of ``bundle`` (a ``pagefind/`` folder); False when it has none."""
    entry_path = bundle / ENTRY
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    changed = False
    for language, info in sorted(entry.get("languages", {}).items()):
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_path)
        if len(meta) != 6 or not isinstance(meta[3], list):
            raise BundleFormatError(f"{meta_path.name}: không phải siêu dữ liệu Pagefind 1.5 (6 trường)")
        if not meta[3]:
            continue  # no filter: Pagefind's own files are already reproducible
        filters = []
        for name, short in meta[3]:
            old = bundle / FILTER_DIR / f"{short}.pf_filter"
            index = _read(old)
            if len(index) != 2 or index[0] != name:
                raise BundleFormatError(f"{old.name}: không phải chỉ mục bộ lọc «{name}» của Pagefind 1.5")
            index[1] = sorted(index[1], key=lambda value: value[0])
            new_short = _write(bundle / FILTER_DIR, language, index, 7, ".pf_filter", old)
            filters.append([name, new_short])
        meta[3] = sorted(filters)
        info["hash"] = _write(bundle, language, meta, 10, ".pf_meta", meta_path, prefix="pagefind.")
        changed = True
    if changed:
        entry_path.write_text(
            json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return changed


def read_fragment(path: Path) -> dict:
    """A page's fragment file (``fragment/<id>.pf_fragment``): gzip of the signature and the page's JSON."""
    raw = path.read_bytes()
    data = raw if raw.startswith(SIGNATURE) else gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: thiếu chữ ký {SIGNATURE.decode()}")
    return json.loads(data[len(SIGNATURE):])


def _read(path: Path):
    raw = path.read_bytes()
    data = raw if raw.startswith(SIGNATURE) else gzip.decompress(raw)
    if not data.startswith(SIGNATURE):
        raise BundleFormatError(f"{path.name}: thiếu chữ ký {SIGNATURE.decode()}")
    body = data[len(SIGNATURE):]
    value, end = _decode(body, 0)
    if end != len(body) or encode(value) != body:
        raise BundleFormatError(f"{path.name}: mã hóa lại không ra đúng các byte ban đầu")
    return value


def _write(folder: Path, language: str, value, length: int, suffix: str, old: Path, prefix: str = "") -> str:
    """Write ``value`` under a name made of its content's hash; remove ``old``. Returns the short hash."""
    body = SIGNATURE + encode(value)
    short = f"{language}_{hashlib.sha256(body).hexdigest()[:length]}"
    target = folder / f"{prefix}{short}{suffix}"
    data = gzip.compress(body, compresslevel=9, mtime=0)
    old.unlink()
    target.write_bytes(data)
    return short


# CBOR, the subset minicbor writes for Pagefind's metadata and filter indexes (RFC 8949, shortest form).
_UINT, _TEXT, _ARRAY = 0, 3, 4


def _decode(data: bytes, pos: int):
    if pos >= len(data):
        raise BundleFormatError("CBOR bị cắt cụt")
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    if info < 24:
        number = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        number = int.from_bytes(data[pos:pos + size], "big")
        pos += size
    else:
        raise BundleFormatError(f"CBOR: độ dài không xác định hoặc kiểu {major}/{info} chưa hỗ trợ")
    if major == _UINT:
        return number, pos
    if major == _TEXT:
        return data[pos:pos + number].decode("utf-8"), pos + number
    if major == _ARRAY:
        items = []
        for _ in range(number):
            item, pos = _decode(data, pos)
            items.append(item)
        return items, pos
    raise BundleFormatError(f"CBOR: kiểu chính {major} chưa hỗ trợ")


def _head(major: int, number: int) -> bytes:
    if number < 24:
        return bytes([major << 5 | number])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if number < 1 << (8 * size):
            return bytes([major << 5 | info]) + number.to_bytes(size, "big")
    raise BundleFormatError("CBOR: số quá lớn")


def encode(value) -> bytes:
    """CBOR of unsigned integers, text and lists of them, in shortest form."""
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise BundleFormatError(f"CBOR: không mã hóa được {type(value).__name__}")
    if isinstance(value, int):
        if value < 0:
            raise BundleFormatError("CBOR: số âm chưa hỗ trợ")
        return _head(_UINT, value)
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(_TEXT, len(raw)) + raw
    return _head(_ARRAY, len(value)) + b"".join(encode(item) for item in value)
