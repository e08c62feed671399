# Sourced, not run: provides ensure_promtool and ensure_amtool, which print the path of a working
# binary on stdout (progress and errors go to stderr) and return non-zero when there is none.
#
#   source scripts/tools.sh
#   promtool=$(ensure_promtool)
#
# Lookup order: $PROMTOOL / $AMTOOL, then PATH, then a copy already unpacked under
# target/tools/ (gitignored), then — as root on Debian/Ubuntu — Debian's `prometheus` and
# `prometheus-alertmanager` packages, downloaded and unpacked with `dpkg-deb -x`. They are never
# installed: their maintainer scripts would create users and start a Prometheus server.

_aurora_tools_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AURORA_TOOLS_DIR="${AURORA_TOOLS_DIR:-${_aurora_tools_root}/target/tools}"

# _aurora_unpack_deb PACKAGE: downloads PACKAGE's .deb and unpacks it into
# $AURORA_TOOLS_DIR/PACKAGE (atomically, so concurrent callers never see half a tree).
_aurora_unpack_deb() {
  local package="$1" dest="${AURORA_TOOLS_DIR}/$1" tmp log deb
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null || ! command -v dpkg-deb >/dev/null; then
    return 1
  fi
  mkdir -p "${AURORA_TOOLS_DIR}"
  tmp="$(mktemp -d "${AURORA_TOOLS_DIR}/.unpack.XXXXXX")"
  log="${tmp}/apt.log"
  # apt drops privileges to _apt for downloads; it cannot write into a root-only temp dir.
  chmod 755 "${tmp}"
  echo "Downloading Debian package ${package} (unpacked into ${dest}, not installed)" >&2
  if ! (cd "${tmp}" && apt-get download -qq "${package}" >"${log}" 2>&1); then
    echo "apt-get download ${package} failed; running apt-get update and retrying" >&2
    if ! { apt-get update -qq && (cd "${tmp}" && apt-get download -qq "${package}"); } >>"${log}" 2>&1; then
      cat "${log}" >&2
      rm -rf "${tmp}"
      return 1
    fi
  fi
  deb="$(ls "${tmp}"/"${package}"_*.deb 2>/dev/null | head -n 1)"
  if [ -z "${deb}" ] || ! dpkg-deb -x "${deb}" "${tmp}/root"; then
    echo "could not unpack ${package}" >&2
    rm -rf "${tmp}"
    return 1
  fi
  rm -rf "${dest}"
  mv "${tmp}/root" "${dest}"
  rm -rf "${tmp}"
}

# _aurora_ensure_tool NAME PACKAGE OVERRIDE [DIR]: the path of NAME (in the package's DIR,
# usr/bin by default), unpacking PACKAGE when needed.
_aurora_ensure_tool() {
  local name="$1" package="$2" override="$3" unpacked="${AURORA_TOOLS_DIR}/$2/${4:-usr/bin}/$1"
  if [ -n "${override}" ]; then
    if [ -x "${override}" ]; then echo "${override}"; return 0; fi
    echo "${name}: ${override} (from the environment) is not an executable file" >&2
    return 1
  fi
  if command -v "${name}" >/dev/null; then command -v "${name}"; return 0; fi
  if [ -x "${unpacked}" ]; then echo "${unpacked}"; return 0; fi
  if _aurora_unpack_deb "${package}" && [ -x "${unpacked}" ]; then
    echo "${unpacked}"
    return 0
  fi
  echo "Missing: ${name}. Put it on PATH, set $(echo "${name}" | tr '[:lower:]' '[:upper:]')=/path/to/${name}," >&2
  echo "  or run as root on Debian/Ubuntu so that the Debian package ${package} is downloaded" >&2
  echo "  and unpacked into ${AURORA_TOOLS_DIR}/${package} (needs apt-get and dpkg-deb)." >&2
  return 1
}

ensure_promtool() { _aurora_ensure_tool promtool prometheus "${PROMTOOL:-}"; }
ensure_amtool() { _aurora_ensure_tool amtool prometheus-alertmanager "${AMTOOL:-}"; }
# nginx is unpacked, never installed: its package would start a system nginx on port 80.
ensure_nginx() { _aurora_ensure_tool nginx nginx "${NGINX:-}" usr/sbin; }

# ensure_openapi_validator: prints the path of openapi-spec-validator, installed from PyPI into a
# virtualenv under $AURORA_TOOLS_DIR the first time.
ensure_openapi_validator() {
  local venv="${AURORA_TOOLS_DIR}/openapi-venv" version="0.9.0"
  if [ ! -x "${venv}/bin/openapi-spec-validator" ]; then
    echo "Installing openapi-spec-validator ${version} into ${venv}" >&2
    python3 -m venv "${venv}" >&2 && "${venv}/bin/pip" install -q "openapi-spec-validator==${version}" >&2 || return 1
  fi
  echo "${venv}/bin/openapi-spec-validator"
}
