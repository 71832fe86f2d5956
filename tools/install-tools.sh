#!/usr/bin/env bash
# Installs the pinned Go tools the pipeline runs into .tools/bin (the CLI looks there first):
# kustomize at the version Argo CD bundles, so that what we check is what Argo CD renders, and
# kubeconform. Versions live in package.json "config". Needs Go and its module proxy.
#   --istioctl  also builds istioctl from the pinned Istio module, for the differential suite
#               (npm run test:istioctl). Opt-in: it takes about 15 minutes on two cores.
set -euo pipefail
with_istioctl=false
for arg in "$@"; do
  case "$arg" in
    --istioctl) with_istioctl=true ;;
    *) echo "usage: bash tools/install-tools.sh [--istioctl]" >&2; exit 2 ;;
  esac
done
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

install sigs.k8s.io/kustomize/kustomize/v5 "$(version_of kustomizeVersion)" kustomize
install github.com/yannh/kubeconform/cmd/kubeconform "$(version_of kubeconformVersion)" kubeconform
if [ "$with_istioctl" = true ]; then
  install istio.io/istio/istioctl/cmd/istioctl "$(version_of istioctlVersion)" istioctl
fi
