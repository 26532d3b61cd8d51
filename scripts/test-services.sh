#!/usr/bin/env bash
# The system services the test suite uses, installed when missing (idempotent; safe to run twice).
# It only installs: the tests start and stop their own throwaway servers (tests/postgres_server.py).
#
#   scripts/test-services.sh          # as root (CI), or as a user who already has them
#
# Add a service by writing one `need_<name>` function and calling it at the bottom.
set -euo pipefail

APT_UPDATED=0

die() { echo "test-services: $*" >&2; exit 1; }

# apt-get install the given Debian packages, quietly and without prompts (root only)
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        die "missing $*; run this script as root, or install them: sudo apt-get install $*"
    fi
    command -v apt-get >/dev/null 2>&1 || die "missing $* and no apt-get to install them (not Debian/Ubuntu?)"
    if [ "$APT_UPDATED" -eq 0 ]; then
        apt-get update -qq || die "apt-get update failed (no network to the package mirror?)"
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null \
        || die "apt-get install $* failed"
}

# PostgreSQL server binaries (initdb, pg_ctl) as Debian installs them: /usr/lib/postgresql/<major>/bin
pg_bindir() {
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
    done
    return 1
}

need_postgresql() {
    if ! pg_bindir >/dev/null; then
        echo "test-services: installing postgresql" >&2
        # the tests start their own throwaway clusters: no need for the package's default one on 5432
        if [ "$(id -u)" -eq 0 ]; then
            mkdir -p /etc/postgresql-common/createcluster.d
            echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/eventwire-tests.conf
        fi
        apt_install postgresql
        pg_bindir >/dev/null || die "postgresql installed but no initdb/pg_ctl under /usr/lib/postgresql/*/bin"
    fi
    # the server refuses to run as root: the tests run it as this user, which the package creates
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        die "no 'postgres' system user to run the test server as (reinstall the postgresql package)"
    fi
    echo "test-services: postgresql $("$(pg_bindir)/pg_ctl" --version | awk '{print $3}') in $(pg_bindir)" >&2
}

# Chromium for the dashboard's browser tests (tests/test_dashboard.py drives /usr/bin/chromium with Playwright)
need_chromium() {
    if ! command -v chromium >/dev/null 2>&1; then
        echo "test-services: installing chromium" >&2
        apt_install chromium
        command -v chromium >/dev/null 2>&1 || die "chromium installed but not on PATH"
    fi
    echo "test-services: $(chromium --version 2>/dev/null | head -1) at $(command -v chromium)" >&2
}

need_postgresql
need_chromium
