#!/usr/bin/env bash
# A local Apache Superset, in a venv of its own (.superset/venv), apart from the pipeline's .venv.
#   superset/server.sh install   create/refresh .superset/venv from superset/requirements.txt (skipped when unchanged)
#   superset/server.sh init      metadata DB upgrade, admin user (if missing), roles and permissions
#   superset/server.sh start     gunicorn on 127.0.0.1:$SUPERSET_PORT in the background; waits for /health
#   superset/server.sh stop      stop it and every process it started
#   superset/server.sh status    say whether it runs
#   superset/server.sh cli ARGS  run the `superset` CLI with this environment (e.g. cli import-dashboards -p x.zip)
# Env: SUPERSET_PORT (8088), SUPERSET_STATE (.superset: metadata, pid, log), SUPERSET_ADMIN_USER / SUPERSET_ADMIN_PASSWORD (admin / admin: local use only),
#      SUPERSET_SECRET_KEY (else a random key kept in .superset/home/), UV (else uv on PATH, else .tools/bin/uv).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
STATE=${SUPERSET_STATE:-$ROOT/.superset}  # tests give each Superset a state folder (metadata, pid, log) of its own
VENV=${SUPERSET_VENV:-$ROOT/.superset/venv}
REQ=superset/requirements.txt
PIDFILE=$STATE/superset.pid
LOG=$STATE/superset.log
PORT=${SUPERSET_PORT:-8088}
URL=http://127.0.0.1:$PORT
UV=${UV:-$(command -v uv 2>/dev/null || echo .tools/bin/uv)}
export SUPERSET_CONFIG_PATH=$ROOT/superset/superset_config.py FLASK_APP=superset SUPERSET_HOME=$STATE/home
export PATH=$VENV/bin:$PATH

healthy() { curl -fsS --max-time 2 "$URL/health" 2>/dev/null | grep -qx OK; }
running_pid() { # the recorded pid, if that process is alive
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null) && kill -0 "$pid" 2>/dev/null && echo "$pid"
}
need_venv() { [[ -x $VENV/bin/superset ]] || { echo "no Superset venv: run superset/server.sh install first" >&2; exit 1; }; }

install() {
    local want
    want=$(sha256sum "$REQ" | cut -d' ' -f1)
    if [[ -x $VENV/bin/superset && $(cat "$VENV/.requirements.sha256" 2>/dev/null) == "$want" ]]; then
        echo "Superset venv up to date ($VENV)"; return
    fi
    [[ -x $VENV/bin/python ]] || "$UV" venv --quiet --python 3.11 "$VENV"
    # sync, not install: the venv holds exactly the pinned set, also after requirements.txt changed.
    "$UV" pip sync --quiet --python "$VENV/bin/python" "$REQ"
    echo "$want" >"$VENV/.requirements.sha256"
    echo "Superset $("$VENV/bin/python" -c 'from importlib.metadata import version as v; print(v("apache-superset"))') installed in $VENV"
}

init() {
    need_venv
    local user=${SUPERSET_ADMIN_USER:-admin} users stamp want
    # Each superset CLI call takes ~8 s: skip all when done before for the same pins, config and admin user.
    stamp=$SUPERSET_HOME/.init.sha256
    want=$(cat "$REQ" superset/superset_config.py <(echo "$user") | sha256sum | cut -d' ' -f1)
    if [[ -f $SUPERSET_HOME/superset.db && $(cat "$stamp" 2>/dev/null) == "$want" ]]; then
        echo "Superset metadata up to date ($SUPERSET_HOME)"; return
    fi
    mkdir -p "$STATE"
    superset db upgrade >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; exit 1; }
    users=$(superset fab list-users 2>>"$LOG")
    if grep -q "^username:$user |" <<<"$users"; then
        echo "Superset user '$user' exists"
    else
        superset fab create-admin --username "$user" --password "${SUPERSET_ADMIN_PASSWORD:-admin}" \
            --firstname Admin --lastname User --email "$user@localhost" >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; exit 1; }
        echo "Superset user '$user' created"
    fi
    superset init >>"$LOG" 2>&1 || { tail -20 "$LOG" >&2; exit 1; }
    echo "$want" >"$stamp"
    echo "Superset metadata ready ($SUPERSET_HOME)"
}

start() {
    need_venv
    if [[ -z $(running_pid) ]]; then
        rm -f "$PIDFILE"
        if healthy; then echo "port $PORT already serves a Superset not started here: stop it or set SUPERSET_PORT" >&2; exit 1; fi
        mkdir -p "$STATE"
        # One worker (memory), a few threads so a dashboard's parallel requests do not queue behind each other.
        # setsid: a process group of its own, so that `stop` ends gunicorn and its worker together.
        setsid gunicorn --bind "127.0.0.1:$PORT" --workers 1 --worker-class gthread --threads 4 --timeout 120 \
            --limit-request-line 0 --limit-request-field_size 0 "superset.app:create_app()" \
            >>"$LOG" 2>&1 </dev/null &
        echo $! >"$PIDFILE"
    fi
    local pid i
    pid=$(cat "$PIDFILE")
    for i in $(seq 240); do
        healthy && { echo "Superset running at $URL (pid $pid, log $LOG)"; return; }
        kill -0 "$pid" 2>/dev/null || { echo "Superset exited at start; last lines of $LOG:" >&2; tail -20 "$LOG" >&2; rm -f "$PIDFILE"; exit 1; }
        sleep 0.5
    done
    echo "Superset did not answer $URL/health within 120 s; see $LOG" >&2; stop; exit 1
}

stop() {
    local pid i
    pid=$(cat "$PIDFILE" 2>/dev/null) || { echo "Superset is not running here"; return 0; }
    kill -TERM -- "-$pid" 2>/dev/null || true
    for i in $(seq 40); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL -- "-$pid" 2>/dev/null || true
    rm -f "$PIDFILE"
    echo "Superset stopped"
}

status() {
    if [[ -n $(running_pid) ]] && healthy; then echo "Superset running at $URL (pid $(cat "$PIDFILE"))"
    else echo "Superset is not running here"; return 1; fi
}

case ${1:-} in
    install | init | start | stop | status) "$1" ;;
    cli) need_venv; shift; exec superset "$@" ;;
    *) sed -n '2,10p' "$0" >&2; exit 2 ;;
esac
