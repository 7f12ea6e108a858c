# Shared by the scripts in scripts/: installing what Ferry needs on Debian/Ubuntu.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "error: '$*' needs root and sudo is not installed" >&2
    return 1
  fi
}

APT_UPDATED=0
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: missing packages ($*) and this is not a Debian/Ubuntu system with apt-get;" \
      "install their equivalents by hand" >&2
    return 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

java_major() {
  java -version 2>&1 | awk -F'"' '/version/ { split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit }'
}

# ensure_packages build mariadb postgresql sysbench: installs what is missing, nothing else.
ensure_packages() {
  local want=()
  for need in "$@"; do
    case "$need" in
      build)
        if ! command -v javac >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
          want+=(openjdk-17-jdk-headless)
        fi
        command -v mvn >/dev/null 2>&1 || want+=(maven)
        ;;
      mariadb)
        command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ] || want+=(mariadb-server)
        command -v mariadb >/dev/null 2>&1 || want+=(mariadb-client)
        # the sandbox makes certificates for servers with TLS on (tests of Ferry's TLS settings)
        command -v openssl >/dev/null 2>&1 || want+=(openssl)
        ;;
      postgresql)
        compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || want+=(postgresql)
        ;;
      sysbench)
        command -v sysbench >/dev/null 2>&1 || want+=(sysbench)
        ;;
      chromium)
        # headless, to render Ferry's HTML pages in tests (ferry analyze --html)
        command -v chromium >/dev/null 2>&1 || want+=(chromium)
        ;;
      *)
        echo "ensure_packages: unknown need '$need'" >&2
        return 2
        ;;
    esac
  done
  if [ "${#want[@]}" -gt 0 ]; then
    apt_install "${want[@]}"
  fi
}
