# Shared by check-wheel and build-bundle: run named steps quietly, stop at the first failure.
# Source it after setting `work` to a scratch folder.

# project_python ROOT: $PYTHON if set, else the project's virtual environment (Linux, macOS or
# Windows layout).
project_python() {
  if [ -n "${PYTHON:-}" ]; then
    echo "$PYTHON"
  elif [ -x "$1/.venv/bin/python" ]; then
    echo "$1/.venv/bin/python"
  else
    echo "$1/.venv/Scripts/python.exe"
  fi
}

# seconds_since START: seconds elapsed since START (from `date +%s.%N`), one decimal.
seconds_since() {
  awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.1f", now - start }'
}

# project_version ROOT PYTHON: the version pyproject.toml declares, the one source of truth.
project_version() {
  "$2" -c 'import sys, tomllib
print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$1/pyproject.toml"
}

# step NAME COMMAND...: run COMMAND; on failure show what it said and stop.
step() {
  local name=$1 started
  shift
  started=$(date +%s.%N)
  printf '%-34s' "$name"
  if "$@" >"$work/step.log" 2>&1; then
    echo "ok ($(seconds_since "$started") s)"
  else
    echo "FAILED"
    cat "$work/step.log"
    exit 1
  fi
}

# expect WHAT FILE PATTERN: the file holds the extended regular expression, or stop.
expect() {
  grep -Eq -- "$3" "$2" || { echo "$1: expected /$3/ in:"; cat "$2"; exit 1; }
}

# first_customer CSV: the external_id of the first customer in an export.
first_customer() {
  awk -F, '
    NR == 1 {
      for (i = 1; i <= NF; i++) {
        gsub(/^\xef\xbb\xbf|\r/, "", $i)  # a byte order mark, a Windows line end
        if ($i == "external_id") column = i
      }
    }
    NR == 2 { print $column; exit }' "$1"
}

# window_start CONSOLE: start the window offscreen and have it quit once shown; sets cold_start
# to the seconds from launch to the window being shown (the console prints the wall clock then).
window_start() {
  local launched shown
  launched=$(date +%s.%N)
  step "window starts offscreen" env QT_QPA_PLATFORM=offscreen CONSOLE_SMOKE_QUIT_MS=300 "$1"
  expect "window" "$work/step.log" "window shown at [0-9.]+"
  shown=$(grep -Eo "window shown at [0-9.]+" "$work/step.log" | awk '{ print $4 }')
  cold_start=$(awk -v a="$launched" -v b="$shown" 'BEGIN { printf "%.2f", b - a }')
}
