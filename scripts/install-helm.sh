#!/usr/bin/env bash
# Installs Helm at .cache/bin/helm (git-ignored) for the offline preview's chart rendering and the tests that
# render charts. Uses $HELM or a helm on PATH when it is Helm 3.x; otherwise builds helm.sh/helm/v3/cmd/helm at
# the pinned version with `go` from the Go module proxy (no chart repository or release download is needed).
# Idempotent: a stamp records the version built; a second run prints nothing and exits 0.
# Cold build: ~3-5 min on 2 cores (docs/engine.md). Progress on stderr.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HELM_VERSION="v3.22.0"
BIN_DIR="$ROOT/.cache/bin"
STAMP="$BIN_DIR/.helm.stamp"
log() { printf '[install-helm %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [ -x "$BIN_DIR/helm" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$HELM_VERSION" ]; then
  exit 0
fi
for candidate in "${HELM:-}" "$(command -v helm 2>/dev/null || true)"; do
  if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" version --short 2>/dev/null | grep -q '^v3\.'; then
    mkdir -p "$BIN_DIR"
    ln -sf "$candidate" "$BIN_DIR/helm"
    echo "$HELM_VERSION" >"$STAMP"
    log "using $candidate ($("$candidate" version --short))"
    exit 0
  fi
done
[ -d /usr/local/go/bin ] && export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null 2>&1 || { log "ERROR: no helm and no go on PATH: install Go (https://go.dev/dl) or Helm 3, or set HELM"; exit 1; }
log "building helm $HELM_VERSION from the Go module proxy (cold: a few minutes on 2 cores)"
t0=$SECONDS
mkdir -p "$BIN_DIR"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# The version ldflag makes `helm version` report the real version (release builds set it the same way).
(cd "$tmp" && GOBIN="$tmp" GOFLAGS="-mod=mod -buildvcs=false" GOTOOLCHAIN=local go install -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION")
mv "$tmp/helm" "$BIN_DIR/helm"
echo "$HELM_VERSION" >"$STAMP"
log "helm $HELM_VERSION ready in $((SECONDS - t0)) s: $BIN_DIR/helm"
