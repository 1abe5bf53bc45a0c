"""``invoke bench`` end to end at a tiny scale: every scenario runs and succeeds, the figures and
ratios are computed from real runs, and the same edits give the documented page-level behaviour."""

from __future__ import annotations

from conftest import ROOT

from bench import suite


def test_bench_runs_every_scenario_against_pelican_and_hugo(tmp_path):
    data = suite.run_suite(ROOT, tmp_path / "bench", sites=2, items=24, jobs=2)
    names = [r["ten"] for r in data["ket_qua"]]
    assert names == ["ours_cold_build", "ours_nochange_rebuild", "ours_compliance", "ours_aggregate",
                     "ours_one_edit_to_aggregate", "ours_title_edit_to_aggregate", "search_index_one_site",
                     "search_index_all_sites", "pelican_cold_build", "hugo_cold_build"]
    failed = [(r["ten"], r["chi_tiet"]) for r in data["ket_qua"] if not r["thanh_cong"]]
    assert failed == []
    assert all(r["giay"] > 0 and r["bo_nho_dinh_mb"] > 0 and r["bo_nho_dinh_pss_mb"] > 0 for r in data["ket_qua"])
    assert data["tham_so"]["tong_so_tep"] >= 2 * 24
    for key in ("cold_vs_pelican", "nochange_vs_cold", "one_edit_vs_hugo"):
        assert data["muc_tieu"][key]["ratio"] > 0
    # The search index measured alone: every reference ratio comes from real runs.
    assert all(value > 0 for value in data["tham_chieu"].values()), data["tham_chieu"]
    table = suite.table(data)
    assert "ours_cold_build" in table and "cold_vs_pelican" in table
    # After the two edits, the last build of the province still succeeded.
    built = (tmp_path / "bench" / "tinh" / "output" / "build-report.json").read_text(encoding="utf-8")
    assert '"thanh_cong": true' in built
