#!/usr/bin/env bash
# One-command set-up for CityVoices on Debian (root, Python 3.11).
#
#   bash scripts/setup.sh build   install everything, build site/ (with PDFs)
#   bash scripts/setup.sh serve   install everything, serve on http://127.0.0.1:8000
#   bash scripts/setup.sh test    install everything the tests need, run the suite
#
# Debian packages are installed with apt-get when running as root and missing;
# Python packages come from requirements*.txt (all pinned).
set -euo pipefail
cd "$(dirname "$0")/.."

mode="${1:-build}"
shift || true

APT_RUNTIME=(fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig)
# epubcheck (Java): tests read the EPUBs back with it; procps (ps): the serve test looks for leftover workers
APT_TEST=(chromium poppler-utils epubcheck procps)

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    return 1
  fi
  echo "setup: apt-get install ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pip_install() {
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore -r "$1"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-deps -e .
}

# ProperDocs (MkDocs' maintained fork) in its own venv, on top of the pins
# above: tests/test_properdocs.py builds the site on it.
properdocs_venv() {
  python3 -c "import ensurepip" 2>/dev/null || apt_install python3-venv
  [[ -x .venv-properdocs/bin/python ]] || python3 -m venv --system-site-packages .venv-properdocs
  .venv-properdocs/bin/python -m pip install -q --disable-pip-version-check -r requirements-properdocs.txt
}

# axe-core for the accessibility tests, from its npm package (pinned in
# tests/package-lock.json), into tests/node_modules: never from a CDN.
npm_test_assets() {
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  npm ci --prefix tests --no-audit --no-fund --loglevel=error >/dev/null
}

export NO_MKDOCS_2_WARNING=1

case "$mode" in
  build)
    apt_install "${APT_RUNTIME[@]}"
    pip_install requirements.txt
    # both languages in parallel processes, with the PDFs and the offline zip
    # the home page links (switches: extra.cityvoices in mkdocs.yml, --no-pdf ...)
    exec python3 -m cityvoices build --strict "$@"
    ;;
  serve)
    apt_install "${APT_RUNTIME[@]}"
    pip_install requirements.txt
    # a saved file builds again through the page cache (only touched pages), then the browser reloads
    exec python3 -m cityvoices serve "$@"
    ;;
  test)
    apt_install "${APT_RUNTIME[@]}" "${APT_TEST[@]}"
    pip_install requirements-test.txt
    properdocs_venv
    npm_test_assets
    # two workers (pytest-xdist), each taking whole test files (a file's
    # fixtures are built once); arguments after `test` come after these
    exec python3 -m pytest -n 2 --dist loadfile "$@"
    ;;
  *)
    echo "usage: bash scripts/setup.sh build|serve|test [args]" >&2
    exit 2
    ;;
esac
