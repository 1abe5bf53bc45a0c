#!/usr/bin/env bash
# One entry point for a fresh machine:
#   ./bootstrap.sh demo   set everything up, build the demo province into output/ and aggregate it
#   ./bootstrap.sh test   set everything up (browser included) and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY=${PYTHON:-python3}

python_env() {
  # A virtual environment holding exactly the locked packages, every file checked against its hash
  # (requirements*.lock, written by `invoke lock`). When a lock changes the environment is made anew, so no
  # package that the locks no longer name stays behind. The dev lock is a superset of the runtime lock.
  local lock=$1 stamp="$VENV/.installed" sum have_sum="" have_lock=""
  sum=$(cat requirements.lock requirements-dev.lock | sha256sum | cut -c1-16)
  [ -f "$stamp" ] && read -r have_sum have_lock < "$stamp"
  if [ "$have_sum" = "$sum" ] && { [ "$have_lock" = "$lock" ] || [ "$have_lock" = requirements-dev.lock ]; }; then
    return
  fi
  if [ "$have_sum" != "$sum" ] && [ -d "$VENV" ]; then
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --require-hashes -r "$lock"
  echo "$sum $lock" > "$stamp"
}

apt_install() {
  # Debian's packages named in "$@" (only those missing), as root or through sudo.
  local need=("$@")
  if [ ${#need[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if ! command -v apt-get >/dev/null; then
      echo "Không tìm thấy apt-get: hãy cài ${need[*]} rồi chạy lại." >&2
      exit 1
    fi
    echo "Cài đặt gói hệ thống: ${need[*]}..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

js_packages() {
  # The JavaScript packages of package-lock.json from the npm registry: Decap CMS (the web editor every site
  # serves at /quan-tri/) and decap-server (invoke cms) at run time, axe-core for the accessibility tests.
  local need=()
  command -v npm >/dev/null || need+=(npm)
  apt_install "${need[@]}"
  if [ ! -f node_modules/decap-cms/dist/decap-cms.js ] || [ ! -f node_modules/axe-core/axe.min.js ] \
     || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
  fi
}

system_packages() {
  # From Debian's packages: headless Chromium for the browser tests (never a browser download) and a
  # Java runtime for the Nu Html Checker.
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium chromium-driver fonts-noto-core)
  command -v java >/dev/null || need+=(default-jre-headless)
  apt_install "${need[@]}"
}

case "${1:-}" in
  demo)
    python_env requirements.lock
    js_packages
    "$VENV/bin/invoke" build
    "$VENV/bin/invoke" aggregate
    echo
    echo "Tỉnh mẫu đã được xây dựng trong output/. Mở: $(pwd)/output/index.html"
    echo "Xem đầy đủ (cả tìm kiếm): $VENV/bin/invoke serve, rồi mở http://localhost:8000/"
    echo "Biên tập trên trình duyệt: $VENV/bin/invoke cms (hướng dẫn: docs/huong-dan-bien-tap.md)"
    ;;
  test)
    python_env requirements-dev.lock
    system_packages
    js_packages
    shift
    "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "Cách dùng: ./bootstrap.sh demo | ./bootstrap.sh test" >&2
    exit 2
    ;;
esac
