#!/usr/bin/env bash
# Installs the pinned Go tools the pipeline runs into .tools/bin (the CLI looks there first):
# kustomize at the version Argo CD bundles, so that what we check is what Argo CD renders, and
# kubeconform (versions in package.json "config"); and the binaries of the test harness,
# kube-apiserver and Argo CD (pinned by tools/harness/*/go.mod). Needs Go and its module proxy.
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

install sigs.k8s.io/kustomize/kustomize/v5 "$(version_of kustomizeVersion)" kustomize
install github.com/yannh/kubeconform/cmd/kubeconform "$(version_of kubeconformVersion)" kubeconform

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

build_harness kube-apiserver
build_harness argocd
