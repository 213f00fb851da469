#!/usr/bin/env sh
# Installs dependencies and compiles TypeScript to dist/. Run with: ./build.sh
set -eu
cd "$(dirname "$0")"
npm ci
npm run build
echo "built: run with  node dist/lib/cli.js [port]  or  npm start -- [port]"
