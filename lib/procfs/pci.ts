import { tryReadDir, tryReadFast } from './read.js';

/**
 * Whether sysfs shows a device a GPU lister could find: a PCI display controller (class 0x03xxxx:
 * VGA, 3D, display) or a device tree (SoC GPUs such as a Raspberry Pi's VideoCore are not on PCI).
 * undefined when sysfs has no PCI bus to look at (then only the lister itself can tell).
 */
export function mayHaveGpu(sysRoot: string, procRoot: string): boolean | undefined {
  const devices = `${sysRoot}/bus/pci/devices`;
  const entries = tryReadDir(devices);
  if (entries.length === 0) return undefined;
  if (tryReadDir(procRoot, 'device-tree').length > 0 || tryReadDir(sysRoot, 'firmware/devicetree').length > 0) return true;
  return entries.some((device) => tryReadFast(`${devices}/${device}/class`)?.startsWith('0x03') ?? false);
}
