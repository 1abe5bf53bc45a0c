"""The province build: parallel sites, bad sites isolated, last good output kept, exit status."""

import json
import shutil

from conftest import build, copy_case


def test_good_site_builds_while_broken_site_fails(basic_build):
    root, result = basic_build
    by_id = {s.site_id: s for s in result.sites}
    assert by_id["so-mau"].built and not by_id["xa-loi"].built
    assert not result.ok
    assert (root / "output" / "so-mau" / "index.html").is_file()
    assert not (root / "output" / "xa-loi").exists()
    report = json.loads((root / "output" / "build-report.json").read_text(encoding="utf-8"))
    assert report["thanh_cong"] is False
    assert {c["ma"]: c["da_xay_dung"] for c in report["cong"]} == {"so-mau": True, "xa-loi": False}
    assert any(p["path"].endswith("ma-sai.md") and p["field"] == "ma_thu_tuc" for p in report["van_de"])
    assert not list((root / "output").glob(".tmp-*")) and not list((root / "output").glob(".old-*"))


def test_failed_rebuild_keeps_last_good_output(tmp_path):
    root = copy_case("basic", tmp_path)
    shutil.rmtree(root / "content" / "xa-loi")
    first = build(root, ["so-mau"])
    assert first.ok
    page = root / "output" / "so-mau" / "tin-tuc" / "day-manh-chuyen-doi-so-trong-cong-tac-tu-phap.html"
    before = page.read_bytes()
    news = root / "content" / "so-mau" / "tin-tuc" / "2026-03-10-noi-bat.md"
    news.write_text(news.read_text(encoding="utf-8").replace("ngay: 10/03/2026 09:15", "ngay: 32/03/2026"),
                    encoding="utf-8")
    second = build(root, ["so-mau"])
    assert not second.ok and not second.sites[0].built
    assert page.read_bytes() == before
    problem = next(p for p in second.all_problems() if p.field == "ngay")
    assert problem.path.endswith("2026-03-10-noi-bat.md") and problem.line == 3


def test_unknown_site_is_reported(tmp_path):
    root = copy_case("basic", tmp_path)
    result = build(root, ["khong-co"])
    assert not result.ok and result.sites == []
    assert "Không có cổng mã «khong-co»" in result.problems[0].message


def test_drafts_are_not_published(basic_out):
    assert not (basic_out / "trang" / "trang-dang-soan.html").exists()
    assert "Trang đang soạn" not in (basic_out / "so-do-cong.html").read_text(encoding="utf-8")


def test_two_builds_are_byte_identical(tmp_path):
    outputs = []
    for run in ("a", "b"):
        root = copy_case("basic", tmp_path / run)
        shutil.rmtree(root / "content" / "xa-loi")
        assert build(root, search=True).ok
        out = root / "output" / "so-mau"
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0].keys() == outputs[1].keys()
    assert [k for k in outputs[0] if outputs[0][k] != outputs[1][k]] == []
