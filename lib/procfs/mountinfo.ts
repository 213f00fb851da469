/** One line of /proc/<pid>/mountinfo (see proc(5)). */
export interface MountInfo {
  mountId: number;
  parentId: number;
  /** `major:minor` of the filesystem; bind mounts of one filesystem share it. */
  device: string;
  /** The directory of the filesystem that is mounted here ('/' unless a bind mount of a subdirectory). */
  root: string;
  mountpoint: string;
  fstype: string;
  /** What was mounted: '/dev/sda1', 'server:/export', 'tmpfs', … */
  source: string;
  superOptions: string;
}

export function parseMountinfo(text: string): MountInfo[] {
  const mounts: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    // Optional fields (shared:N, master:N) sit between field 6 and the ' - ' separator.
    const separator = line.indexOf(' - ');
    if (separator < 0) continue;
    const [mountId, parentId, device, root, mountpoint] = line.slice(0, separator).split(' ');
    const [fstype, source, superOptions = ''] = line.slice(separator + 3).split(' ');
    if (!mountId || !parentId || !device || !root || !mountpoint || !fstype || source === undefined) continue;
    mounts.push({
      mountId: Number(mountId),
      parentId: Number(parentId),
      device,
      root: unescapeOctal(root),
      mountpoint: unescapeOctal(mountpoint),
      fstype,
      source: unescapeOctal(source),
      superOptions,
    });
  }
  return mounts;
}

/** The kernel writes space, tab, newline and backslash in paths as \040, \011, \012, \134. */
function unescapeOctal(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}
