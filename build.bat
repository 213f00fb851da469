@echo off
REM Installs dependencies and compiles TypeScript to dist\. Run with: build.bat
cd /d "%~dp0"
call npm ci || exit /b 1
call npm run build || exit /b 1
echo built: run with  node dist\lib\cli.js [port]  or  npm start -- [port]
