// Preload (node --require) for specs: when the process exits, writes the built-in modules it loaded
// (process.moduleLoadList) to MODULE_LIST_FILE, one per line.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  writeFileSync(process.env.MODULE_LIST_FILE, process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice('NativeModule '.length)).join('\n'));
});
