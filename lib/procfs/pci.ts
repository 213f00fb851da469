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

/** Where distributions keep the PCI id database (hwdata, pciutils). */
export const PCI_IDS_FILES: readonly string[] = ['/usr/share/hwdata/pci.ids', '/usr/share/misc/pci.ids', '/usr/share/pci.ids'];

/**
 * The device's name in a pci.ids text: vendor lines start at column 0 (`8086  Intel Corporation`),
 * their devices follow one tab in (`\t56a0  DG2 [Arc A770]`). Ids are hex without 0x, any case.
 */
export function pciDeviceName(ids: string, vendor: string, device: string): string | null {
  const v = vendor.replace(/^0x/i, '').toLowerCase();
  const d = device.replace(/^0x/i, '').toLowerCase();
  const vendorAt = ids.search(new RegExp(`^${v}  `, 'm'));
  if (vendorAt < 0) return null;
  const next = ids.slice(vendorAt + 1).search(/^[0-9a-f]{4}  /m);
  const block = next < 0 ? ids.slice(vendorAt) : ids.slice(vendorAt, vendorAt + 1 + next);
  const m = new RegExp(`^\\t${d}  (.+)$`, 'm').exec(block);
  return m ? m[1]!.trim() : null;
}

let pciIds: string | null | undefined;

/** The device's name from the system's pci.ids (read once), or null when there is none. */
export function lookupPciName(vendor: string, device: string, files: readonly string[] = PCI_IDS_FILES): string | null {
  if (pciIds === undefined) pciIds = files.map((f) => tryReadFast(f)).find((t) => t !== undefined) ?? null;
  return pciIds ? pciDeviceName(pciIds, vendor, device) : null;
}
