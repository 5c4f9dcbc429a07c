#!/usr/bin/env bash
# Make a working Pulumi CLI available for this repository, without get.pulumi.com.
#
# Prints, as the LAST line on stdout, the absolute bin directory that holds
#   pulumi, pulumi-language-nodejs, pulumi-resource-pulumi-nodejs
# Everything else goes to stderr. Exit status is non-zero when no CLI can be provided.
#
# Resolution order:
#   1. `pulumi` on PATH, if its version is at least the lockfile's @pulumi/pulumi and the
#      Node language host plus the dynamic-provider script sit next to it;
#   2. a previous build in the cache;
#   3. a fresh build from Go modules at the lockfile's version (needs Go and the Go module
#      proxy, or a warm Go module cache), installed atomically into the cache.
#
# Environment:
#   OVHOFFICE_PULUMI_CACHE    cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/ovhoffice-pulumi-cli);
#                             the CLI lives in <root>/<version>/bin. Must be outside the repository.
#   OVHOFFICE_PULUMI_NO_PATH  set to 1 to ignore any `pulumi` on PATH.
#   OVHOFFICE_PULUMI_GO_JOBS  `go build -p` value (default 2; use 1 on a busy shared machine).
set -euo pipefail

# Keep stdout for the final answer only.
exec 3>&1 1>&2

log() { printf 'pulumi-cli: %s\n' "$*" >&2; }
die() {
  printf 'pulumi-cli: ERROR: %s\n' "$1" >&2
  shift
  [[ $# -eq 0 ]] || printf '  %s\n' "$@" >&2
  exit 1
}

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# shellcheck source=scripts/go-build-progress.sh
source "$repo_root/scripts/go-build-progress.sh"
sdk_dir="$repo_root/node_modules/@pulumi/pulumi"
dynamic_script="$sdk_dir/pulumi-resource-pulumi-nodejs"
install_url="https://www.pulumi.com/docs/install/"

[[ -f "$sdk_dir/package.json" ]] ||
  die "$sdk_dir not found: run 'npm ci' in $repo_root first."

# The lockfile pins @pulumi/pulumi exactly; read the installed copy's version without starting node.
sdk_version=$(sed -n 's/^[[:space:]]*"version":[[:space:]]*"\([^"]*\)".*/\1/p' "$sdk_dir/package.json" | head -n 1)
[[ "$sdk_version" =~ ^3\.[0-9]+\.[0-9]+$ ]] ||
  die "unexpected @pulumi/pulumi version '$sdk_version' in $sdk_dir/package.json"
version="v$sdk_version"

cache_root="${OVHOFFICE_PULUMI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ovhoffice-pulumi-cli}"
mkdir -p "$cache_root"
cache_root=$(cd "$cache_root" && pwd -P)
case "$cache_root/" in
"$repo_root"/*) die "cache root $cache_root is inside the repository; choose a directory outside $repo_root." ;;
esac
cache_dir="$cache_root/$version"

# version_at_least A B: true when A >= B (both dotted, without leading v).
version_at_least() {
  [[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$2" ]]
}

# complete_bin DIR: true when DIR holds the three executables the engine needs.
complete_bin() {
  [[ -x "$1/pulumi" && -x "$1/pulumi-language-nodejs" && -x "$1/pulumi-resource-pulumi-nodejs" ]]
}

answer() {
  printf '%s\n' "$1" >&3
  exit 0
}

# ---- 1. pulumi on PATH --------------------------------------------------------------------
if [[ "${OVHOFFICE_PULUMI_NO_PATH:-0}" != 1 ]] && path_cli=$(command -v pulumi 2>/dev/null); then
  path_version=$(PULUMI_SKIP_UPDATE_CHECK=true "$path_cli" version 2>/dev/null | head -n 1 | tr -d '[:space:]' || true)
  if [[ "$path_version" =~ ^v?(3\.[0-9]+\.[0-9]+) ]] && version_at_least "${BASH_REMATCH[1]}" "$sdk_version"; then
    # Bundled plugins are looked up next to the pulumi binary (or on PATH); accept the
    # directory of the PATH entry or of its symlink target, whichever is complete.
    found=""
    for d in "$(dirname "$path_cli")" "$(dirname "$(readlink -f "$path_cli")")"; do
      if complete_bin "$d"; then
        found=$(cd "$d" && pwd -P)
        break
      fi
    done
    if [[ -n "$found" ]]; then
      log "using pulumi $path_version from PATH ($found)"
      answer "$found"
    fi
    log "pulumi $path_version on PATH lacks pulumi-language-nodejs or pulumi-resource-pulumi-nodejs next to it; using the cache instead"
  else
    log "ignoring pulumi on PATH ($path_cli): version '${path_version:-unknown}' is not >= $version"
  fi
fi

# ---- 2. cache hit ---------------------------------------------------------------------------
# Our own language host (used when the official one cannot be fetched) is part of the cache key.
fallback_host_src="$repo_root/scripts/pulumi-language-nodejs/main.go"
fallback_host_id="fallback-$(sha256sum "$fallback_host_src" | cut -c1-16)"

# cache_current DIR: complete, and not built from an older copy of our own language host.
cache_current() {
  complete_bin "$1/bin" || return 1
  local host
  host=$(sed -n 's/^langhost=//p' "$1/BUILD-INFO" 2>/dev/null)
  [[ "$host" != fallback-* || "$host" == "$fallback_host_id" ]]
}

if cache_current "$cache_dir"; then
  log "using cached pulumi $version ($cache_dir/bin)"
  answer "$cache_dir/bin"
fi

# ---- 3. build from Go modules -----------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  die "no usable Pulumi CLI: no 'pulumi' >= $version on PATH, no cache at $cache_dir/bin, and no Go toolchain to build one." \
    "Either install the Pulumi CLI (>= $version, with its bundled pulumi-language-nodejs) as described at $install_url" \
    "and put it on PATH, or install Go (>= 1.25) with access to a Go module proxy and re-run this script."
fi

# One builder per version: later callers wait, then find the cache filled.
exec 9>"$cache_root/.$version.lock"
if ! flock -n 9; then
  log "another process is building pulumi $version; waiting for its lock"
  flock 9
fi
if cache_current "$cache_dir"; then
  log "pulumi $version was built by another process ($cache_dir/bin)"
  answer "$cache_dir/bin"
fi

# Leftovers of builds that were killed outright (we hold the lock, so none is running).
rm -rf "$cache_root/.build-$version".*
work=$(mktemp -d "$cache_root/.build-$version.XXXXXX")
chmod 0755 "$work"
# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

export CGO_ENABLED=0 GOWORK=off GO111MODULE=on
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
# The checksum database reachable through the module proxy does not know every Pulumi release
# (lookups answer 404 "verifying go.mod"). Skip it for Pulumi's own modules only; every other
# dependency is still verified.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi"

pkg_mod=github.com/pulumi/pulumi/pkg/v3
sdk_mod=github.com/pulumi/pulumi/sdk/v3
lang_mod=github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3
clipboard_fork=github.com/tgummerer/clipboard@v0.0.0-20241001131231-d02d263e614e

start=$(date +%s)
log "first run: building pulumi $version and its Node language host from Go modules into $cache_dir."
log "this happens once per version (about 7-12 minutes on 2 cores with cold Go caches, 1-2 minutes with a warm"
log "Go build cache); later runs reuse it instantly. Progress is printed every ${OVHOFFICE_PULUMI_PROGRESS_SECONDS:-30} s."

mkdir -p "$work/src" "$work/bin"
cd "$work/src"
log "step 1/4: downloading $pkg_mod@$version"
go mod download -json "$pkg_mod@$version" >"$work/pkg.json" ||
  die "cannot download $pkg_mod@$version from the Go module proxy ($(go env GOPROXY))." \
    "$(cat "$work/pkg.json")" \
    "Check that the proxy is reachable (or set GOPROXY / GOFLAGS=-mod=mod for your mirror), or install the" \
    "Pulumi CLI (>= $version, with its bundled pulumi-language-nodejs) as described at $install_url and put it on PATH."
pkg_dir=$(sed -n 's/^[[:space:]]*"Dir":[[:space:]]*"\(.*\)",\{0,1\}$/\1/p' "$work/pkg.json" | head -n 1)
[[ -n "$pkg_dir" && -f "$pkg_dir/go.mod" ]] || die "'go mod download -json $pkg_mod@$version' named no module directory" \
  "$(cat "$work/pkg.json")"
# The commit of the pkg/$version tag is optional metadata (.Origin.Hash): proxy.golang.org gives it, many
# mirrors and module caches do not. It is only needed to ask for the official Node language host, which has no
# tags of its own.
commit=$(sed -n 's/^[[:space:]]*"Hash":[[:space:]]*"\([0-9a-f]\{40\}\)".*/\1/p' "$work/pkg.json" | head -n 1)

# pkg/go.mod states the minimum Go version.
go_needed=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$pkg_dir/go.mod" | head -n 1)
go_have=$(go env GOVERSION | sed 's/^go//')
if [[ -n "$go_needed" ]] && ! version_at_least "$go_have" "$go_needed"; then
  die "Go $go_have is older than the Go $go_needed that $pkg_mod@$version requires." \
    "Install a newer Go, set GOTOOLCHAIN=go$go_needed to let Go fetch it, or install the Pulumi CLI as described at $install_url"
fi
log "pulumi $version, commit ${commit:-unknown (the module proxy gives no .Origin)}; Go $go_have (pkg/go.mod needs $go_needed)"

# Scratch module: `go install pkg/cmd/pulumi@version` is refused because pkg/go.mod has
# replace directives; reproduce the one that matters (clipboard fork) here.
log "step 2/4: resolving the CLI's dependencies (module zips and go.mod files from the proxy)"
go mod init example.invalid/ovhoffice-pulumi-cli 2>/dev/null
go mod edit -replace="github.com/atotto/clipboard=$clipboard_fork"
go get -tool "$pkg_mod/cmd/pulumi@$version" ||
  die "cannot resolve $pkg_mod/cmd/pulumi@$version and its dependencies from the Go module proxy ($(go env GOPROXY))." \
    "See go's message above; or install the Pulumi CLI as described at $install_url"
# The official Node language host, when the proxy serves it at the tag's commit (a pseudo-version); otherwise
# (no commit known, or the proxy refuses the module, as some mirrors do) this repository's minimal host
# (scripts/pulumi-language-nodejs/main.go), built against the same SDK release.
langhost=""
if [[ -n "$commit" ]]; then
  if go get -tool "$lang_mod@$commit"; then
    langhost=official
    lang_target="$lang_mod"
  else
    log "the module proxy refuses the official $lang_mod@$commit"
  fi
fi
if [[ -z "$langhost" ]]; then
  log "using the repository's minimal Node language host ($fallback_host_src) instead of the official one"
  langhost="$fallback_host_id"
  mkdir -p "$work/src/langhost"
  cp "$fallback_host_src" "$work/src/langhost/main.go"
  lang_target=./langhost
fi
go get "$pkg_mod@$version" "$sdk_mod@$version"
for m in "$pkg_mod" "$sdk_mod"; do
  got=$(go list -m -f '{{.Version}}' "$m")
  [[ "$got" == "$version" ]] || die "$m resolved to $got, expected $version"
done

build_flags=(-p "${OVHOFFICE_PULUMI_GO_JOBS:-2}" -trimpath -tags "osusergo,grpcnotrace"
  -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version")
log "step 3/4: compiling the pulumi CLI (the long step)"
go_build_with_progress "pulumi" "$work/bin/pulumi" "$pkg_mod/cmd/pulumi" "${build_flags[@]}" ||
  die "compiling $pkg_mod/cmd/pulumi@$version failed (see go's errors above)." \
    "Or install the Pulumi CLI (>= $version) as described at $install_url"
log "step 4/4: compiling the Node language host (mostly from the build cache)"
go_build_with_progress "pulumi-language-nodejs" "$work/bin/pulumi-language-nodejs" "$lang_target" "${build_flags[@]}" ||
  die "compiling the Node language host ($lang_target) failed (see go's errors above)."
cp "$dynamic_script" "$work/bin/pulumi-resource-pulumi-nodejs"
chmod 0755 "$work/bin/pulumi-resource-pulumi-nodejs"

built_version=$(PULUMI_SKIP_UPDATE_CHECK=true PULUMI_HOME="$work/home" "$work/bin/pulumi" version | tr -d '[:space:]')
[[ "$built_version" == "$version" ]] || die "built pulumi reports version '$built_version', expected $version"
complete_bin "$work/bin" || die "build finished without all three executables in $work/bin"
rm -rf "${work:?}/home" "${work:?}/pkg.json"

{
  echo "version=$version"
  echo "commit=${commit:-unknown}"
  echo "langhost=$langhost"
  echo "go=$go_have"
  echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "seconds=$(($(date +%s) - start))"
} >"$work/BUILD-INFO"

# Publish atomically: the cache entry appears complete or not at all. An outdated entry is
# moved aside first (we hold the lock, so nobody else is replacing it).
if [[ -e "$cache_dir" ]]; then
  log "replacing outdated cache entry $cache_dir"
  mv -T "$cache_dir" "$work.old"
fi
mv -T "$work" "$cache_dir"
rm -rf "$work.old"
trap - EXIT
log "built pulumi $version in $(($(date +%s) - start)) s: $cache_dir/bin"
answer "$cache_dir/bin"
