"""bench.trash: what the bench is done with is set aside while it measures and removed at its end."""

from __future__ import annotations

import pytest

from bench import trash


@pytest.fixture()
def collecting(tmp_path):
    trash.collect_into(tmp_path / ".bo-di")
    yield tmp_path / ".bo-di"
    trash.empty()
    trash.collect_into(None)


def _tree(root):
    (root / "output" / "stp").mkdir(parents=True)
    (root / "output" / "stp" / "index.html").write_text("<p>Trang chủ</p>", encoding="utf-8")
    return root / "output"


def test_a_folder_is_set_aside_in_one_rename_and_removed_by_empty(tmp_path, collecting):
    folder = _tree(tmp_path)
    inode = folder.stat().st_ino
    trash.discard(folder)
    assert not folder.exists()
    (held,) = collecting.iterdir()
    assert held.stat().st_ino == inode
    assert (held / "stp" / "index.html").read_text(encoding="utf-8") == "<p>Trang chủ</p>"
    folder.mkdir()  # the same name is free again at once
    trash.discard(folder)
    assert len(list(collecting.iterdir())) == 2
    trash.empty()
    assert not collecting.exists()


def test_without_a_collecting_folder_it_is_removed_at_once_and_files_links_and_absent_paths_are_fine(tmp_path):
    trash.collect_into(None)
    folder = _tree(tmp_path)
    link = tmp_path / "lien-ket"
    link.symlink_to(folder, target_is_directory=True)
    trash.discard(link)  # the link, never what it points to
    assert not link.is_symlink() and (folder / "stp" / "index.html").is_file()
    trash.discard(folder / "stp" / "index.html")
    trash.discard(folder)
    trash.discard(tmp_path / "khong-co")
    assert not folder.exists()
