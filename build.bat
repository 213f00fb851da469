@echo off
REM Builds widgets-service to ship, step by step as build.sh does on Linux and macOS:
REM   dist\widgets-service.mjs           one self-contained file: node widgets-service.mjs [port]
REM   dist\widgets-service-windows.exe   a single executable that needs no Node
REM Usage: build.bat [--node PATH-TO-THE-TARGET-PLATFORM'S-NODE] [--no-sea]
REM   --node  build the executable for another platform from that platform's official node binary
REM           (the same Node version as the one running this script)
REM   --no-sea  the bundle only
setlocal
cd /d "%~dp0"

echo == 1/3 install the locked dependencies (npm ci; its prepare step compiles lib/ to dist/lib)
call npm ci --no-audit --no-fund || exit /b 1

echo == 2/3 type-check lib, spec, bench and examples (no tests run)
call npm run --silent typecheck || exit /b 1

echo == 3/3 bundle with esbuild, then the Node single executable with postject
node scripts\build-dist.mjs %* || exit /b 1

echo build.bat finished
