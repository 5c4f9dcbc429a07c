# shellcheck shell=bash
# Source this file (bash) to run the Pulumi CLI offline against a local file backend:
#
#   source scripts/pulumi-env.sh && pulumi stack init dev
#
# It puts the bin directory from scripts/pulumi-cli.sh first on PATH and exports:
#   PULUMI_HOME, PULUMI_BACKEND_URL  a fresh per-run temp dir (home/ and state/), unless already set
#   PULUMI_CONFIG_PASSPHRASE         a fixed test passphrase, unless it or ..._FILE is already set
#   PULUMI_SKIP_UPDATE_CHECK, PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, PULUMI_SKIP_CONFIRMATIONS
#   OVHOFFICE_PULUMI_BIN             the bin directory (pulumi, language host, dynamic-provider script)
#   OVHOFFICE_PULUMI_RUN_DIR         the temp dir created here, if any (remove it when done)
# Returns non-zero (without exiting the caller's shell) when no CLI can be provided.

__ovhoffice_pulumi_env() {
  local here bin run_dir
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P) || return 1
  bin=$(bash "$here/pulumi-cli.sh" | tail -n 1) || return 1
  if [[ -z "$bin" || ! -x "$bin/pulumi" ]]; then
    echo "pulumi-env: scripts/pulumi-cli.sh gave no usable bin directory" >&2
    return 1
  fi
  export OVHOFFICE_PULUMI_BIN="$bin"
  case ":$PATH:" in
  *":$bin:"*) ;;
  *) export PATH="$bin:$PATH" ;;
  esac

  if [[ -z "${PULUMI_HOME:-}" || -z "${PULUMI_BACKEND_URL:-}" ]]; then
    run_dir=$(mktemp -d "${TMPDIR:-/tmp}/ovhoffice-pulumi.XXXXXX") || return 1
    export OVHOFFICE_PULUMI_RUN_DIR="$run_dir"
    if [[ -z "${PULUMI_HOME:-}" ]]; then
      mkdir -p "$run_dir/home"
      export PULUMI_HOME="$run_dir/home"
    fi
    if [[ -z "${PULUMI_BACKEND_URL:-}" ]]; then
      mkdir -p "$run_dir/state"
      export PULUMI_BACKEND_URL="file://$run_dir/state"
    fi
  fi

  if [[ -z "${PULUMI_CONFIG_PASSPHRASE+set}" && -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]]; then
    export PULUMI_CONFIG_PASSPHRASE="ovhoffice-offline-test"
  fi
  export PULUMI_SKIP_UPDATE_CHECK=true
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_SKIP_CONFIRMATIONS=true
}

__ovhoffice_pulumi_env
__ovhoffice_pulumi_env_status=$?
unset -f __ovhoffice_pulumi_env
# shellcheck disable=SC2317 # `exit` is reached only when the file is executed instead of sourced
return "$__ovhoffice_pulumi_env_status" 2>/dev/null || exit "$__ovhoffice_pulumi_env_status"
