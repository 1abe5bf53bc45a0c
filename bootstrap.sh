#!/usr/bin/env bash
# One entry point for a fresh machine:
#   ./bootstrap.sh demo   set everything up, build the demo province into output/ and aggregate it
#   ./bootstrap.sh test   set everything up (browser included) and run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
PY=${PYTHON:-python3}

python_env() {
  # A virtual environment with the pinned packages; re-installed only when a requirements file changes.
  local reqs=$1 stamp="$VENV/.installed-$1"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  local sum
  sum=$(cat requirements*.txt | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
    echo "$sum" > "$stamp"
  fi
}

system_packages() {
  # From Debian's packages: headless Chromium for the browser tests (never a browser download) and a
  # Java runtime for the Nu Html Checker. Then axe-core from the npm registry (package-lock.json).
  local need=()
  [ -x /usr/bin/chromium ] || need+=(chromium chromium-driver fonts-noto-core)
  command -v java >/dev/null || need+=(default-jre-headless)
  command -v npm >/dev/null || need+=(npm)
  if [ ${#need[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    if ! command -v apt-get >/dev/null; then
      echo "Không tìm thấy apt-get: hãy cài ${need[*]} rồi chạy lại." >&2
      exit 1
    fi
    echo "Cài đặt gói hệ thống cho kiểm thử: ${need[*]}..."
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
  if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
  fi
}

case "${1:-}" in
  demo)
    python_env requirements.txt
    "$VENV/bin/invoke" build
    "$VENV/bin/invoke" aggregate
    echo
    echo "Tỉnh mẫu đã được xây dựng trong output/. Mở: $(pwd)/output/index.html"
    echo "Xem đầy đủ (cả tìm kiếm): $VENV/bin/invoke serve, rồi mở http://localhost:8000/"
    ;;
  test)
    python_env requirements-dev.txt
    system_packages
    shift
    "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "Cách dùng: ./bootstrap.sh demo | ./bootstrap.sh test" >&2
    exit 2
    ;;
esac
