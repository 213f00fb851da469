# widgets-service Windows agent: one long-lived Windows PowerShell 5.1 process per monitor
# subscription, answering one JSON line per request line on stdin (protocol: protocol.ts).
# Everything runs through .NET and Win32 APIs compiled once with Add-Type (C# 5: PowerShell 5.1
# compiles with the .NET Framework's csc): no WMI/CIM, no performance counters (their names are
# localized), no process started per request. It ends by itself when its stdin closes, so it
# cannot outlive the service; nvidia-smi children handed to it ("adopt") are put in a Job Object
# that kills them when this process ends, whatever way it ends.
$ErrorActionPreference = 'Stop'
Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using System.Text;

public static class WidgetsAgent
{
    static string Str(string s)
    {
        if (s == null) return "null";
        var b = new StringBuilder(s.Length + 2);
        b.Append('"');
        foreach (char c in s)
        {
            if (c == '"') b.Append("\\\"");
            else if (c == '\\') b.Append("\\\\");
            else if (c < ' ') b.Append("\\u").Append(((int)c).ToString("x4"));
            else b.Append(c);
        }
        return b.Append('"').ToString();
    }

    static string Num(long n) { return n.ToString(System.Globalization.CultureInfo.InvariantCulture); }

    // Every process it may open: pid, name, CPU time (ms), working set (bytes), start time (ms
    // since 1970, to tell a reused pid from the process before). System, Idle and protected
    // services refuse OpenProcess; they are skipped, as Task Manager's non-admin view does.
    public static string Processes()
    {
        var b = new StringBuilder("[");
        bool first = true;
        foreach (Process p in Process.GetProcesses())
        {
            try
            {
                long cpu = (long)p.TotalProcessorTime.TotalMilliseconds;
                long started = (long)(p.StartTime.ToUniversalTime() - new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalMilliseconds;
                string item = "{\"pid\":" + Num(p.Id) + ",\"name\":" + Str(p.ProcessName) + ",\"cpuMs\":" + Num(cpu)
                    + ",\"workingSet\":" + Num(p.WorkingSet64) + ",\"startedMs\":" + Num(started) + "}";
                if (!first) b.Append(',');
                b.Append(item);
                first = false;
            }
            catch (Exception) { }
            finally { p.Dispose(); }
        }
        return b.Append(']').ToString();
    }

    // Cumulative counters per interface (64-bit, IPv4 and IPv6 together).
    public static string Network()
    {
        var b = new StringBuilder("[");
        bool first = true;
        foreach (NetworkInterface ni in NetworkInterface.GetAllNetworkInterfaces())
        {
            try
            {
                IPInterfaceStatistics s = ni.GetIPStatistics();
                string item = "{\"name\":" + Str(ni.Name) + ",\"bytesRecv\":" + Num(s.BytesReceived) + ",\"bytesSent\":" + Num(s.BytesSent)
                    + ",\"packetsRecv\":" + Num(s.UnicastPacketsReceived + s.NonUnicastPacketsReceived)
                    + ",\"packetsSent\":" + Num(s.UnicastPacketsSent + s.NonUnicastPacketsSent)
                    + ",\"up\":" + (ni.OperationalStatus == OperationalStatus.Up ? "true" : "false") + "}";
                if (!first) b.Append(',');
                b.Append(item);
                first = false;
            }
            catch (Exception) { }
        }
        return b.Append(']').ToString();
    }

    // The drive list and each local drive's file system. Sizes are not asked here: the service
    // reads them with fs.statfs per drive, each with its own deadline. A network drive is not
    // asked anything (GetVolumeInformation on a dead server hangs): its format is null.
    public static string Drives()
    {
        var b = new StringBuilder("[");
        bool first = true;
        foreach (DriveInfo d in DriveInfo.GetDrives())
        {
            string type = d.DriveType.ToString();
            string format = null;
            if (d.DriveType != DriveType.Network && d.DriveType != DriveType.NoRootDirectory)
            {
                try { if (d.IsReady) format = d.DriveFormat; } catch (Exception) { }
            }
            if (!first) b.Append(',');
            b.Append("{\"name\":" + Str(d.Name) + ",\"type\":" + Str(type) + ",\"format\":" + Str(format) + "}");
            first = false;
        }
        return b.Append(']').ToString();
    }

    [StructLayout(LayoutKind.Sequential)]
    struct SYSTEM_INFO
    {
        public ushort wProcessorArchitecture; public ushort wReserved; public uint dwPageSize;
        public IntPtr lpMinimumApplicationAddress; public IntPtr lpMaximumApplicationAddress;
        public UIntPtr dwActiveProcessorMask; public uint dwNumberOfProcessors; public uint dwProcessorType;
        public uint dwAllocationGranularity; public ushort wProcessorLevel; public ushort wProcessorRevision;
    }
    [DllImport("kernel32.dll")] static extern void GetSystemInfo(out SYSTEM_INFO info);
    [DllImport("ntdll.dll")] static extern int NtQuerySystemInformation(int cls, IntPtr buffer, int length, out int returned);

    // Page files (SystemPageFileInformation = 18, as gopsutil's SwapDevices): TotalSize and
    // TotalInUse are in pages. No page file: an empty list.
    public static string Swap()
    {
        SYSTEM_INFO si;
        GetSystemInfo(out si);
        int size = 4096;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            IntPtr buf = Marshal.AllocHGlobal(size);
            try
            {
                int returned;
                int status = NtQuerySystemInformation(18, buf, size, out returned);
                if (status == unchecked((int)0xC0000004)) { size *= 2; continue; } // STATUS_INFO_LENGTH_MISMATCH
                if (status != 0) throw new Exception("NtQuerySystemInformation(SystemPageFileInformation) status 0x" + status.ToString("x8"));
                var b = new StringBuilder("[");
                if (returned == 0) return "[]";
                int offset = 0;
                bool first = true;
                while (true)
                {
                    IntPtr entry = IntPtr.Add(buf, offset);
                    int next = Marshal.ReadInt32(entry, 0);
                    long total = (long)(uint)Marshal.ReadInt32(entry, 4) * si.dwPageSize;
                    long used = (long)(uint)Marshal.ReadInt32(entry, 8) * si.dwPageSize;
                    // UNICODE_STRING PageFileName: Length (bytes), MaximumLength, then the pointer, aligned.
                    int nameBytes = Marshal.ReadInt16(entry, 16);
                    IntPtr namePtr = Marshal.ReadIntPtr(entry, IntPtr.Size == 8 ? 24 : 20);
                    string name = nameBytes > 0 && namePtr != IntPtr.Zero ? Marshal.PtrToStringUni(namePtr, nameBytes / 2) : "";
                    if (!first) b.Append(',');
                    b.Append("{\"name\":" + Str(name) + ",\"total\":" + Num(total) + ",\"used\":" + Num(used) + "}");
                    first = false;
                    if (next == 0) break;
                    offset += next;
                }
                return b.Append(']').ToString();
            }
            finally { Marshal.FreeHGlobal(buf); }
        }
        throw new Exception("page file list kept growing");
    }

    // Logical processor records of kind RelationProcessorCore (0): one per physical core.
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool GetLogicalProcessorInformationEx(int relation, IntPtr buffer, ref int length);
    public static string Cpu()
    {
        int length = 0;
        GetLogicalProcessorInformationEx(0, IntPtr.Zero, ref length);
        if (length <= 0) return "{\"physicalCores\":null}";
        IntPtr buf = Marshal.AllocHGlobal(length);
        try
        {
            if (!GetLogicalProcessorInformationEx(0, buf, ref length)) return "{\"physicalCores\":null}";
            int cores = 0;
            int offset = 0;
            while (offset < length)
            {
                int recordSize = Marshal.ReadInt32(buf, offset + 4);
                if (recordSize <= 0) break;
                cores++;
                offset += recordSize;
            }
            return "{\"physicalCores\":" + Num(cores) + "}";
        }
        finally { Marshal.FreeHGlobal(buf); }
    }

    // IOCTL_DISK_PERFORMANCE on \\.\PhysicalDriveN (as psutil's disk_io_counters): cumulative
    // bytes, operations, and read/write/idle time in 100 ns units. Opening with no access rights
    // needs no admin. A disk that refuses (diskperf off, a virtual disk) is left out.
    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
    static extern IntPtr CreateFileW(string name, uint access, uint share, IntPtr security, uint disposition, uint flags, IntPtr template);
    [DllImport("kernel32.dll", SetLastError = true)]
    static extern bool DeviceIoControl(IntPtr device, uint code, IntPtr inBuf, int inSize, IntPtr outBuf, int outSize, out int returned, IntPtr overlapped);
    [DllImport("kernel32.dll")] static extern bool CloseHandle(IntPtr handle);
    // DISK_PERFORMANCE of one device ("\\.\PhysicalDrive0", or a volume "\\.\C:" as gopsutil reads
    // it): null when it cannot be opened or does not answer (an empty card reader).
    static string Perf(IntPtr buf, string device, string name, string kind)
    {
        IntPtr h = CreateFileW(device, 0, 3, IntPtr.Zero, 3, 0, IntPtr.Zero);
        if (h == new IntPtr(-1)) return null;
        try
        {
            int returned;
            if (!DeviceIoControl(h, 0x00070020, IntPtr.Zero, 0, buf, 88, out returned, IntPtr.Zero)) return null;
            return "{\"name\":" + Str(name) + ",\"kind\":" + Str(kind)
                + ",\"readBytes\":" + Num(Marshal.ReadInt64(buf, 0)) + ",\"writtenBytes\":" + Num(Marshal.ReadInt64(buf, 8))
                + ",\"readTime100ns\":" + Num(Marshal.ReadInt64(buf, 16)) + ",\"writeTime100ns\":" + Num(Marshal.ReadInt64(buf, 24))
                + ",\"idleTime100ns\":" + Num(Marshal.ReadInt64(buf, 32))
                + ",\"reads\":" + Num((uint)Marshal.ReadInt32(buf, 40)) + ",\"writes\":" + Num((uint)Marshal.ReadInt32(buf, 44))
                + ",\"queryTime100ns\":" + Num(Marshal.ReadInt64(buf, 56)) + "}";
        }
        finally { CloseHandle(h); }
    }

    // The physical disks (kind "disk": what the machine-wide line sums, each once) and the volume
    // behind each local drive letter (kind "volume", named as DriveInfo names the drive: "C:\\").
    public static string DiskIo()
    {
        var items = new List<string>();
        IntPtr buf = Marshal.AllocHGlobal(88);
        try
        {
            for (int n = 0; n < 32; n++)
            {
                string item = Perf(buf, "\\\\.\\PhysicalDrive" + n, "PhysicalDrive" + n, "disk");
                if (item != null) items.Add(item);
            }
            foreach (var d in DriveInfo.GetDrives())
            {
                if (d.DriveType != DriveType.Fixed && d.DriveType != DriveType.Removable) continue;
                string item = Perf(buf, "\\\\.\\" + d.Name.TrimEnd('\\'), d.Name, "volume");
                if (item != null) items.Add(item);
            }
        }
        finally { Marshal.FreeHGlobal(buf); }
        return "[" + string.Join(",", items.ToArray()) + "]";
    }

    // A Job Object that kills every process in it when its last handle closes: when this agent
    // ends (stdin closed, or killed with the service), Windows closes the handle and ends them.
    [StructLayout(LayoutKind.Sequential)]
    struct JOBOBJECT_BASIC_LIMIT_INFORMATION
    {
        public long PerProcessUserTimeLimit; public long PerJobUserTimeLimit; public uint LimitFlags;
        public UIntPtr MinimumWorkingSetSize; public UIntPtr MaximumWorkingSetSize; public uint ActiveProcessLimit;
        public UIntPtr Affinity; public uint PriorityClass; public uint SchedulingClass;
    }
    [StructLayout(LayoutKind.Sequential)]
    struct IO_COUNTERS
    {
        public ulong ReadOperationCount; public ulong WriteOperationCount; public ulong OtherOperationCount;
        public ulong ReadTransferCount; public ulong WriteTransferCount; public ulong OtherTransferCount;
    }
    [StructLayout(LayoutKind.Sequential)]
    struct JOBOBJECT_EXTENDED_LIMIT_INFORMATION
    {
        public JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation; public IO_COUNTERS IoInfo;
        public UIntPtr ProcessMemoryLimit; public UIntPtr JobMemoryLimit; public UIntPtr PeakProcessMemoryUsed; public UIntPtr PeakJobMemoryUsed;
    }
    [DllImport("kernel32.dll", SetLastError = true, CharSet = CharSet.Unicode)] static extern IntPtr CreateJobObjectW(IntPtr security, string name);
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool SetInformationJobObject(IntPtr job, int cls, ref JOBOBJECT_EXTENDED_LIMIT_INFORMATION info, int length);
    [DllImport("kernel32.dll", SetLastError = true)] static extern bool AssignProcessToJobObject(IntPtr job, IntPtr process);
    [DllImport("kernel32.dll", SetLastError = true)] static extern IntPtr OpenProcess(uint access, bool inherit, int pid);
    static IntPtr job = IntPtr.Zero;

    public static string Adopt(int pid)
    {
        if (job == IntPtr.Zero)
        {
            IntPtr created = CreateJobObjectW(IntPtr.Zero, null);
            if (created == IntPtr.Zero) throw new Exception("CreateJobObject failed: " + Marshal.GetLastWin32Error());
            var info = new JOBOBJECT_EXTENDED_LIMIT_INFORMATION();
            info.BasicLimitInformation.LimitFlags = 0x2000; // JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
            if (!SetInformationJobObject(created, 9, ref info, Marshal.SizeOf(typeof(JOBOBJECT_EXTENDED_LIMIT_INFORMATION))))
                throw new Exception("SetInformationJobObject failed: " + Marshal.GetLastWin32Error());
            job = created;
        }
        IntPtr process = OpenProcess(0x0101, false, pid); // PROCESS_SET_QUOTA | PROCESS_TERMINATE
        if (process == IntPtr.Zero) throw new Exception("OpenProcess(" + pid + ") failed: " + Marshal.GetLastWin32Error());
        try
        {
            if (!AssignProcessToJobObject(job, process)) throw new Exception("AssignProcessToJobObject(" + pid + ") failed: " + Marshal.GetLastWin32Error());
        }
        finally { CloseHandle(process); }
        return "{\"adopted\":" + Num(pid) + "}";
    }

    // Display adapters from the registry (the display class key, as fastfetch and GPU-Z read it):
    // name, driver version and the memory the driver reports (qwMemorySize, 64-bit; older drivers
    // only the 32-bit MemorySize, as a DWORD or 4 bytes). Subkeys 0000, 0001…; "Properties" is not an adapter.
    public static string Gpus()
    {
        var b = new StringBuilder("[");
        bool first = true;
        Microsoft.Win32.RegistryKey cls = Microsoft.Win32.Registry.LocalMachine.OpenSubKey("SYSTEM\\CurrentControlSet\\Control\\Class\\{4d36e968-e325-11ce-bfc1-08002be10318}");
        if (cls == null) return "[]";
        try
        {
            foreach (string sub in cls.GetSubKeyNames())
            {
                if (sub.Length != 4) continue;
                try
                {
                    Microsoft.Win32.RegistryKey k = cls.OpenSubKey(sub);
                    if (k == null) continue;
                    try
                    {
                        string desc = k.GetValue("DriverDesc") as string;
                        if (desc == null) continue;
                        string version = k.GetValue("DriverVersion") as string;
                        long memory = -1;
                        object qw = k.GetValue("HardwareInformation.qwMemorySize");
                        object dw = k.GetValue("HardwareInformation.MemorySize");
                        if (qw is long) memory = (long)qw;
                        else if (qw is byte[] && ((byte[])qw).Length >= 8) memory = BitConverter.ToInt64((byte[])qw, 0);
                        else if (dw is int) memory = (long)(uint)(int)dw;
                        else if (dw is byte[] && ((byte[])dw).Length >= 4) memory = BitConverter.ToUInt32((byte[])dw, 0);
                        if (!first) b.Append(',');
                        b.Append("{\"key\":" + Str(sub) + ",\"name\":" + Str(desc) + ",\"driverVersion\":" + Str(version)
                            + ",\"memoryBytes\":" + (memory > 0 ? Num(memory) : "null") + "}");
                        first = false;
                    }
                    finally { k.Close(); }
                }
                catch (System.Security.SecurityException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        finally { cls.Close(); }
        return b.Append(']').ToString();
    }

    public static string Answer(string id, string data) { return "{\"id\":" + id + ",\"ok\":true,\"data\":" + data + "}"; }
    public static string Fail(string id, string message) { return "{\"id\":" + id + ",\"ok\":false,\"error\":" + Str(message) + "}"; }
}
'@

$utf8 = New-Object System.Text.UTF8Encoding $false
$out = New-Object System.IO.StreamWriter -ArgumentList ([Console]::OpenStandardOutput()), $utf8
$out.AutoFlush = $true
$out.WriteLine('{"ready":true,"agent":1}')
while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line) { break }
    if ($line.Trim() -eq '') { continue }
    # A request: {"id":<n>,"op":"<name>"[,"pid":<n>]} (protocol.ts writes exactly this form).
    $m = [regex]::Match($line, '^\{"id":(\d+),"op":"([a-z]+)"(?:,"pid":(\d+))?\}$')
    if (-not $m.Success) { $out.WriteLine([WidgetsAgent]::Fail('0', 'unreadable request')); continue }
    $id = $m.Groups[1].Value
    try {
        switch ($m.Groups[2].Value) {
            'processes' { $data = [WidgetsAgent]::Processes() }
            'network' { $data = [WidgetsAgent]::Network() }
            'drives' { $data = [WidgetsAgent]::Drives() }
            'swap' { $data = [WidgetsAgent]::Swap() }
            'cpu' { $data = [WidgetsAgent]::Cpu() }
            'diskio' { $data = [WidgetsAgent]::DiskIo() }
            'gpus' { $data = [WidgetsAgent]::Gpus() }
            'adopt' { $data = [WidgetsAgent]::Adopt([int]$m.Groups[3].Value) }
            default { throw "unknown op $($m.Groups[2].Value)" }
        }
        $out.WriteLine([WidgetsAgent]::Answer($id, $data))
    } catch {
        $out.WriteLine([WidgetsAgent]::Fail($id, $_.Exception.Message))
    }
}
