#!/bin/sh
# Installs the Debian packages ampscope's build and tests need, when missing.
# Quick and silent when everything is already there.
set -e
PKGS="build-essential pkg-config libdnnl-dev libprotobuf-c-dev protobuf-c-compiler
libgraphviz-dev graphviz libcsv-dev libcmocka-dev libncurses-dev zlib1g-dev tmux
libxml2-utils python3 python3-yaml clang libclang-rt-14-dev"
missing=""
for p in $PKGS; do
    st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
echo "make deps: installing:$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "make deps: done"
