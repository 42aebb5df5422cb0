#!/usr/bin/env bash
# Puts Node.js >= 22.12 first on PATH, as hosted CI's setup-node step does.
# When the node on PATH is older, Node 24 is installed from the npm registry's
# `node` package into a cache directory (PARLEY_NODE_CACHE, default
# ~/.cache/parley-node) and that directory is put first on PATH.
# Use: `source scripts/setup-node.sh` (or `eval "$(scripts/setup-node.sh --print)"`).
parley_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)' 2>/dev/null
}
parley_setup_node() {
  if parley_node_ok; then return 0; fi
  local cache="${PARLEY_NODE_CACHE:-$HOME/.cache/parley-node}"
  local bin="$cache/node_modules/.bin"
  if ! PATH="$bin:$PATH" parley_node_ok; then
    echo "setup-node: node $(node --version 2>/dev/null || echo missing) is older than 22.12; installing Node 24 into $cache" >&2
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error node@24 >&2 || return 1
    if ! PATH="$bin:$PATH" parley_node_ok; then
      # The `node` package's preinstall fetches the platform package; when install
      # scripts are not run, install the platform package directly.
      local plat
      plat="node-$(uname -s | tr '[:upper:]' '[:lower:]')-$(uname -m | sed -e 's/x86_64/x64/' -e 's/aarch64/arm64/')"
      npm install --prefix "$cache" --no-audit --no-fund --loglevel=error "$plat@24" >&2 || return 1
      ln -sf "../$plat/bin/node" "$bin/node"
    fi
  fi
  export PATH="$bin:$PATH"
  parley_node_ok || { echo "setup-node: could not provide Node >= 22.12" >&2; return 1; }
}
if [ "${1:-}" = "--print" ]; then
  parley_setup_node >&2 && echo "export PATH=\"$(dirname "$(command -v node)"):\$PATH\""
else
  parley_setup_node
fi
