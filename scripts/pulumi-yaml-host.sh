#!/usr/bin/env bash
# Add the Pulumi YAML language host (pulumi-language-yaml) next to the offline CLI, so that Pulumi YAML
# programs (examples/yaml, the native provider's end-to-end tests) run without get.pulumi.com.
#
# Prints, as the LAST line on stdout, the bin directory (the one scripts/pulumi-cli.sh prints), which then
# holds pulumi-language-yaml too. Everything else goes to stderr. Non-zero exit when it cannot be provided.
#
# Resolution order:
#   1. the bin directory already has pulumi-language-yaml (built earlier, or shipped with an installed CLI);
#   2. pulumi-language-yaml on PATH: symlinked into the bin directory;
#   3. a build from Go modules: github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml at
#      $OVHOFFICE_PULUMI_YAML_VERSION (default below), with the pulumi pkg/sdk release that pulumi-yaml's own
#      go.mod asks for. A language host is a separate process that talks gRPC to the CLI, so it need not share
#      the CLI's release (official CLI archives also bundle a YAML host built against an older pkg); forcing
#      the CLI's release instead breaks the build (pulumi-yaml v1.30.0 does not compile against pkg v3.248.0:
#      plugin.NewContextWithRoot and schema.NewPluginLoader changed signatures).
#
# This is separate from scripts/pulumi-cli.sh on purpose: the CLI and the Node language host are needed by every
# end-to-end test, the YAML host only by the native-provider ones. Same environment variables as pulumi-cli.sh
# (OVHOFFICE_PULUMI_CACHE, OVHOFFICE_PULUMI_GO_JOBS) plus OVHOFFICE_PULUMI_YAML_VERSION.
set -euo pipefail

exec 3>&1 1>&2

log() { printf 'pulumi-yaml-host: %s\n' "$*" >&2; }
die() {
  printf 'pulumi-yaml-host: ERROR: %s\n' "$@" >&2
  exit 1
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/go-build-progress.sh
source "$here/go-build-progress.sh"
yaml_version="${OVHOFFICE_PULUMI_YAML_VERSION:-v1.30.0}"

bin=$(bash "$here/pulumi-cli.sh" | tail -n 1) || die "scripts/pulumi-cli.sh could not provide a Pulumi CLI"
[[ -n "$bin" && -x "$bin/pulumi" ]] || die "scripts/pulumi-cli.sh gave no usable bin directory ('$bin')"

answer() {
  printf '%s\n' "$bin" >&3
  exit 0
}

# ---- 1. already there --------------------------------------------------------------------------
if [[ -x "$bin/pulumi-language-yaml" ]]; then
  log "using $bin/pulumi-language-yaml"
  answer
fi

# ---- 2. on PATH ---------------------------------------------------------------------------------
if path_host=$(command -v pulumi-language-yaml 2>/dev/null); then
  ln -sf "$path_host" "$bin/pulumi-language-yaml"
  log "linked $path_host into $bin"
  answer
fi

# ---- 3. build -----------------------------------------------------------------------------------
command -v go >/dev/null 2>&1 ||
  die "no pulumi-language-yaml in $bin or on PATH, and no Go toolchain to build it." \
    "Install the Pulumi CLI with its bundled YAML host, or Go (>= 1.25) with access to a Go module proxy."

# The CLI's release: the version it reports (pulumi-cli.sh guarantees it is set, e.g. v3.248.0).
cli_version=$(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="${TMPDIR:-/tmp}/ovhoffice-yaml-host-home" \
  "$bin/pulumi" version | tr -d '[:space:]')
[[ "$cli_version" =~ ^v3\.[0-9]+\.[0-9]+$ ]] || die "unexpected CLI version '$cli_version' from $bin/pulumi"

cache_root=$(cd "$bin/../.." && pwd -P)
exec 9>"$cache_root/.yaml-host-$cli_version.lock"
flock 9
if [[ -x "$bin/pulumi-language-yaml" ]]; then
  log "built by another process: $bin/pulumi-language-yaml"
  answer
fi

work=$(mktemp -d "$cache_root/.build-yaml-host.XXXXXX")
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0 GOWORK=off GO111MODULE=on
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi,github.com/pulumi/pulumi-yaml"

yaml_cmd=github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml
start=$(date +%s)
log "first run: building $yaml_cmd@$yaml_version for pulumi $cli_version, with the pkg/sdk release its go.mod asks"
log "for. This happens once (about 3-6 minutes on 2 cores); later runs reuse it from $bin."
cd "$work"
go mod init example.invalid/ovhoffice-yaml-host
go mod edit -replace=github.com/atotto/clipboard=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e
go get -tool "$yaml_cmd@$yaml_version" ||
  die "cannot fetch github.com/pulumi/pulumi-yaml@$yaml_version from the Go module proxy" \
    "(set OVHOFFICE_PULUMI_YAML_VERSION to a release the proxy serves)"
go_build_with_progress "pulumi-language-yaml" "$work/pulumi-language-yaml" "$yaml_cmd" \
  -p "${OVHOFFICE_PULUMI_GO_JOBS:-2}" -trimpath -tags "osusergo,grpcnotrace" \
  -ldflags "-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$yaml_version" ||
  die "compiling $yaml_cmd@$yaml_version failed (see go's errors above)." \
    "Install the Pulumi CLI with its bundled YAML host, or set OVHOFFICE_PULUMI_YAML_VERSION to another release."
# Publish atomically into the CLI's bin directory.
mv -f "$work/pulumi-language-yaml" "$bin/pulumi-language-yaml.tmp.$$"
mv -f "$bin/pulumi-language-yaml.tmp.$$" "$bin/pulumi-language-yaml"
log "built pulumi-language-yaml $yaml_version in $(($(date +%s) - start)) s: $bin"
answer
