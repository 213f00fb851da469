// `mount` (macOS, BSD format): "/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)".
// Nothing is escaped: both the source ("map auto_home") and the mount point ("/Volumes/My Disk")
// may hold spaces. A source never contains " on " and the options never contain "(", so the source
// ends at the first " on " and the mount point at the last " (".

export interface DarwinMount {
  source: string;
  mountpoint: string;
  fstype: string;
  options: string[];
}

export function parseMountTable(text: string): DarwinMount[] {
  const mounts: DarwinMount[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const on = line.indexOf(' on ');
    const open = line.lastIndexOf(' (');
    if (on <= 0 || open <= on || !line.endsWith(')')) continue;
    const [fstype = '', ...options] = line.slice(open + 2, -1).split(',').map((s) => s.trim());
    mounts.push({ source: line.slice(0, on), mountpoint: line.slice(on + 4, open), fstype, options });
  }
  return mounts;
}

/**
 * The volumes a user would call disks. On APFS the sealed system volume ("/") and the data volume
 * (/System/Volumes/Data, where users' files are) share one container; both are kept. The other
 * /System/Volumes/* (VM, Preboot, Update, xarts, …) and /private/var/vm are internal volumes of the
 * same container and are left out, as are devfs, autofs maps and (unless asked) network shares.
 */
export function selectDarwinMounts(mounts: readonly DarwinMount[], isListed: (fstype: string, mountpoint: string) => boolean): DarwinMount[] {
  return mounts.filter((m) => {
    if (m.mountpoint.startsWith('/System/Volumes/') && m.mountpoint !== '/System/Volumes/Data') return false;
    if (m.mountpoint === '/private/var/vm') return false;
    if (m.source.startsWith('map ')) return false;
    return isListed(m.fstype, m.mountpoint);
  });
}
