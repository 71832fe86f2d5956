#!/usr/bin/env bash
# Installs the pinned tools the pipeline and CI run into .tools/bin (the CLI looks there first):
# kustomize at the version Argo CD bundles, so that what we check is what Argo CD renders,
# kubeconform, and the workflow linters actionlint (Go) and zizmor (PyPI). Versions live in
# package.json "config". Needs Go with its module proxy, and Python 3 with pip for zizmor.
# Idempotent: a tool already at its pinned version is left alone. With arguments, installs only
# the tools named (kustomize, kubeconform, actionlint, zizmor, istioctl).
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

default_tools=(kustomize kubeconform actionlint zizmor)
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
    istioctl) install istio.io/istio/istioctl/cmd/istioctl "$(version_of istioctlVersion)" istioctl ;;
    *) echo "install-tools.sh: unknown tool $tool (kustomize, kubeconform, actionlint, zizmor, istioctl; or --istioctl)" >&2; exit 2 ;;
  esac
done
