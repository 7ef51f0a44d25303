#!/usr/bin/env bash
# Installs what `npm run e2e` drives, each built with `go` from the Go module proxy, cached in .cache/ (git-ignored)
# and stamped, so a second run says "nothing to do":
#   engine         the Pulumi CLI, the Node.js language host and the Kubernetes provider (.cache/engine/<id>/bin);
#                  a `pulumi` already on PATH is used instead when its version fits
#   helm           scripts/install-helm.sh: helm.sh/helm/v3/cmd/helm v3.22.0 at .cache/bin/helm (the offline preview
#                  looks there)
#   control plane  kube-apiserver and kube-controller-manager (k8s.io/kubernetes, through the wrapper module
#                  scripts/engine/controlplane) and kine (etcd API on SQLite) in .cache/controlplane/<id>/bin
# Nothing is downloaded at run time afterwards: the provider is registered with `pulumi plugin install --file`.
#
# Versions and why (details and measured build times: docs/engine.md):
#   CLI            github.com/pulumi/pulumi/pkg/v3 v3.276.0   newest pkg/v3 the proxy serves (3.276.1, 3.277.0 and
#                                                             later answer 403); >= the npm SDK's 3.270.0
#   language host  scripts/engine/nodejs-host (this project)  the upstream module has no version on the proxy
#   kubernetes     github.com/pulumi/pulumi-kubernetes/provider/v4 at commit 867400a6a208 (v4.27.0 + 2 dependency
#                  bumps; pseudo-version): the newest provider/v4 whose module zip the proxy serves (the commits of
#                  tags v4.28.0 to v4.32.0 and the npm SDK's 4.34.2 answer 403)
#   random         scripts/engine/random-provider (this project): RandomPassword only; upstream is not on the proxy
#   kubernetes     k8s.io/kubernetes v1.35.8 (newest 1.35 patch served; staging modules at v0.35.8)
#   kine           github.com/k3s-io/kine v0.17.5 (newest served), pure-Go SQLite (CGO_ENABLED=0)
#
# Output: .cache/engine/current.env (PATH, PULUMI_HOME, HELM, the control plane's bin folder), progress on stderr.
# Env: ENGINE_FORCE_BUILD=1 ignores a pulumi on PATH; ENGINE_CONTROLPLANE=0 skips the control plane (the e2e then
# falls back to rendering manifests to a folder); GOMODCACHE/GOCACHE are honoured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CLI_VERSION="3.276.0"
K8S_PROVIDER_VERSION="4.27.0"
K8S_PROVIDER_MODULE="github.com/pulumi/pulumi-kubernetes/provider/v4"
K8S_PROVIDER_PSEUDO="v4.0.0-20260304044920-867400a6a208" # commit 867400a6a208 = tag v4.27.0 + 2 dependency bumps
# go.sum line of that module zip, recorded when first fetched: the sum database answers 404 for it, so we pin it here.
K8S_PROVIDER_SUM="h1:BUm20m00zERoF+LAaKFWYCHSpFpywU3Sno5TzwnbLHg="
KUBERNETES_VERSION="v1.35.8"
KINE_VERSION="v0.17.5"
# Helm renders without a cluster (renderYamlToDirectory, `helm template`) against its compiled-in default Kubernetes
# version, v1.20 unless set through Helm's documented LDFLAGS hook; upstream release binaries leave it, so charts that
# require kubeVersion >= 1.25 do not render offline. We set the platform's pinned Kubernetes minor (docs/engine.md).
HELM_KUBE_MINOR="35"
HELM_KUBE_LDFLAGS="-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_KUBE_MINOR"
# Modules whose checksums the sum database does not serve here; their hashes are pinned in the committed go.sum files.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/pulumi/pulumi-kubernetes,github.com/pulumi/cloud-ready-checks,github.com/pulumi/pulumi/pkg"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
export GOTOOLCHAIN=local

log() { printf '[install-engine %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
# Runs a build step, printing a progress line every minute (a cold build is silent for many minutes otherwise).
with_heartbeat() { # $1 = label, rest = command
  local label="$1" t0=$SECONDS
  shift
  # The heartbeat waits on its sleep with `wait`, so that SIGTERM ends it at once (and its sleep, by PID).
  (
    s=""
    trap '[ -z "$s" ] || kill "$s" 2>/dev/null; exit 0' TERM
    while :; do
      sleep 60 &
      s=$!
      wait "$s"
      log "[$label] still building ($((SECONDS - t0)) s)"
    done
  ) &
  local hb=$! rc=0
  "$@" || rc=$?
  kill "$hb" 2>/dev/null || true
  wait "$hb" 2>/dev/null || true
  return "$rc"
}

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
HELM_BIN="$ROOT/.cache/bin/helm"
CP_ID="k8s-${KUBERNETES_VERSION}_kine-${KINE_VERSION}"
CP_BIN="$ROOT/.cache/controlplane/$CP_ID/bin"
SUBSTITUTES="random provider: scripts/engine/random-provider stands in for pulumi-resource-random (not on the Go module proxy); language host: scripts/engine/nodejs-host stands in for upstream pulumi-language-nodejs (not on the Go module proxy); kubernetes provider $K8S_PROVIDER_VERSION stands in for $K8S_SDK_VERSION (the SDK's version is not on the proxy)"

CLI_HASH="$(printf '%s' "$CLI_VERSION" | cat - scripts/engine/cli/go.mod scripts/engine/cli/go.sum | sha256sum | cut -c1-16)"
HOST_HASH="$(printf '%s' "$CLI_VERSION" | cat - scripts/engine/nodejs-host/go.mod scripts/engine/nodejs-host/go.sum scripts/engine/nodejs-host/*.go | sha256sum | cut -c1-16)"
K8S_HASH="$(printf '%s %s %s %s' "$K8S_PROVIDER_VERSION" "$K8S_PROVIDER_PSEUDO" "$K8S_PROVIDER_SUM" "$HELM_KUBE_LDFLAGS" | cat - scripts/engine/kubernetes/go.mod scripts/engine/kubernetes/go.sum | sha256sum | cut -c1-16)"
RANDOM_HASH="$(sha256sum scripts/engine/random-provider/provider.js | cut -c1-16)"
CP_HASH="$(printf '%s' "$KUBERNETES_VERSION" | cat - scripts/engine/controlplane/go.mod scripts/engine/controlplane/go.sum | sha256sum | cut -c1-16)"
KINE_HASH="$(printf '%s cgo=0' "$KINE_VERSION" | sha256sum | cut -c1-16)"
stamp_file() { echo "$(dirname "$1")/.$(basename "$1").stamp"; }
stamp_ok() { # $1 = binary path, $2 = expected stamp
  [ -x "$1" ] && [ -f "$(stamp_file "$1")" ] && [ "$(cat "$(stamp_file "$1")")" = "$2" ]
}
stamp() { echo "$2" >"$(stamp_file "$1")"; }

version_ge() { # a >= b, both x.y.z
  [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n1)" = "$2" ]
}
need_go() { command -v go >/dev/null 2>&1 || die "go is not on PATH (the engine is built from Go modules)"; }

BUILD="$ROOT/.cache/engine/build"
start_all=$SECONDS
built_something=0

build_module() { # $1 = name (scripts/engine/<name>), $2 = output file or folder/, $3 = ldflags, rest = packages
  local name="$1" out="$2" ldflags="$3" dir="$BUILD/$1" t0=$SECONDS
  shift 3
  mkdir -p "$dir"
  cp "scripts/engine/$name/go.mod" "scripts/engine/$name/go.sum" "$dir/"
  log "[$name] downloading the modules of $* and compiling"
  (cd "$dir" && with_heartbeat "$name" go build -mod=mod -trimpath -ldflags "-s -w $ldflags" -o "$out" "$@")
  log "[$name] done in $((SECONDS - t0)) s"
}

log "npm SDKs: @pulumi/pulumi $SDK_VERSION, @pulumi/kubernetes $K8S_SDK_VERSION"

# ---- 1. Engine -------------------------------------------------------------------------------------------------
ENGINE_KIND=""
ENGINE_PATH=""
ENGINE_SUBS=""
# A pulumi on PATH whose version fits (>= the npm SDK's version) is used as it is, with its own language host.
if [ "${ENGINE_FORCE_BUILD:-0}" != "1" ] && command -v pulumi >/dev/null 2>&1; then
  ambient="$(pulumi version 2>/dev/null | sed 's/^v//')" || ambient=""
  if [ -n "$ambient" ] && version_ge "${ambient%%-*}" "$SDK_VERSION"; then
    log "using pulumi $ambient from PATH ($(command -v pulumi)): it fits @pulumi/pulumi $SDK_VERSION"
    mkdir -p "$HOME_DIR"
    if PULUMI_HOME="$HOME_DIR" pulumi plugin ls 2>/dev/null | grep -Eq "^kubernetes +resource +$K8S_SDK_VERSION "; then
      log "kubernetes provider $K8S_SDK_VERSION already installed in $HOME_DIR"
      ENGINE_KIND="path:$ambient"
      ENGINE_PATH="$(dirname "$(command -v pulumi)")"
    else
      log "no kubernetes provider $K8S_SDK_VERSION installed in $HOME_DIR; building ours from the Go module proxy"
    fi
  else
    log "pulumi on PATH is ${ambient:-of unknown version}; need >= $SDK_VERSION: building from Go modules"
  fi
fi

registered() {
  PULUMI_HOME="$HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin ls 2>/dev/null \
    | grep -Eq "^kubernetes +resource +$K8S_PROVIDER_VERSION "
}
if [ -z "$ENGINE_KIND" ]; then
  ENGINE_KIND="built:$CLI_VERSION"
  ENGINE_PATH="$BIN"
  ENGINE_SUBS="$SUBSTITUTES"
  if stamp_ok "$BIN/pulumi" "$CLI_HASH" && stamp_ok "$BIN/pulumi-language-nodejs" "$HOST_HASH" \
    && stamp_ok "$BIN/pulumi-resource-kubernetes" "$K8S_HASH" && stamp_ok "$BIN/pulumi-resource-random" "$RANDOM_HASH" && registered; then
    log "[engine] $ENGINE_ID up to date in .cache/engine"
  else
    need_go
    log "[engine] building what is missing or stale of $ENGINE_ID with $(go version | cut -d' ' -f3) (cold: ~25 min of CPU; docs/engine.md)"
    built_something=1
    mkdir -p "$BIN" "$BUILD"

    # CLI.
    if stamp_ok "$BIN/pulumi" "$CLI_HASH"; then
      log "[cli] pulumi $CLI_VERSION up to date"
    else
      build_module cli "$BIN/pulumi.tmp" "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$CLI_VERSION" \
        github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
      mv "$BIN/pulumi.tmp" "$BIN/pulumi"
      stamp "$BIN/pulumi" "$CLI_HASH"
    fi

    # Node.js language host (this project's stand-in, built against the CLI's sdk/v3).
    if stamp_ok "$BIN/pulumi-language-nodejs" "$HOST_HASH"; then
      log "[nodejs-host] up to date"
    else
      t0=$SECONDS
      log "[nodejs-host] compiling scripts/engine/nodejs-host"
      (cd scripts/engine/nodejs-host && with_heartbeat nodejs-host go build -mod=readonly -trimpath \
        -ldflags "-s -w -X main.version=${CLI_VERSION}-agent-platform" -o "$BIN/pulumi-language-nodejs.tmp" .)
      mv "$BIN/pulumi-language-nodejs.tmp" "$BIN/pulumi-language-nodejs"
      stamp "$BIN/pulumi-language-nodejs" "$HOST_HASH"
      log "[nodejs-host] done in $((SECONDS - t0)) s"
    fi

    # Kubernetes provider. Its main package embeds schema-embed.json and terraform-mapping-embed.json, which upstream
    # generates at build time (cmd/pulumi-resource-kubernetes/generate.go): we extract the module zip, generate the
    # two files the same way (schema.json with its version set; the mapping minified), build through a local replace.
    if stamp_ok "$BIN/pulumi-resource-kubernetes" "$K8S_HASH"; then
      log "[kubernetes] provider $K8S_PROVIDER_VERSION up to date"
    else
      t0=$SECONDS
      log "[kubernetes] fetching $K8S_PROVIDER_MODULE@$K8S_PROVIDER_PSEUDO (tag v$K8S_PROVIDER_VERSION + 2 commits)"
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
      (cd "$kdir" && with_heartbeat kubernetes go build -mod=mod -trimpath \
        -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION $HELM_KUBE_LDFLAGS" \
        -o "$BIN/pulumi-resource-kubernetes.tmp" github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes)
      mv "$BIN/pulumi-resource-kubernetes.tmp" "$BIN/pulumi-resource-kubernetes"
      stamp "$BIN/pulumi-resource-kubernetes" "$K8S_HASH"
      log "[kubernetes] done in $((SECONDS - t0)) s"
    fi

    # Random provider: a launcher for this project's stand-in (scripts/engine/random-provider/provider.js); the
    # upstream provider cannot be had from the module proxy. Found on PATH by the engine (an "ambient" plugin).
    printf '%s\n' '#!/usr/bin/env bash' \
      '# Written by scripts/install-engine.sh: the agent-platform stand-in for pulumi-resource-random (docs/engine.md).' \
      "exec node \"$ROOT/scripts/engine/random-provider/provider.js\" \"\$@\"" >"$BIN/pulumi-resource-random"
    chmod +x "$BIN/pulumi-resource-random"
    stamp "$BIN/pulumi-resource-random" "$RANDOM_HASH"
    log "[random] stand-in provider launcher written"

    # Register the provider so that the engine never tries to download it.
    mkdir -p "$HOME_DIR"
    log "[engine] registering kubernetes $K8S_PROVIDER_VERSION: pulumi plugin install resource kubernetes $K8S_PROVIDER_VERSION --file ..."
    PULUMI_HOME="$HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true "$BIN/pulumi" plugin install resource kubernetes \
      "$K8S_PROVIDER_VERSION" --file "$BIN/pulumi-resource-kubernetes" --reinstall --non-interactive >&2
    "$BIN/pulumi" version >"$ENGINE_DIR/VERSION"
    log "[engine] ready: $BIN (pulumi $(cat "$ENGINE_DIR/VERSION"))"
  fi
fi

# ---- 2. Helm ---------------------------------------------------------------------------------------------------
# scripts/install-helm.sh (shared with `npm test` and the offline preview): $HELM or a Helm 3 on PATH, else
# helm.sh/helm/v3/cmd/helm at its pinned version built from the Go module proxy, at .cache/bin/helm (stamped).
t0=$SECONDS
log "[helm] scripts/install-helm.sh"
with_heartbeat helm bash scripts/install-helm.sh
[ -x "$HELM_BIN" ] || die "scripts/install-helm.sh did not install $HELM_BIN"
log "[helm] $("$HELM_BIN" version --short) at .cache/bin/helm ($((SECONDS - t0)) s)"

# ---- 3. Control plane ------------------------------------------------------------------------------------------
# kube-apiserver and kube-controller-manager: k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces its 31
# staging modules with ./staging paths), so scripts/engine/controlplane/go.mod requires it and replaces each staging
# module with its published release of the same version. kine: pure Go (modernc.org/sqlite), no C toolchain needed.
CP_READY=""
if [ "${ENGINE_CONTROLPLANE:-1}" = "0" ]; then
  log "[controlplane] skipped (ENGINE_CONTROLPLANE=0): the e2e renders manifests to a folder instead"
else
  need_go
  mkdir -p "$CP_BIN" "$BUILD"
  if stamp_ok "$CP_BIN/kube-apiserver" "$CP_HASH" && stamp_ok "$CP_BIN/kube-controller-manager" "$CP_HASH"; then
    log "[controlplane] kube-apiserver and kube-controller-manager $KUBERNETES_VERSION up to date"
  else
    built_something=1
    minor="${KUBERNETES_VERSION#v1.}"
    minor="${minor%%.*}"
    build_module controlplane "$CP_BIN/" \
      "-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager
    stamp "$CP_BIN/kube-apiserver" "$CP_HASH"
    stamp "$CP_BIN/kube-controller-manager" "$CP_HASH"
  fi
  if stamp_ok "$CP_BIN/kine" "$KINE_HASH"; then
    log "[kine] $KINE_VERSION up to date"
  else
    built_something=1
    t0=$SECONDS
    log "[kine] go install github.com/k3s-io/kine@$KINE_VERSION (CGO_ENABLED=0: SQLite in pure Go)"
    with_heartbeat kine env GOBIN="$CP_BIN" CGO_ENABLED=0 \
      go install -trimpath -ldflags "-s -w -X github.com/k3s-io/kine/pkg/version.Version=$KINE_VERSION" "github.com/k3s-io/kine@$KINE_VERSION"
    stamp "$CP_BIN/kine" "$KINE_HASH"
    log "[kine] done in $((SECONDS - t0)) s"
  fi
  CP_READY="$CP_BIN"
fi

mkdir -p "$(dirname "$CURRENT_ENV")"
cat >"$CURRENT_ENV" <<ENVFILE
# Written by scripts/install-engine.sh: source this file to use the engine.
export PATH="$ENGINE_PATH:\$PATH"
export PULUMI_HOME="$HOME_DIR"
export HELM="$HELM_BIN"
export AGENT_PLATFORM_ENGINE="$ENGINE_KIND"
export AGENT_PLATFORM_ENGINE_SUBSTITUTES="$ENGINE_SUBS"
export AGENT_PLATFORM_CONTROLPLANE_BIN="$CP_READY"
export AGENT_PLATFORM_KUBERNETES_VERSION="$KUBERNETES_VERSION"
ENVFILE
if [ "$built_something" = "0" ]; then
  log "everything up to date: nothing to do"
else
  log "all built in $((SECONDS - start_all)) s"
fi
[ -z "$ENGINE_SUBS" ] || log "substitutes: $ENGINE_SUBS"
