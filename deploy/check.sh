#!/usr/bin/env bash
# Follow docs/deploy.md literally on this machine, as CI does (.ci/run):
# every `sh` block of the page, in order, in one root shell, with two
# differences said here and nowhere else:
#
# 1. The page's first block (the names) is replaced by a sandbox's: the code,
#    settings and data go under a temporary directory, the database is
#    $PQ_CHECK_DB (default pq_deploy_check) on the PostgreSQL server CI
#    already runs, and PostgreSQL is reached as its administrator over TCP.
# 2. CI is not under systemd: `systemctl` is a shell function that starts the
#    unit files the page installed the way systemd would run them (their
#    User, WorkingDirectory, EnvironmentFile and ExecStart; a oneshot runs to
#    its end) and stops them with SIGTERM. Not exercised: Type=notify, the
#    timer's schedule, Restart=, the sandboxing options. The installed units
#    are checked with `systemd-analyze verify`.
#
# Between blocks it checks what a user would see (deploy/check_site.py): the
# health check, hashed compressed static files, a login, a report PDF in the
# request and one from the worker, both with their fonts (pdffonts), JSON log
# lines; and that a restore brings back every row and file of the backup.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

work=$(mktemp -d /tmp/pq-deploy-check.XXXXXX)
chmod 755 "$work"
export PQ_CHECK_WORK=$work
db=${PQ_CHECK_DB:-pq_deploy_check}
admin_url=${PQ_CHECK_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
export PQ_CHECK_DB=$db PQ_CHECK_ADMIN_URL=$admin_url

python=""
for c in python3.13 python3.12 python3.14 python3; do
  p=$(command -v "$c" 2>/dev/null) || continue
  "$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { python=$p; break; }
done
if [ -z "$python" ]; then
  for p in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python3; do
    [ -x "$p" ] && "$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { python=$p; break; }
  done
fi
[ -n "$python" ] || { echo "deploy check: no Python 3.12 or newer"; exit 1; }
# The service account must be able to run it: a pyenv Python under /root
# needs /root to be traversable (not readable) by others.
case "$python" in /root/*) chmod o+x /root ;; esac

# The release archive an IT officer is given.
git -C "$REPO" archive --format=tar.gz --prefix=partyquality/ -o "$work/partyquality.tar.gz" HEAD

cleanup() {
  set +e
  for pidfile in "$work"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -TERM -- "-$(cat "$pidfile")" 2>/dev/null
  done
  sleep 2
  for pidfile in "$work"/run/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -KILL -- "-$(cat "$pidfile")" 2>/dev/null
  done
  psql "$admin_url" -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" 2>/dev/null
  for old in $(psql "$admin_url" -tAc "SELECT datname FROM pg_database WHERE datname LIKE '${db}_before_restore_%'"); do
    psql "$admin_url" -q -c "DROP DATABASE IF EXISTS \"$old\" WITH (FORCE)"
  done
  psql "$admin_url" -q -c "DROP ROLE IF EXISTS \"$db\"" 2>/dev/null
  [ -n "${PQ_CHECK_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
cleanup_before() {
  psql "$admin_url" -q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
  psql "$admin_url" -q -c "DROP ROLE IF EXISTS \"$db\""
}
cleanup_before

mkdir -p "$work/blocks" "$work/run" "$work/logs" "$work/units" "$work/out"
# The page's sh blocks, one file each.
awk -v dir="$work/blocks" '
  /^```sh$/ { n++; file = sprintf("%s/%02d.sh", dir, n); inside = 1; next }
  /^```/ && inside { inside = 0; close(file); next }
  inside { print > file }
' "$REPO/docs/deploy.md"
blocks=("$work"/blocks/*.sh)
grep -q '^PQ_HOME=' "${blocks[0]}" || { echo "deploy check: the page's first block is not the names"; exit 1; }

cat >"${blocks[0]}" <<EOF
PQ_USER=partyquality
PQ_HOME=$work/opt/partyquality
PQ_ETC=$work/etc/partyquality
PQ_DATA=$work/var/lib/partyquality
PQ_SITE=partyquality.example.vn
PQ_DB=$db
PQ_PYTHON=$python
PQ_UNITS=$work/units
PQ_RELEASE=$work/partyquality.tar.gz
PSQL_ADMIN="psql $admin_url"
mkdir -p "\$(dirname "\$PQ_HOME")" "\$(dirname "\$PQ_ETC")" "\$(dirname "\$PQ_DATA")"
EOF

{
  echo 'set -euo pipefail'
  echo "source '$REPO/deploy/check_hooks.sh'"
  i=0
  for block in "${blocks[@]}"; do
    i=$((i + 1))
    echo "__before_block $i '$block'"
    echo "echo '== docs/deploy.md block $i'; sed 's/^/   | /' '$block'"
    cat "$block"
    echo "__after_block $i '$block'"
  done
  echo "__finally"
} >"$work/run.sh"

bash "$work/run.sh"
echo "deploy check passed: docs/deploy.md followed, ${#blocks[@]} blocks"
