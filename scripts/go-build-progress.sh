# shellcheck shell=bash
# Sourced by pulumi-cli.sh and pulumi-yaml-host.sh: `go build` with a progress line a person can follow.
#
# A cold build of the Pulumi CLI compiles about two thousand packages and takes 10–20 minutes on two cores.
# `go build` says nothing meanwhile; here its -v output (one line per package it compiles) is counted against
# the package list of the target, and a line like
#   pulumi-cli: compiling pulumi: 812/1961 packages, 4m10s elapsed
# is printed every $OVHOFFICE_PULUMI_PROGRESS_SECONDS (default 30) seconds, then once when it ends.
#
# Needs: a log() function, and the caller's working directory inside the scratch module.

# go_build_with_progress LABEL OUTPUT TARGET [go build flags...]
go_build_with_progress() {
  local label=$1 output=$2 target=$3
  shift 3
  local every=${OVHOFFICE_PULUMI_PROGRESS_SECONDS:-30}
  local total started compiled_log pid status
  # The package count is only for the progress line; a failure here must not stop the build.
  total=$(go list -deps "$target" 2>/dev/null | wc -l) || total=0
  compiled_log=$(mktemp "${TMPDIR:-/tmp}/ovhoffice-go-build.XXXXXX")
  started=$(date +%s)
  log "compiling $label ($total packages; packages already in Go's build cache are skipped)"

  go build -v "$@" -o "$output" "$target" 2>"$compiled_log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    local waited=0
    while ((waited < every)) && kill -0 "$pid" 2>/dev/null; do
      sleep 1
      waited=$((waited + 1))
    done
    kill -0 "$pid" 2>/dev/null || break
    log "compiling $label: $(progress_count "$compiled_log")/$total packages, $(elapsed_since "$started") elapsed"
  done
  status=0
  wait "$pid" || status=$?
  if ((status != 0)); then
    # -v mixes package names with compiler errors; show the errors (lines that are not bare import paths).
    grep -vE '^[A-Za-z0-9_./~-]+$' "$compiled_log" >&2 || cat "$compiled_log" >&2
    rm -f "$compiled_log"
    return "$status"
  fi
  log "compiled $label in $(elapsed_since "$started") ($(progress_count "$compiled_log") packages built, the rest cached)"
  rm -f "$compiled_log"
}

progress_count() {
  grep -cE '^[A-Za-z0-9_./~-]+$' "$1" || true
}

elapsed_since() {
  local s=$(($(date +%s) - $1))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}
