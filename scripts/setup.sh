#!/usr/bin/env bash
# Sets up everything the app needs on a fresh machine: a Python virtualenv with the
# project installed, and the embedded database server (FerretDB 1.24.2 built with Go
# from the module proxy). With --test it also installs the Debian packages the test
# suite drives (Chromium for browser tests, LibreOffice and fonts for Word checks).
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ "$want_test" = 1 ]; then
  need=()
  command -v chromium >/dev/null || need+=(chromium chromium-driver)
  command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
  command -v pdftoppm >/dev/null || need+=(poppler-utils)
  fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
  if [ ${#need[@]} -gt 0 ]; then
    echo "安装系统软件包 / installing Debian packages: ${need[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "创建 Python 虚拟环境 / creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-$want_test
if [ ! -f "$stamp" ]; then
  echo "安装 Python 依赖 / installing Python packages"
  .venv/bin/pip install -q --upgrade pip
  if [ "$want_test" = 1 ]; then
    .venv/bin/pip install -q -e ".[test]"
  else
    .venv/bin/pip install -q -e .
  fi
  touch "$stamp"
fi

# The embedded database server. Rebuilt when its source changes.
bin=var/bin/ferretdb-embedded
src_stamp=var/bin/.src-$(find tools/ferretdb -type f | sort | xargs cat | sha1sum | cut -c1-12)
if [ -z "${MONGODB_URI:-}" ] && { [ ! -x "$bin" ] || [ ! -f "$src_stamp" ]; }; then
  if ! command -v go >/dev/null; then
    echo "错误：未找到 Go 工具链，无法构建内置数据库；请安装 Go 或设置 MONGODB_URI。" >&2
    echo "error: no Go toolchain to build the embedded database; install Go or set MONGODB_URI." >&2
    exit 2
  fi
  echo "构建内置数据库 FerretDB 1.24.2 / building embedded FerretDB 1.24.2"
  mkdir -p var/bin var/build
  # FerretDB from the Go module proxy, with tools/ferretdb/patch_ferretdb.py's one-line
  # fix (its _id lookups could not use their index), built from a copy of our module
  # that points at the patched source.
  fdb_dir=$(cd tools/ferretdb && go mod download -json github.com/FerretDB/FerretDB | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  python3 tools/ferretdb/patch_ferretdb.py "$fdb_dir" var/build/ferretdb-patched
  rm -rf var/build/embedded && mkdir -p var/build/embedded
  cp tools/ferretdb/go.mod tools/ferretdb/go.sum tools/ferretdb/*.go var/build/embedded/
  (cd var/build/embedded \
    && go mod edit -replace "github.com/FerretDB/FerretDB=$PWD/../ferretdb-patched" \
    && CGO_ENABLED=0 go build -trimpath -o "../../../$bin.new" .)
  mv -f "$bin.new" "$bin"  # a running server keeps its old file
  rm -f var/bin/.src-*
  touch "$src_stamp"
fi
