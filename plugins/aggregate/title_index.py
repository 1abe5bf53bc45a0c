"""The province-wide quick search's index: every item's title (and number or code) by folded word.

Pagefind's index of a whole province cannot meet the citizen's budget of 300 KB for a first search (issue 15,
point 6): besides its code (93 KB), a Pagefind index makes the browser load metadata for every page it holds
(about 6 bytes a page: 119 KB at 19,000 items, measured) before the word chunks, and the twenty units' indexes
merged load 2.27 MB. This index holds only what a quick search needs and is read piecewise:

- ``chi-muc.json``, the manifest (a few hundred bytes): the generation, the number of word shards, the units
  and the types of information;
- ``<generation>/tu/<n>.json``: word shard ``n``, ``{word: item numbers}``; a word goes to the shard of its
  FNV-1a hash (32 bits, of its UTF-8 bytes) modulo the shard count, so a query fetches one shard per word.
  The filters are words too, which no text folds to: ``~u<n>`` lists the items of unit ``n``, ``~k<n>``
  those of type ``n``, so a filtered search fetches one more shard per filter and no item it does not show.
  So is each word as spelt with its diacritics, ``=<word>`` (lower case, NFC): a query typed with diacritics
  ranks the items that spell its words so first ("Đắk Nông" before "Đăk Nông", "dịch vụ" before "mục
  đích ... vụ"), as Pagefind's diacritic bonus does on a unit's own search page;
- ``<generation>/muc/<n>.json``: items ``n × BLOCK`` onwards, ``[title, url, unit, type, day, code]`` each;
  items are numbered newest first, so the first results are in the first block;
- ``<generation>/dau/<b>.json``: the words that begin with ``b`` (their first two characters), each with
  the number of items holding it. A query's last word that the index does not hold, or that finds nothing
  with the others, is still being typed: the page reads the words it begins and searches the commonest
  of them ("khai si" finds "khai sinh"), as Pagefind does with a query's last word.

Words are folded as the search page folds a query (``tim-nhanh.js``: NFD, combining marks U+0300–U+036F
removed, đ/Đ (and the look-alike ð/Ð) → d, lower case) and split on anything but ``0-9a-z``: Vietnamese
text folds to ASCII whole, so "Đăng ký", "dang ky" and "ĐĂNG KÝ" are one word list. A title in another
script is not found by the quick search (the full-text search still finds it). Item numbers in a word's
list are ascending and stored as differences (the first as is).

Every file of a generation is named within the generation's folder, whose name is the digest of everything in
it: equal records give the same files, byte for byte, and a new generation never overwrites one a browser may
be reading. The manifest, the one file that says which generation is current, is replaced last.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

FORMAT = 2  # 2: the word beginnings (dau/)
BLOCK = 100              # items per block of ``muc/``: the first page of results is one small file
WORDS_PER_SHARD = 4      # the shard count is the power of two that gives about this many words a shard
MIN_SHARDS, MAX_SHARDS = 16, 4096
MANIFEST = "chi-muc.json"
_MARKS = re.compile("[\u0300-\u036f]")
_SPLIT = re.compile("[^0-9a-z]+")
_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
MAX_WORD = 40            # longer runs (a pasted URL, a hash) are not words anyone types
# A word as spelt: digits, Latin letters and the Vietnamese letters with diacritics (lower case, NFC). The same
# class is written out in tim-nhanh.js.
_SPELT = re.compile("[0-9a-zàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]+")


@dataclass(frozen=True)
class Item:
    """One item as the quick search shows it; ``unit`` and ``kind`` are indexes into the manifest's lists."""

    title: str
    url: str
    unit: int
    kind: int
    day: str = ""
    code: str = ""


def fold(text: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFD", text.translate(_D))).lower()


def words(text: str) -> list[str]:
    """The distinct words of ``text`` as the index holds them, in order of first appearance."""
    # Folding is done per character, so per run between spaces gives the same words (and most runs recur).
    return list(dict.fromkeys(w for run in text.split() for w in _SPLIT.split(_folded_word(run))
                              if w and len(w) <= MAX_WORD))


def spelt(text: str) -> list[str]:
    """The distinct words of ``text`` that carry diacritics, as spelt (lower case, NFC)."""
    found = _SPELT.findall(unicodedata.normalize("NFC", text).lower())
    return list(dict.fromkeys(w for w in found if len(w) <= MAX_WORD and _folded_word(w) != w))


@functools.lru_cache(maxsize=1 << 16)
def _folded_word(word: str) -> str:
    return fold(word)


def fnv1a(word: str) -> int:
    value = 0x811C9DC5
    for byte in word.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def shard_count(vocabulary: int) -> int:
    count = MIN_SHARDS
    while count < MAX_SHARDS and count * WORDS_PER_SHARD < vocabulary:
        count *= 2
    return count


def order(items: list[Item]) -> list[Item]:
    """Newest first (an item without a day last), then by address: the numbering the index uses."""
    by_address = sorted(items, key=lambda i: (i.url, i.title, i.unit))
    return sorted(by_address, key=lambda i: i.day, reverse=True)  # stable: equal days keep the address order


def build(items: list[Item], units: list[dict], kinds: list[dict]) -> tuple[str, dict[str, bytes]]:
    """(the generation, every file of it by its path inside the generation's folder, manifest included at
    :data:`MANIFEST`): ``items`` in the order :func:`order` gives, ``units`` as ``{"ma", "ten", "goc"}``,
    ``kinds`` as ``{"ma", "ten"}``."""
    postings: dict[str, list[int]] = {}
    for number, item in enumerate(items):
        text = f"{item.title} {item.code}"
        for word in [*words(text), *(f"={w}" for w in spelt(text)), f"~u{item.unit}", f"~k{item.kind}"]:
            postings.setdefault(word, []).append(number)
    shards = shard_count(len(postings))
    by_shard: list[dict[str, list[int]]] = [{} for _ in range(shards)]
    for word in sorted(postings):
        numbers = postings[word]
        deltas = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
        by_shard[fnv1a(word) % shards][word] = [numbers[0], *deltas]
    files = {f"tu/{n}.json": _dumps(shard) for n, shard in enumerate(by_shard)}
    beginnings: dict[str, dict[str, int]] = {}
    for word in sorted(postings):
        if word[0] not in "=~":
            beginnings.setdefault(word[:2], {})[word] = len(postings[word])
    files.update((f"dau/{start}.json", _dumps(known)) for start, known in beginnings.items())
    for start in range(0, len(items), BLOCK):
        files[f"muc/{start // BLOCK}.json"] = _dumps(
            [[i.title, i.url, i.unit, i.kind, i.day, i.code] for i in items[start:start + BLOCK]])
    digest = hashlib.sha1(str(FORMAT).encode())
    digest.update(_dumps({"don_vi": units, "loai": kinds}))
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path])
    generation = digest.hexdigest()[:16]
    counted = {"don_vi": [dict(u, so_muc=len(postings.get(f"~u{n}", []))) for n, u in enumerate(units)],
               "loai": [dict(k, so_muc=len(postings.get(f"~k{n}", []))) for n, k in enumerate(kinds)]}
    files[MANIFEST] = _dumps({"phien_ban": FORMAT, "the_he": generation, "so_muc": len(items), "so_manh": shards,
                              "khoi": BLOCK, **counted})
    return generation, files


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
