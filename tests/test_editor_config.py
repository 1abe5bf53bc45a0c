"""The editor's config.yml generator (plugins/editor) over every content schema: every field represented or
deliberately left out with its reason, enums as selects with their Vietnamese labels, dates in the formats
portal.dates reads, patterns and required fields carried over, the decap-cms#2103 relaxation kept as a rule
the editor checks before saving, media folders, suggestions from the site's văn bản, the backend from
site.yaml. Plus the files the build writes into output/<site>/quan-tri/ and invoke cms's address rule."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from conftest import ROOT, build, copy_case
from editor import admin, bundle, config, fields, local

from portal import content_types, schema
from portal.dates import parse_date, parse_datetime

SITE = {"id": "xa-mau", "dia_chi_web": "https://xamau.mau.gov.vn", "ten_cong": "Trang thông tin điện tử xã Mẫu"}


@pytest.fixture(scope="module")
def generated():
    return config.site_config(SITE)


def collection(generated, type_id: str) -> dict:
    return next(c for c in generated.config["collections"] if c["name"] == type_id)


def field_at(generated, type_id: str, path: tuple) -> dict:
    """The Decap field of a schema path (list items as 0)."""
    found = {"fields": collection(generated, type_id)["fields"]}
    for part in path:
        if part == 0:
            found = found.get("field") or found
            continue
        found = next(f for f in found["fields"] if f["name"] == part)
    return found


@pytest.mark.parametrize("ctype", content_types.TYPES, ids=lambda t: t.id)
def test_every_schema_field_is_represented_or_left_out_with_a_reason(generated, ctype):
    shown = set(generated.seen[ctype.id])
    left_out = {path for (type_id, path) in config.LEFT_OUT if type_id == ctype.id}
    every = set(config.documented_paths(ctype.id))
    assert every, ctype.id
    missing = sorted(schema.dotted(p) for p in every - shown if schema.dotted(p) not in left_out)
    assert missing == []
    assert all(reason.strip() for reason in config.LEFT_OUT.values())
    names = [f["name"] for f in collection(generated, ctype.id)["fields"]]
    assert names[-1] == "body" and names[0] == "tieu_de"
    assert set(names[:-1]) == set(schema.properties_of(schema.subschema(ctype.id, ())))


@pytest.mark.parametrize("ctype", content_types.TYPES, ids=lambda t: t.id)
def test_required_fields_enums_dates_and_patterns_carry_over(generated, ctype):
    node = schema.subschema(ctype.id, ())
    required = set(node.get("required", []))
    for name in schema.properties_of(node):
        decap = field_at(generated, ctype.id, (name,))
        prop = schema.subschema(ctype.id, (name,))
        assert decap["required"] is (name in required), name
        assert decap["label"] == schema.label(ctype.id, (name,))
        if "enum" in prop:
            labels = prop.get("x-labels", {})
            assert decap["widget"] == "select"
            assert [o["value"] for o in decap["options"]] == prop["enum"]
            assert [o["label"] for o in decap["options"]] == [labels.get(v, v) for v in prop["enum"]]
        if prop.get("format") == "ngay":
            assert decap["widget"] == "datetime" and decap["format"] == "YYYY-MM-DD" and decap["time_format"] is False
        if prop.get("format") == "ngay-gio":
            assert decap["widget"] == "datetime" and decap["format"] == "YYYY-MM-DD HH:mm"
        if prop.get("pattern") and decap.get("widget") in ("string", "goi-y"):
            assert prop["pattern"] in decap["pattern"][0] and decap["pattern"][1]


def test_stored_date_formats_are_what_the_check_reads():
    # 2026-03-02 / 2026-03-02 08:30: what Decap's YYYY-MM-DD and YYYY-MM-DD HH:mm write.
    assert parse_date("2026-03-02") is not None and parse_datetime("2026-03-02 08:30").hour == 8


@pytest.mark.parametrize("value,ok", [("12/QĐ-UBND", True), ("15/KH-UBND", True), ("12 QĐ", False)])
def test_a_carried_pattern_accepts_and_refuses_what_the_schema_does(generated, value, ok):
    decap = field_at(generated, "van-ban", ("so_ky_hieu",))
    assert bool(re.search(decap["pattern"][0], value)) is ok
    assert bool(re.search(schema.subschema("van-ban", ("so_ky_hieu",))["pattern"], value)) is ok  # as the check
    assert decap["pattern"][1].startswith("Số ký hiệu văn bản")


def test_length_limits_become_a_pattern_with_a_vietnamese_message(generated):
    title = field_at(generated, "tin-tuc", ("tieu_de",))
    regex, message = title["pattern"]
    assert re.search(regex, "Tin") is None and re.search(regex, "Tin tức hôm nay")
    assert re.search(regex, "x" * 301) is None and message == "Cần từ 5 đến 300 ký tự."


def test_optional_group_with_required_fields_is_relaxed_and_kept_as_a_rule(generated):
    # decaporg/decap-cms#2103: an optional object with required children could never be saved empty.
    image = field_at(generated, "tin-tuc", ("anh",))
    assert image["required"] is False
    assert [f["required"] for f in image["fields"] if f["name"] in ("tep", "mo_ta")] == [False, False]
    rule = next(g for g in generated.guards["tin-tuc"] if g["duong_dan"] == ["anh"])
    assert rule["loai"] == "nhom" and rule["truong"] == ["tep", "mo_ta"] and "Mô tả ảnh" in rule["thong_bao"]
    # A required group keeps its required fields (schema: the item of a list is required once added).
    step = field_at(generated, "thu-tuc", ("cach_thuc_thuc_hien",))
    assert next(f for f in step["fields"] if f["name"] == "hinh_thuc")["required"] is True


def test_rules_decap_cannot_express_are_guards(generated):
    kinds = {(t, g["loai"], g.get("khi", "")) for t, rules in generated.guards.items() for g in rules}
    assert ("thu-tuc", "kem-theo", "muc_do") in kinds           # dependentRequired
    assert ("thong-bao", "kem-theo", "tam_ngung_tu") in kinds
    assert ("du-an", "neu", "loai") in kinds                    # if/then required
    assert ("trang", "neu", "loai_trang") in kinds
    assert ("lich-cong-tac", "mot-trong", "") in kinds          # x-mot-trong: giờ or buổi


def test_media_folders_images_in_anh_attachments_in_tep(generated):
    assert generated.config["media_folder"] == "content/xa-mau/anh" and generated.config["public_folder"] == "anh"
    picture = field_at(generated, "tin-tuc", ("anh", "tep"))
    assert picture["widget"] == "image" and picture["media_folder"] == "/content/xa-mau/anh"
    attachment = field_at(generated, "van-ban", ("dinh_kem", 0, "tep"))
    assert attachment["widget"] == "file" and attachment["media_folder"] == "/content/xa-mau/tep"
    assert attachment["public_folder"] == "tep"
    form = field_at(generated, "thu-tuc", ("thanh_phan_ho_so", 0, "mau_don"))
    assert form["widget"] == "file"


def test_procedures_legal_bases_pick_from_the_sites_documents(generated):
    basis = field_at(generated, "thu-tuc", ("can_cu_phap_ly", 0, "so_ky_hieu"))
    assert basis["widget"] == "goi-y" and basis["collection"] == "van-ban" and basis["value_field"] == "so_ky_hieu"
    related = field_at(generated, "thu-tuc", ("thu_tuc_lien_quan",))
    assert related["field"]["widget"] == "goi-y" and related["field"]["collection"] == "thu-tuc"
    assert field_at(generated, "pho-bien-phap-luat", ("van_ban_lien_quan", 0, "so_ky_hieu"))["widget"] == "goi-y"


def test_news_picks_related_news_of_the_site_by_file_name(generated):
    picked = field_at(generated, "tin-tuc", ("tin_lien_quan",))
    assert picked["widget"] == "relation" and picked["collection"] == "tin-tuc" and picked["multiple"] is True
    # the file name without .md: what the check and the theme resolve (unique in the folder, unlike titles)
    assert picked["value_field"] == "{{filename}}" and picked["search_fields"] == ["tieu_de"]
    assert picked["max"] == schema.subschema("tin-tuc", ("tin_lien_quan",))["maxItems"]


def test_collections_are_the_sites_own_folders_with_the_editorial_workflow(generated):
    assert generated.config["publish_mode"] == "editorial_workflow" and generated.config["locale"] == "vi"
    assert [c["name"] for c in generated.config["collections"]] == [t.id for t in content_types.TYPES]
    assert all(c["folder"] == f"content/xa-mau/{c['name']}" for c in generated.config["collections"])
    assert generated.config["backend"] == {"name": "proxy", "proxy_url": "/api/v1", "branch": "main"}


@pytest.mark.parametrize("kind,extra", [("gitlab", {"auth_type": "pkce", "auth_endpoint": "oauth/authorize"}),
                                        ("forgejo", {})])
def test_backend_from_site_yaml(kind, extra):
    settings = {"may_chu_git": kind, "kho": "so-tu-phap/cong-thong-tin", "nhanh_dang": "xuat-ban",
                "dia_chi_api": "https://git.thanhvan.gov.vn/api/v4/", "ma_ung_dung": "abcdef0123456789"}
    backend = config.backend({**SITE, "bien_tap": settings})
    assert backend["name"] == kind and backend["repo"] == "so-tu-phap/cong-thong-tin"
    assert backend["branch"] == "xuat-ban" and backend["api_root"] == "https://git.thanhvan.gov.vn/api/v4"
    assert backend["base_url"] == "https://git.thanhvan.gov.vn" and backend["app_id"] == "abcdef0123456789"
    assert extra.items() <= backend.items()
    policy = admin.content_security_policy({"backend": backend})
    assert "connect-src 'self' https://git.thanhvan.gov.vn https://git.thanhvan.gov.vn/api/v4 blob:" in policy


def test_the_build_writes_the_editor_of_each_site(tmp_path):
    root = copy_case("bien-tap", tmp_path)
    assert build(root).ok
    folder = root / "output" / "xa-mau" / config.ADMIN
    written = yaml.safe_load((folder / "config.yml").read_text(encoding="utf-8"))
    assert written["backend"]["name"] == "gitlab" and written["backend"]["repo"] == "ubnd-tinh-mau/cong-thong-tin"
    data = (folder / "du-lieu-bien-tap.js").read_text(encoding="utf-8")
    runtime = json.loads(data.split("window.BIEN_TAP = ", 1)[1].rsplit(";", 1)[0])
    assert runtime["goi_y"]["van-ban"] == [{"gia_tri": "12/QĐ-UBND", "mo_ta":
                                            "Ban hành Quy chế hoạt động của Trang thông tin điện tử xã Mẫu"}]
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi">' in page and 'name="robots" content="noindex' in page
    policy = dict(d.strip().split(" ", 1) for d in
                  re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1).split(";"))
    assert policy["connect-src"] == "'self' https://git.mau.gov.vn https://git.mau.gov.vn/api/v4 blob:"
    assert policy["object-src"] == "'none'" and "'unsafe-inline'" not in policy["script-src"]
    served = sorted(p.name for p in folder.iterdir())
    assert bundle.MAIN in served and not [n for n in served if n.endswith(".map")]
    assert sum((folder / n).stat().st_size for n in served if n in {p.name for p in bundle.files()}) == bundle.size()


def test_a_missing_decap_bundle_is_a_vietnamese_error_not_a_traceback(tmp_path, monkeypatch):
    with pytest.raises(bundle.DecapMissing, match="npm ci"):
        bundle.files(tmp_path / "khong-co")
    monkeypatch.setattr(bundle, "DIST", tmp_path / "khong-co" / "dist")
    root = copy_case("bien-tap", tmp_path / "du-an")
    result = build(root)
    assert not result.ok and not result.sites[0].crash  # an error of the site, not a crash with a traceback
    [problem] = result.all_problems()
    assert problem.path.endswith("content/xa-mau") and "Không tìm thấy Decap CMS" in problem.message
    assert "chạy «npm ci»" in problem.message and not (root / "output" / "xa-mau").exists()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "cms.thanhvan.gov.vn"])
def test_invoke_cms_refuses_any_address_but_this_machines(host):
    with pytest.raises(local.LocalEditorError, match="không có đăng nhập"):
        local.check_address(host)
    assert local.check_address("localhost") == local.check_address("127.0.0.1") == "127.0.0.1"


def test_decap_servers_git_leaves_a_merge_commit(tmp_path):
    env = local.git_environment(tmp_path, 1234)
    pairs = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert pairs["merge.ff"] == "false" and env["BIND_HOST"] == "127.0.0.1" and env["MODE"] == "git"


def test_fields_module_needs_no_site():
    ctx = fields.Context("tin-tuc", {"anh": "content/x/anh", "tep": "content/x/tep"}, {})
    assert fields.widget(ctx, ("noi_bat",), False)["widget"] == "boolean"


def test_invoke_cms_refuses_another_address_before_doing_anything(tmp_path):
    from test_tasks import project, run

    root = project(tmp_path, "bien-tap")
    proc = run(root, "cms", "--host", "0.0.0.0")
    assert proc.returncode == 2
    assert "chỉ chạy trên địa chỉ 127.0.0.1" in proc.stderr + proc.stdout
    assert not (root / "output").exists()


def test_files_decap_server_would_commit_are_named(tmp_path):
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / ".gitignore").write_text("output/\n", encoding="utf-8")
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "x.html").write_text("x", encoding="utf-8")
    (tmp_path / "nhap.txt").write_text("x", encoding="utf-8")
    assert local.untracked(tmp_path) == [".gitignore", "nhap.txt"]


def test_config_text_is_the_same_with_libyaml_as_with_pyyaml():
    """config.yml is written with libyaml's emitter when PyYAML has it (much faster on every render): the
    very text PyYAML's own emitter writes, for every demo site's configuration."""
    from portal import sites

    assert admin._DUMPER is yaml.CSafeDumper  # the pinned PyYAML wheel ships libyaml
    found, _ = sites.discover(ROOT / "content", ROOT)
    assert found
    for site_dir in found:
        site, _ = sites.load(site_dir, ROOT)
        generated = config.site_config(site.config).config
        assert admin.dump_config(generated) == admin.dump_config(generated, yaml.SafeDumper), site_dir.name


def test_config_text_is_kept_under_the_digest_of_the_configuration(tmp_path, monkeypatch):
    """config.yml's text comes back from the editor's folder while the configuration is the same (the
    emitter is not run again); a changed configuration, or a kept file that is damaged or not writable,
    gives the text made anew."""
    from portal import sites

    site, _ = sites.load(ROOT / "content" / sorted(p.name for p in (ROOT / "content").iterdir()
                                                    if (p / "site.yaml").is_file())[0], ROOT)
    generated = config.site_config(site.config).config
    kept = tmp_path / "bien-tap" / "xa.config.json"
    text = admin.cached_config(generated, kept)
    assert text == admin.dump_config(generated) and json.loads(kept.read_text(encoding="utf-8"))["yaml"] == text
    emitted = []
    monkeypatch.setattr(admin, "dump_config", lambda c, dumper=None: emitted.append(c) or "moi: 1\n")
    assert admin.cached_config(generated, kept) == text and not emitted  # kept: not emitted again
    changed = {**generated, "site_url": "https://khac.gov.vn"}
    assert admin.cached_config(changed, kept) == "moi: 1\n" and emitted == [changed]
    kept.write_text("{hỏng", encoding="utf-8")
    assert admin.cached_config(generated, kept) == "moi: 1\n"
    blocked = tmp_path / "tep-thuong"
    blocked.write_text("", encoding="utf-8")
    assert admin.cached_config(generated, blocked / "xa.config.json") == "moi: 1\n"  # a file where the folder is
