# Sourced by the script deploy/check.sh writes: `systemctl` for a machine
# without systemd, and the checks run between docs/deploy.md's blocks.
# PQ_CHECK_WORK, PQ_CHECK_DB and PQ_CHECK_ADMIN_URL come from deploy/check.sh.

__repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
__db_url=${PQ_CHECK_ADMIN_URL%/*}/$PQ_CHECK_DB

__unit_file() {
  local unit=$1
  case $unit in *.service | *.timer) ;; *) unit=$unit.service ;; esac
  echo "$PQ_UNITS/$unit"
}

__unit_key() { sed -n "s/^$2=//p" "$1" | tail -n 1; }

__start() {
  local file name type user dir envfile exec
  file=$(__unit_file "$1")
  name=$(basename "$file")
  [ -f "$file" ] || { echo "systemctl (check): no unit $name" >&2; return 5; }
  case $name in *.timer)
    echo "systemctl (check): $name enabled; its schedule is not exercised here"
    return 0 ;;
  esac
  type=$(__unit_key "$file" Type)
  user=$(__unit_key "$file" User)
  dir=$(__unit_key "$file" WorkingDirectory)
  envfile=$(__unit_key "$file" EnvironmentFile)
  exec=$(__unit_key "$file" ExecStart)
  local log="$PQ_CHECK_WORK/logs/$name.log"
  if [ "$type" = oneshot ]; then
    echo "systemctl (check): running $name"
    # shellcheck disable=SC2086  # ExecStart is split into words, as systemd does
    if ! (cd "$dir" && set -a && . "$envfile" && set +a && runuser -u "$user" -- $exec) >>"$log" 2>&1; then
      cat "$log"
      return 1
    fi
    return 0
  fi
  local pidfile="$PQ_CHECK_WORK/run/$name.pid"
  if [ -e "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then return 0; fi
  echo "systemctl (check): starting $name"
  # shellcheck disable=SC2086
  # setpriv, not runuser: it execs the service itself (runuser stays as its
  # parent and kills it two seconds after passing on a SIGTERM), so the
  # service gets the one SIGTERM systemd would send and takes its time.
  (cd "$dir" && set -a && . "$envfile" && set +a &&
    exec setsid setpriv --reuid="$user" --regid="$user" --init-groups $exec) >>"$log" 2>&1 &
  echo $! >"$pidfile"
}

__stop() {
  local name pidfile pid
  name=$(basename "$(__unit_file "$1")")
  pidfile="$PQ_CHECK_WORK/run/$name.pid"
  [ -e "$pidfile" ] || return 0
  pid=$(cat "$pidfile")
  echo "systemctl (check): stopping $name"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 1 190); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 1
  done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

systemctl() {
  local command=$1
  shift
  case $command in
    daemon-reload) return 0 ;;
    enable)
      if [ "${1:-}" = --now ]; then
        shift
        for unit in "$@"; do __start "$unit"; done
      fi ;;
    start) for unit in "$@"; do __start "$unit"; done ;;
    stop) for unit in "$@"; do __stop "$unit"; done ;;
    restart) for unit in "$@"; do __stop "$unit"; __start "$unit"; done ;;
    *) echo "systemctl (check): '$command' is not emulated" >&2; return 1 ;;
  esac
}

# Every table's rows (count and digest) but the workers' heartbeats, which
# change by themselves.
__fingerprint() {
  psql "$__db_url" -tA -v ON_ERROR_STOP=1 <<'SQL'
SELECT string_agg(format('SELECT %L, count(*), md5(coalesce(string_agg(md5(t::text), '''' ORDER BY md5(t::text)), '''')) FROM %I t', tablename, tablename), ' UNION ALL ' ORDER BY tablename)
FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'partyquality_workerheartbeat'
\gset
:string_agg
\g
SQL
}

__files() { (cd "$PQ_DATA/media" && find . -type f -exec sha256sum {} + | sort); }

__checked_site=""
__before_block() {
  local text
  text=$(cat "$2")
  if [[ $text == *"partyquality-backup.service"* && $text == *"ls "* ]]; then
    __fingerprint >"$PQ_CHECK_WORK/out/before-backup.txt"
    __files >"$PQ_CHECK_WORK/out/files-before-backup.txt"
    grep -q "reports/" "$PQ_CHECK_WORK/out/files-before-backup.txt" \
      || { echo "check: no report file under media/ to back up"; return 1; }
    echo "check: $(wc -l <"$PQ_CHECK_WORK/out/before-backup.txt") tables and $(wc -l <"$PQ_CHECK_WORK/out/files-before-backup.txt") files recorded before the backup"
  fi
  if [[ $text == *"restore.sh"* ]]; then
    # What a restore must undo: a row written and a file lost after the backup.
    psql "$__db_url" -q -v ON_ERROR_STOP=1 -c \
      "INSERT INTO auth_user (username, password, is_superuser, is_staff, is_active, first_name, last_name, email, date_joined) VALUES ('sau_sao_luu', '!', false, false, true, '', '', '', now())"
    find "$PQ_DATA/media/reports" -type f -delete
    echo "check: a user added and the report files deleted after the backup"
  fi
}

__after_block() {
  local text
  text=$(cat "$2")
  echo  # after curl's answer, which ends without a newline
  if [[ $text == *"systemctl enable --now"* ]]; then
    local out
    out=$(systemd-analyze verify --man=no "$PQ_UNITS"/partyquality-*.service "$PQ_UNITS"/partyquality-*.timer 2>&1) \
      || { echo "$out"; return 1; }
    [ -z "$out" ] || { echo "systemd-analyze verify: $out"; return 1; }
    echo "check: systemd-analyze verify found nothing to say about the installed units"
  fi
  if [[ $text == *"/healthz/"* && -z $__checked_site ]]; then
    __checked_site=1
    "$PQ_PYTHON" "$__repo/deploy/check_site.py" http://127.0.0.1:8000 "$PQ_SITE" \
      bantochuc_tinh demo12345 "$PQ_CHECK_WORK/out"
    for pdf in request worker; do
      local fonts
      fonts=$(pdffonts "$PQ_CHECK_WORK/out/$pdf.pdf" | tail -n +3)
      grep -q "PQ-Serif" <<<"$fonts" || { echo "check: $pdf.pdf lacks pdf.css's fonts:"; echo "$fonts"; return 1; }
      if grep -qv " yes " <<<"$fonts"; then echo "check: a font is not embedded: $fonts"; return 1; fi
      pdftotext "$PQ_CHECK_WORK/out/$pdf.pdf" - | grep -q "ĐẢNG CỘNG SẢN VIỆT NAM" \
        || { echo "check: $pdf.pdf lacks the Party heading"; return 1; }
      echo "ok: $pdf.pdf has its stylesheet's fonts, all embedded, and the Party heading"
    done
    "$PQ_PYTHON" - "$PQ_CHECK_WORK"/logs/partyquality-web.service.log "$PQ_CHECK_WORK"/logs/partyquality-worker.service.log <<'PY'
import json, sys
for name in sys.argv[1:]:
    lines = [line for line in open(name, encoding="utf-8") if line.strip()]
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except ValueError:
            sys.exit(f"check: not a JSON line in {name}: {line!r}")
    print(f"ok: {len(entries)} log lines of {name.rsplit('/', 1)[-1]}, each a JSON object")
    if "web" in name:
        assert any(e.get("path") == "/healthz/" and e.get("status") == 200 for e in entries), "no access line"
        assert any(e.get("path", "").endswith("/tai-ve/pdf/") for e in entries), "no PDF access line"
    else:
        assert any("started" in e.get("message", "") for e in entries), "no worker start line"
PY
  fi
  if [[ $text == *"restore.sh"* ]]; then
    __fingerprint >"$PQ_CHECK_WORK/out/after-restore.txt"
    if ! diff "$PQ_CHECK_WORK/out/before-backup.txt" "$PQ_CHECK_WORK/out/after-restore.txt"; then
      echo "check: the restored database differs from the backed-up one"; return 1
    fi
    diff <(__files) "$PQ_CHECK_WORK/out/files-before-backup.txt" \
      || { echo "check: the restored files differ from the backed-up ones"; return 1; }
    echo "check: restore brought back every row of $(wc -l <"$PQ_CHECK_WORK/out/after-restore.txt") tables and every file; the later user is gone"
  fi
  if [[ $text == *"pip\" install"* && $text == *"find \"\$PQ_HOME\""* ]]; then
    __fingerprint >"$PQ_CHECK_WORK/out/after-upgrade.txt"
    diff "$PQ_CHECK_WORK/out/before-backup.txt" "$PQ_CHECK_WORK/out/after-upgrade.txt" \
      || { echo "check: the upgrade changed the data"; return 1; }
    echo "check: the upgrade kept every row"
  fi
}

__finally() {
  systemctl stop partyquality-web.service partyquality-worker.service
  local left
  left=$(psql "$__db_url" -tAc "SELECT count(*) FROM partyquality_workerheartbeat")
  [ "$left" = 0 ] || { echo "check: the stopped worker left its heartbeat"; return 1; }
  echo "check: services stopped cleanly (the worker removed its heartbeat)"
}
