"""The server the bench measures a citizen's downloads from compresses as docs/deployment-headers.md says."""

from __future__ import annotations

import gzip
import urllib.request

import pytest

from bench import compressing_server

PAGE = "<!doctype html><html lang=vi><title>Trang chủ</title><p>" + "Thủ tục hành chính. " * 200 + "</p></html>"
STYLE = "body { font-family: sans-serif; }\n" * 100
CHUNK = gzip.compress(b"pagefind index chunk " * 50)  # Pagefind writes its index files gzip-compressed


@pytest.fixture()
def base(tmp_path):
    (tmp_path / "stp" / "theme" / "css").mkdir(parents=True)
    (tmp_path / "stp" / "pagefind" / "index").mkdir(parents=True)
    (tmp_path / "stp" / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "stp" / "theme" / "css" / "portal.css").write_text(STYLE, encoding="utf-8")
    (tmp_path / "stp" / "pagefind" / "index" / "vi_1.pf_index").write_bytes(CHUNK)
    with compressing_server.serve(tmp_path) as url:
        yield url


def _get(url: str, gzip_ok: bool = True):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate, br"} if gzip_ok else {})
    with urllib.request.urlopen(request) as response:
        return response.headers, response.read()


@pytest.mark.parametrize("path, text", [("stp/", PAGE), ("stp/index.html", PAGE),
                                        ("stp/theme/css/portal.css", STYLE)])
def test_text_is_sent_gzip_encoded_with_its_raw_size(base, path, text):
    headers, body = _get(f"{base}/{path}")
    raw = text.encode("utf-8")
    assert headers["Content-Encoding"] == "gzip" and headers["Vary"] == "Accept-Encoding"
    assert gzip.decompress(body) == raw
    assert int(headers["Content-Length"]) == len(body) < len(raw) / 4
    assert int(headers[compressing_server.RAW_LENGTH]) == len(raw)


def test_pagefinds_compressed_files_and_clients_without_gzip_get_the_file_as_it_is(base):
    headers, body = _get(f"{base}/stp/pagefind/index/vi_1.pf_index")
    assert body == CHUNK and headers["Content-Encoding"] is None
    headers, body = _get(f"{base}/stp/theme/css/portal.css", gzip_ok=False)
    assert body == STYLE.encode() and headers["Content-Encoding"] is None


def test_a_missing_file_is_a_404(base):
    with pytest.raises(urllib.error.HTTPError) as caught:
        _get(f"{base}/stp/khong-co.css")
    assert caught.value.code == 404
