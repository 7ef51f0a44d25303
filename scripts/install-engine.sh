#!/usr/bin/env bash
# Installs the Pulumi engine that `npm run e2e` drives: the CLI, the Node.js language host and the Kubernetes
# provider. Uses a `pulumi` already on PATH when its version fits; otherwise builds all three with `go` from the
# Go module proxy into .cache/engine/<id>/bin (git-ignored). Idempotent: a second run checks a stamp and stops.
# Nothing is downloaded at run time afterwards: the provider is registered with `pulumi plugin install --file`.
#
# Versions and why (details and measured build times: docs/engine.md):
#   CLI            github.com/pulumi/pulumi/pkg/v3 v3.259.0   newest pkg/v3 the proxy serves (3.260.0 and later,
#                                                             up to the npm SDK's 3.270.0, answer 403)
#   language host  scripts/engine/nodejs-host (this project)  the upstream module has no version on the proxy
#   kubernetes     github.com/pulumi/pulumi-kubernetes/provider/v4 at the v4.25.0 tag (pseudo-version); the only
#                  provider/v4 version the proxy serves (4.26 up to the npm SDK's 4.34.2 answer 403)
#   random         scripts/engine/random-provider (this project): RandomPassword only; upstream is not on the proxy
#
# Output: .cache/engine/current.env (PATH and PULUMI_HOME to source), progress on stderr.
# Env: ENGINE_FORCE_BUILD=1 ignores a pulumi on PATH; GOMODCACHE/GOCACHE are honoured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLI_VERSION="3.259.0"
K8S_PROVIDER_VERSION="4.25.0"
K8S_PROVIDER_MODULE="github.com/pulumi/pulumi-kubernetes/provider/v4"
K8S_PROVIDER_PSEUDO="v4.0.0-20260115033456-f47bc2d6f199" # commit f47bc2d6f199 = tag v4.25.0
# go.sum line of that module zip, recorded when first fetched: the sum database answers 404 for it, so we pin it here.
K8S_PROVIDER_SUM="h1:j2bphCf7c2YhnBrhwht2f3TNRRgcMImltUlAgzxr9H4="
# Helm renders without a cluster (renderYamlToDirectory) against its compiled-in default Kubernetes version, v1.20
# unless set through Helm's documented LDFLAGS hook; upstream release binaries leave it, so charts that require
# kubeVersion >= 1.25 do not render offline. We set the project's pinned Kubernetes version (docs/engine.md).
HELM_KUBE_MINOR="35"
HELM_KUBE_LDFLAGS="-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_KUBE_MINOR"
# Modules whose checksums the sum database does not serve here; their hashes are pinned in the committed go.sum files.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes,github.com/pulumi/cloud-ready-checks,github.com/pulumi/pulumi/pkg"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export GOTOOLCHAIN=local

log() { printf '[install-engine %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

json_version() { node -p "require('$1').version"; }
SDK_VERSION="$(json_version ./node_modules/@pulumi/pulumi/package.json)" || die "run npm ci first (no node_modules/@pulumi/pulumi)"
K8S_SDK_VERSION="$(json_version ./node_modules/@pulumi/kubernetes/package.json)" || die "run npm ci first (no node_modules/@pulumi/kubernetes)"

# One folder per set of versions; inside it each binary carries a stamp of its own build inputs, so changing one
# input (say the language host's source) rebuilds that binary only, and an unchanged engine is never rebuilt.
ENGINE_ID="cli-${CLI_VERSION}_k8s-${K8S_PROVIDER_VERSION}"
ENGINE_DIR="$ROOT/.cache/engine/$ENGINE_ID"
BIN="$ENGINE_DIR/bin"
HOME_DIR="$ROOT/.cache/engine/pulumi-home"
CURRENT_ENV="$ROOT/.cache/engine/current.env"
SUBSTITUTES="random provider: scripts/engine/random-provider stands in for pulumi-resource-random (not on the Go module proxy); language host: scripts/engine/nodejs-host stands in for upstream pulumi-language-nodejs (not on the Go module proxy); kubernetes provider $K8S_PROVIDER_VERSION stands in for $K8S_SDK_VERSION (the SDK's version is not on the proxy); CLI $CLI_VERSION for $SDK_VERSION"

CLI_HASH="$(printf '%s' "$CLI_VERSION" | cat - scripts/engine/cli/go.mod scripts/engine/cli/go.sum | sha256sum | cut -c1-16)"
HOST_HASH="$(printf '%s' "$CLI_VERSION" | cat - scripts/engine/nodejs-host/go.mod scripts/engine/nodejs-host/go.sum scripts/engine/nodejs-host/*.go | sha256sum | cut -c1-16)"
K8S_HASH="$(printf '%s %s %s %s' "$K8S_PROVIDER_VERSION" "$K8S_PROVIDER_PSEUDO" "$K8S_PROVIDER_SUM" "$HELM_KUBE_LDFLAGS" | cat - scripts/engine/kubernetes/go.mod scripts/engine/kubernetes/go.sum | sha256sum | cut -c1-16)"
RANDOM_HASH="$(sha256sum scripts/engine/random-provider/provider.js | cut -c1-16)"
stamp_ok() { [ -x "$BIN/$1" ] && [ -f "$BIN/.$1.stamp" ] && [ "$(cat "$BIN/.$1.stamp")" = "$2" ]; }

write_env() { # $1 = bin dir to put first on PATH, $2 = kind of engine, $3 = substitutes
  mkdir -p "$(dirname "$CURRENT_ENV")"
  cat >"$CURRENT_ENV" <<EOF
# Written by scripts/install-engine.sh: source this file to use the engine.
export PATH="$1:\$PATH"
export PULUMI_HOME="$HOME_DIR"
export AGENT_PLATFORM_ENGINE="$2"
export AGENT_PLATFORM_ENGINE_SUBSTITUTES="$3"
EOF
}

version_ge() { # a >= b, both x.y.z
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}

log "npm SDKs: @pulumi/pulumi $SDK_VERSION, @pulumi/kubernetes $K8S_SDK_VERSION"

# 1. A pulumi on PATH whose version fits (>= the npm SDK's version) is used as it is, with its own language host.
if [ "${ENGINE_FORCE_BUILD:-0}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
  ambient="$(pulumi version 2>/dev/null | sed 's/^v//')" || ambient=""
  if [ -n "$ambient" ] && version_ge "${ambient%%-*}" "$SDK_VERSION"; then
    log "using pulumi $ambient from PATH ($(command -v pulumi)): it fits @pulumi/pulumi $SDK_VERSION"
    mkdir -p "$HOME_DIR"
    if PULUMI_HOME="$HOME_DIR" pulumi plugin ls 2>/dev/null | grep -Eq "^kubernetes +resource +$K8S_SDK_VERSION "; then
      log "kubernetes provider $K8S_SDK_VERSION already installed in $HOME_DIR"
      write_env "$(dirname "$(command -v pulumi)")" "path:$ambient" ""
      exit 0
    fi
    log "no kubernetes provider $K8S_SDK_VERSION installed; building ours from the Go module proxy"
  else
    log "pulumi on PATH is ${ambient:-of unknown version}; need >= $SDK_VERSION: building from Go modules"
  fi
fi

registered() {
  PULUMI_HOME="$HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin ls 2>/dev/null \
    | grep -Eq "^kubernetes +resource +$K8S_PROVIDER_VERSION "
}
if stamp_ok pulumi "$CLI_HASH" && stamp_ok pulumi-language-nodejs "$HOST_HASH" \
  && stamp_ok pulumi-resource-kubernetes "$K8S_HASH" && stamp_ok pulumi-resource-random "$RANDOM_HASH" && registered; then
  log "engine $ENGINE_ID already installed in .cache/engine and up to date: nothing to do"
  write_env "$BIN" "built:$CLI_VERSION" "$SUBSTITUTES"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "go is not on PATH (the engine is built from Go modules)"
log "building what is missing or stale of engine $ENGINE_ID with $(go version | cut -d' ' -f3) (cold: ~10-15 min on 2 cores; see docs/engine.md)"
BUILD="$ROOT/.cache/engine/build"
mkdir -p "$BIN" "$BUILD"
start_all=$SECONDS

build_module() { # $1 = name (scripts/engine/<name>), $2 = package, $3 = output, $4 = ldflags
  local name="$1" pkg="$2" out="$3" ldflags="$4" dir="$BUILD/$1" t0=$SECONDS
  mkdir -p "$dir"
  cp "scripts/engine/$name/go.mod" "scripts/engine/$name/go.sum" "$dir/"
  log "[$name] downloading the modules $pkg needs and compiling it"
  (cd "$dir" && go build -mod=mod -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp" "$pkg")
  mv "$out.tmp" "$out"
  log "[$name] done in $((SECONDS - t0)) s: $out"
}

# CLI.
if stamp_ok pulumi "$CLI_HASH"; then
  log "[cli] pulumi $CLI_VERSION up to date"
else
  build_module cli github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$BIN/pulumi" \
    "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$CLI_VERSION"
  echo "$CLI_HASH" >"$BIN/.pulumi.stamp"
fi

# Node.js language host (this project's stand-in, built against the CLI's sdk/v3).
if stamp_ok pulumi-language-nodejs "$HOST_HASH"; then
  log "[nodejs-host] up to date"
else
  t0=$SECONDS
  log "[nodejs-host] compiling scripts/engine/nodejs-host"
  (cd scripts/engine/nodejs-host && go build -mod=readonly -trimpath \
    -ldflags "-s -w -X main.version=${CLI_VERSION}-agent-platform" -o "$BIN/pulumi-language-nodejs.tmp" .)
  mv "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
  echo "$HOST_HASH" >"$BIN/.pulumi-language-nodejs.stamp"
  log "[nodejs-host] done in $((SECONDS - t0)) s"
fi

# Kubernetes provider. Its main package embeds schema-embed.json and terraform-mapping-embed.json, which upstream
# generates at build time (cmd/pulumi-resource-kubernetes/generate.go): we extract the module zip, generate the two
# files the same way (schema.json with its version set; the mapping minified) and build through a local replace.
if stamp_ok pulumi-resource-kubernetes "$K8S_HASH"; then
  log "[kubernetes] provider $K8S_PROVIDER_VERSION up to date"
else
  t0=$SECONDS
  log "[kubernetes] fetching $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO (tag v$K8S_PROVIDER_VERSION)"
  kdir="$BUILD/kubernetes"
  mkdir -p "$kdir"
  dl="$(cd "$BUILD" && go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO" || true)"
  ksum="$(node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8")); if(j.Error){console.error(j.Error);process.exit(1)} console.log(j.Sum)' <<<"$dl")"
  [ "$ksum" = "$K8S_PROVIDER_SUM" ] || die "kubernetes provider module hash $ksum != pinned $K8S_PROVIDER_SUM"
  ksrc="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(0,"utf8")).Dir)' <<<"$dl")"
  rm -rf "$kdir/src" && mkdir -p "$kdir/src" && cp -R "$ksrc" "$kdir/src/provider" && chmod -R u+w "$kdir/src/provider"
  node -e '
  const fs = require("fs"); const [dir, version] = process.argv.slice(1);
  const schema = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8")); schema.version = version;
  fs.writeFileSync(dir + "/schema-embed.json", JSON.stringify(schema));
  fs.writeFileSync(dir + "/terraform-mapping-embed.json",
    JSON.stringify(JSON.parse(fs.readFileSync(dir + "/terraform-mapping.json", "utf8"))));
  ' "$kdir/src/provider/cmd/pulumi-resource-kubernetes" "$K8S_PROVIDER_VERSION"
  cp scripts/engine/kubernetes/go.mod scripts/engine/kubernetes/go.sum "$kdir/"
  log "[kubernetes] compiling (the largest of the three)"
  (cd "$kdir" && go build -mod=mod -trimpath \
    -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION $HELM_KUBE_LDFLAGS" \
    -o "$BIN/pulumi-resource-kubernetes.tmp" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes)
  mv "$BIN/pulumi-resource-kubernetes.tmp" "$BIN/pulumi-resource-kubernetes"
  echo "$K8S_HASH" >"$BIN/.pulumi-resource-kubernetes.stamp"
  log "[kubernetes] done in $((SECONDS - t0)) s"
fi

# Random provider: a launcher for this project's stand-in (scripts/engine/random-provider/provider.js); the
# upstream provider cannot be had from the module proxy. Found on PATH by the engine (an "ambient" plugin).
printf '%s\n' '#!/usr/bin/env bash' \
  '# Written by scripts/install-engine.sh: the agent-platform stand-in for pulumi-resource-random (docs/engine.md).' \
  "exec node \"$ROOT/scripts/engine/random-provider/provider.js\" \"\$@\"" >"$BIN/pulumi-resource-random"
chmod +x "$BIN/pulumi-resource-random"
echo "$RANDOM_HASH" >"$BIN/.pulumi-resource-random.stamp"
log "[random] stand-in provider launcher written"

# Register the provider so that the engine never tries to download it.
mkdir -p "$HOME_DIR"
log "registering kubernetes $K8S_PROVIDER_VERSION: pulumi plugin install resource kubernetes $K8S_PROVIDER_VERSION --file ..."
PULUMI_HOME="$HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin install resource kubernetes \
  "$K8S_PROVIDER_VERSION" --file "$BIN/pulumi-resource-kubernetes" --reinstall --non-interactive >&2

"$BIN/pulumi" version >"$ENGINE_DIR/VERSION"
write_env "$BIN" "built:$CLI_VERSION" "$SUBSTITUTES"
log "engine ready in $((SECONDS - start_all)) s: $BIN (pulumi $(cat "$ENGINE_DIR/VERSION"))"
log "substitutes: $SUBSTITUTES"
