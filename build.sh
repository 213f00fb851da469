#!/usr/bin/env sh
# Builds widgets-service to ship, step by step as build.bat does on Windows:
#   dist/widgets-service.mjs          one self-contained file: node widgets-service.mjs [port]
#   dist/widgets-service-linux        a single executable that needs no Node (-macos on a Mac)
# Usage: ./build.sh [--node <path to the target platform's node binary>] [--no-sea]
#   --node  build the executable for another platform from that platform's official node binary
#           (the same Node version as the one running this script)
#   --no-sea  the bundle only
set -eu
cd "$(dirname "$0")"
started=$(date +%s)

echo "== 1/3 install the locked dependencies (npm ci; its prepare step compiles lib/ to dist/lib)"
npm ci --no-audit --no-fund

echo "== 2/3 type-check lib, spec, bench and examples (no tests run)"
npm run --silent typecheck

echo "== 3/3 bundle with esbuild, then the Node single executable with postject"
node scripts/build-dist.mjs "$@"

echo "build.sh finished in $(( $(date +%s) - started )) s"
