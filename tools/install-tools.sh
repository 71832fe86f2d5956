#!/usr/bin/env bash
# Installs the pinned tools the pipeline, its tests and CI run into .tools/bin (the CLI looks there
# first): kustomize at the version Argo CD bundles, so that what we check is what Argo CD renders,
# kubeconform, the workflow linters actionlint (Go) and zizmor (PyPI), and the binaries of the test
# harness, kube-apiserver and Argo CD (pinned by tools/harness/*/go.mod). Versions of the others
# live in package.json "config". Needs Go with its module proxy, and Python 3 with pip for zizmor.
# Idempotent: a tool already at its pinned version is left alone. With arguments, installs only
# the tools named (kustomize, kubeconform, actionlint, zizmor, kube-apiserver, argocd, istioctl).
#   --istioctl  the default tools, and istioctl built from the pinned Istio module for the
#               differential suite (npm run test:istioctl). Opt-in: about 15 minutes on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="$PWD/.tools/bin"
mkdir -p "$bin"

version_of() { node -p "require('./package.json').config.$1"; }

install() { # module version binary
  local module=$1 version=$2 binary=$3
  if [ -x "$bin/$binary" ] && go version -m "$bin/$binary" 2>/dev/null | grep -q "mod.*$version"; then
    echo "$binary $version already in .tools/bin"
    return
  fi
  echo "installing $binary $version (go install $module@$version)"
  GOBIN="$bin" GOTOOLCHAIN=auto GOFLAGS=-mod=mod go install "$module@$version"
}

# The test harness (tools/harness/README.md): kube-apiserver and Argo CD, built from the pinned
# go.mod in each tools/harness/<name>/ folder (the Go build cache makes a rebuild fast). A build
# is skipped when the binary's stamp (a hash of go.mod, go.sum and build.conf) is current; the
# tests refuse a missing or stale binary with the command to run.
harness_stamp() { cat "$1/go.mod" "$1/go.sum" "$1/build.conf" | sha256sum | cut -c1-64; }

build_harness() { # folder under tools/harness
  local dir="tools/harness/$1" binary package ldflags extra_module="" extra_file=""
  # shellcheck source=/dev/null
  . "$dir/build.conf"
  local stamp
  stamp=$(harness_stamp "$dir")
  if [ -x "$bin/$binary" ] && [ "$(cat "$bin/$binary.stamp" 2>/dev/null)" = "$stamp" ]; then
    echo "$binary (tools/harness/$1) already built"
    return
  fi
  echo "building $binary from tools/harness/$1/go.mod (go build $package; minutes the first time)"
  local started=$SECONDS
  rm -f "$bin/$binary.partial"
  (cd "$dir" && GOTOOLCHAIN=auto go build -o "$bin/$binary.partial" -ldflags "$ldflags" "$package")
  if [ -n "$extra_file" ]; then
    local module_dir
    module_dir=$(cd "$dir" && GOTOOLCHAIN=auto go list -m -f '{{.Dir}}' "$extra_module")
    command install -m 0755 "$module_dir/$extra_file" "$bin/$(basename "$extra_file")"
  fi
  mv "$bin/$binary.partial" "$bin/$binary"
  echo "$stamp" > "$bin/$binary.stamp"
  echo "built $binary in $((SECONDS - started)) s"
}

install_zizmor() { # version
  local version=$1 target="$PWD/.tools/python/zizmor-$1"
  if [ -x "$bin/zizmor" ] && [ "$("$bin/zizmor" --version 2>/dev/null)" = "zizmor $version" ]; then
    echo "zizmor $version already in .tools/bin"
    return
  fi
  echo "installing zizmor $version (pip install --target .tools/python/zizmor-$version)"
  rm -rf "$target"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --target "$target" "zizmor==$version"
  ln -sfn "../python/zizmor-$version/bin/zizmor" "$bin/zizmor"
}

default_tools=(kustomize kubeconform actionlint zizmor kube-apiserver argocd)
tools=()
for arg in "$@"; do
  case "$arg" in
    --istioctl) tools+=("${default_tools[@]}" istioctl) ;;
    *) tools+=("$arg") ;;
  esac
done
if [ ${#tools[@]} -eq 0 ]; then tools=("${default_tools[@]}"); fi
for tool in "${tools[@]}"; do
  case "$tool" in
    kustomize) install sigs.k8s.io/kustomize/kustomize/v5 "$(version_of kustomizeVersion)" kustomize ;;
    kubeconform) install github.com/yannh/kubeconform/cmd/kubeconform "$(version_of kubeconformVersion)" kubeconform ;;
    actionlint) install github.com/rhysd/actionlint/cmd/actionlint "$(version_of actionlintVersion)" actionlint ;;
    zizmor) install_zizmor "$(version_of zizmorVersion)" ;;
    kube-apiserver | argocd) build_harness "$tool" ;;
    istioctl) install istio.io/istio/istioctl/cmd/istioctl "$(version_of istioctlVersion)" istioctl ;;
    *) echo "install-tools.sh: unknown tool $tool (kustomize, kubeconform, actionlint, zizmor, kube-apiserver, argocd, istioctl; or --istioctl)" >&2; exit 2 ;;
  esac
done
