// GENERATED from lib/types.ts by `npm run openapi:schemas` (spec/openapi/generate-schemas.ts): do not edit.
// spec/openapi/schemas.spec.ts fails when this file no longer matches the types.

export const PAYLOAD_SCHEMAS: Record<string, object> = {
  "CollectorHealth": {
    "type": "object",
    "properties": {
      "state": {
        "$ref": "#/components/schemas/CollectorState"
      },
      "reason": {
        "type": "string",
        "description": "One line saying why, when state is 'error'."
      },
      "lastOk": {
        "type": "string",
        "description": "ISO time of the last good sample.",
        "format": "date-time"
      },
      "lastDurationMs": {
        "type": "number",
        "description": "How long the last sample took, ms."
      },
      "source": {
        "type": "string",
        "description": "Which back-end answered (e.g. 'nvidia-smi loop', 'procfs')."
      },
      "skipped": {
        "type": "array",
        "items": {
          "type": "string"
        },
        "description": "Parts the last good reading left out, each with why (e.g. a /proc/diskstats line too short to read)."
      },
      "activations": {
        "type": "number",
        "description": "How many times collection was started since the service started (each start after idle counts)."
      }
    },
    "required": [
      "state",
      "activations"
    ],
    "additionalProperties": false
  },
  "CollectorState": {
    "type": "string",
    "enum": [
      "idle",
      "ok",
      "error"
    ]
  },
  "CpuStats": {
    "type": "object",
    "properties": {
      "usage": {
        "type": "number",
        "description": "Whole-machine busy %, 0–100, over the last interval."
      },
      "cores": {
        "type": "number",
        "description": "Logical cores."
      },
      "frequency": {
        "type": "number",
        "description": "Current average frequency in MHz (0 when the platform does not say)."
      },
      "temperature": {
        "type": [
          "number",
          "null"
        ],
        "description": "Package temperature in °C, `null` when there is no sensor."
      },
      "model": {
        "type": "string",
        "description": "Extras."
      },
      "physicalCores": {
        "type": "number"
      },
      "perCore": {
        "type": "array",
        "items": {
          "type": "number"
        }
      },
      "loadAverage": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "type": "number"
            },
            "minItems": 3,
            "maxItems": 3
          },
          {
            "type": "null"
          }
        ],
        "description": "1, 5 and 15 minutes; `null` on Windows, which has no load average (Node's os.loadavg() says 0 there)."
      }
    },
    "required": [
      "usage",
      "cores",
      "frequency",
      "temperature",
      "model",
      "physicalCores",
      "perCore",
      "loadAverage"
    ],
    "additionalProperties": false
  },
  "DiskIoSibling": {
    "type": "object",
    "properties": {
      "diskIO": {
        "$ref": "#/components/schemas/DiskIoTotals"
      }
    },
    "required": [
      "diskIO"
    ],
    "additionalProperties": false,
    "description": "Sent beside `disk` wherever the disk topic is (the full stats object, WebSocket messages, history rows)."
  },
  "DiskIoTotals": {
    "type": "object",
    "properties": {
      "readBytesPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "writeBytesPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "readBytes": {
        "type": [
          "number",
          "null"
        ],
        "description": "Cumulative since boot."
      },
      "writtenBytes": {
        "type": [
          "number",
          "null"
        ]
      }
    },
    "required": [
      "readBytesPerSec",
      "writeBytesPerSec",
      "readBytes",
      "writtenBytes"
    ],
    "additionalProperties": false,
    "description": "Machine-wide disk I/O over the physical disks (each disk once: no partitions, no device-mapper, md RAID, loop or zram device on top of it), beside `disk` in the stats object. Rates as in DiskStats; every field null where the platform cannot say."
  },
  "DiskSizes": {
    "type": "object",
    "properties": {
      "device": {
        "type": "string"
      },
      "mountpoint": {
        "type": "string"
      },
      "fstype": {
        "type": "string"
      },
      "total": {
        "type": "number"
      },
      "free": {
        "type": "number"
      },
      "used": {
        "type": "number"
      },
      "usedPercent": {
        "type": "number"
      }
    },
    "required": [
      "device",
      "mountpoint",
      "fstype",
      "total",
      "free",
      "used",
      "usedPercent"
    ],
    "additionalProperties": false,
    "description": "A filesystem's identity and sizes: what every platform's disk list gives before any I/O figure."
  },
  "DiskStats": {
    "type": "object",
    "properties": {
      "device": {
        "type": "string"
      },
      "mountpoint": {
        "type": "string"
      },
      "fstype": {
        "type": "string"
      },
      "total": {
        "type": "number"
      },
      "free": {
        "type": "number"
      },
      "used": {
        "type": "number"
      },
      "usedPercent": {
        "type": "number"
      },
      "readBytesPerSec": {
        "type": [
          "number",
          "null"
        ],
        "description": "Extras: I/O of the block device behind this filesystem, per second over the last interval (a first reading measures over the 250 ms prime). null on a reading with no earlier one to compare to, after a counter went backwards, or where the platform cannot say (macOS: always; network and memory filesystems). Bind mounts of one device carry the same figures."
      },
      "writeBytesPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "readsPerSec": {
        "type": [
          "number",
          "null"
        ],
        "description": "Read and write requests completed per second."
      },
      "writesPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "busyPercent": {
        "type": [
          "number",
          "null"
        ],
        "description": "Share of the interval the device had I/O in flight, 0–100."
      },
      "readBytes": {
        "type": [
          "number",
          "null"
        ],
        "description": "Cumulative since boot (for /metrics and clients that compute their own rates); null where unknown."
      },
      "writtenBytes": {
        "type": [
          "number",
          "null"
        ]
      },
      "reads": {
        "type": [
          "number",
          "null"
        ],
        "description": "Read and write requests completed, cumulative."
      },
      "writes": {
        "type": [
          "number",
          "null"
        ]
      },
      "ioTime": {
        "type": [
          "number",
          "null"
        ],
        "description": "Seconds the device had I/O in flight, cumulative."
      }
    },
    "required": [
      "busyPercent",
      "device",
      "free",
      "fstype",
      "ioTime",
      "mountpoint",
      "readBytes",
      "readBytesPerSec",
      "reads",
      "readsPerSec",
      "total",
      "used",
      "usedPercent",
      "writeBytesPerSec",
      "writes",
      "writesPerSec",
      "writtenBytes"
    ],
    "additionalProperties": false
  },
  "ErrorResponse": {
    "type": "object",
    "properties": {
      "error": {
        "type": "string",
        "description": "One line saying what was wrong and, where it helps, how to fix it."
      },
      "status": {
        "type": "number",
        "description": "The HTTP status code, repeated."
      }
    },
    "required": [
      "error",
      "status"
    ],
    "additionalProperties": false,
    "description": "The body of every error response (REST, and refused WebSocket upgrades)."
  },
  "GpuMemory": {
    "type": "object",
    "properties": {
      "total": {
        "type": [
          "number",
          "null"
        ]
      },
      "used": {
        "type": [
          "number",
          "null"
        ]
      },
      "free": {
        "type": [
          "number",
          "null"
        ]
      },
      "usedPercent": {
        "type": [
          "number",
          "null"
        ]
      }
    },
    "required": [
      "total",
      "used",
      "free",
      "usedPercent"
    ],
    "additionalProperties": false
  },
  "GpuPowerState": {
    "type": [
      "string",
      "null"
    ],
    "enum": [
      "suspended",
      "active",
      null
    ],
    "description": "Runtime power state of a PCI GPU: `suspended` (asleep: not queried, readings from before), `active`, or null when the platform does not say."
  },
  "GpuProcess": {
    "type": "object",
    "properties": {
      "pid": {
        "type": "number"
      },
      "name": {
        "type": "string"
      },
      "usedMemory": {
        "type": [
          "number",
          "null"
        ],
        "description": "Bytes of GPU memory the process holds, `null` when the driver will not say."
      },
      "usage": {
        "type": [
          "number",
          "null"
        ],
        "description": "Busy % of the GPU's busiest engine class from this process over the last interval (DRM fdinfo: AMD, Intel); absent for NVIDIA, null on the first reading."
      }
    },
    "required": [
      "pid",
      "name",
      "usedMemory"
    ],
    "additionalProperties": false
  },
  "GpuStats": {
    "type": "object",
    "properties": {
      "name": {
        "type": "string"
      },
      "usage": {
        "type": [
          "number",
          "null"
        ]
      },
      "memory": {
        "$ref": "#/components/schemas/GpuMemory"
      },
      "temperature": {
        "type": [
          "number",
          "null"
        ]
      },
      "fanSpeed": {
        "type": [
          "number",
          "null"
        ]
      },
      "powerDraw": {
        "type": [
          "number",
          "null"
        ]
      },
      "clockCore": {
        "type": [
          "number",
          "null"
        ]
      },
      "clockMemory": {
        "type": [
          "number",
          "null"
        ]
      },
      "memoryTotal": {
        "type": [
          "number",
          "null"
        ],
        "description": "Flat memory fields: what the original service really sent and the ClaraVerse widget reads."
      },
      "memoryUsed": {
        "type": [
          "number",
          "null"
        ]
      },
      "memoryFree": {
        "type": [
          "number",
          "null"
        ]
      },
      "memoryPercent": {
        "type": [
          "number",
          "null"
        ]
      },
      "vendor": {
        "$ref": "#/components/schemas/GpuVendor",
        "description": "Extras."
      },
      "index": {
        "type": [
          "number",
          "null"
        ]
      },
      "uuid": {
        "type": [
          "string",
          "null"
        ]
      },
      "pciBusId": {
        "type": [
          "string",
          "null"
        ]
      },
      "driverVersion": {
        "type": [
          "string",
          "null"
        ]
      },
      "powerLimit": {
        "type": [
          "number",
          "null"
        ]
      },
      "memoryUtilization": {
        "type": [
          "number",
          "null"
        ]
      },
      "encoderUtilization": {
        "type": [
          "number",
          "null"
        ]
      },
      "decoderUtilization": {
        "type": [
          "number",
          "null"
        ]
      },
      "processes": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/GpuProcess"
            }
          },
          {
            "type": "null"
          }
        ],
        "description": "Processes using this GPU; `null` when the back-end cannot list them or has not yet."
      },
      "powerState": {
        "$ref": "#/components/schemas/GpuPowerState",
        "description": "Linux runtime PM: while `suspended` the GPU is not queried (that would wake it); usage is 0 and power and clocks null."
      }
    },
    "required": [
      "name",
      "usage",
      "memory",
      "temperature",
      "fanSpeed",
      "powerDraw",
      "clockCore",
      "clockMemory",
      "memoryTotal",
      "memoryUsed",
      "memoryFree",
      "memoryPercent",
      "vendor",
      "index",
      "uuid",
      "pciBusId",
      "driverVersion",
      "powerLimit",
      "memoryUtilization",
      "encoderUtilization",
      "decoderUtilization",
      "processes",
      "powerState"
    ],
    "additionalProperties": false
  },
  "GpuVendor": {
    "type": "string",
    "enum": [
      "nvidia",
      "amd",
      "intel",
      "apple",
      "other"
    ]
  },
  "HealthResponse": {
    "type": "object",
    "properties": {
      "status": {
        "type": "string",
        "const": "healthy"
      },
      "service": {
        "type": "string",
        "const": "widgets-service"
      },
      "version": {
        "type": "string"
      },
      "activeConnections": {
        "type": "number"
      },
      "timestamp": {
        "type": "string",
        "format": "date-time"
      },
      "uptime": {
        "type": "number"
      },
      "collectors": {
        "type": "object",
        "properties": {
          "cpu": {
            "$ref": "#/components/schemas/CollectorHealth"
          },
          "memory": {
            "$ref": "#/components/schemas/CollectorHealth"
          },
          "gpu": {
            "$ref": "#/components/schemas/CollectorHealth"
          },
          "disk": {
            "$ref": "#/components/schemas/CollectorHealth"
          },
          "network": {
            "$ref": "#/components/schemas/CollectorHealth"
          },
          "processes": {
            "$ref": "#/components/schemas/CollectorHealth"
          }
        },
        "required": [
          "cpu",
          "memory",
          "gpu",
          "disk",
          "network",
          "processes"
        ],
        "additionalProperties": false
      }
    },
    "required": [
      "status",
      "service",
      "version",
      "activeConnections",
      "timestamp",
      "uptime",
      "collectors"
    ],
    "additionalProperties": false
  },
  "HistoryResponse": {
    "type": "object",
    "properties": {
      "intervalMs": {
        "type": "number",
        "description": "The grid the samples are on, ms: the longest interval of the topics asked for."
      },
      "samples": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/HistorySample"
        }
      }
    },
    "required": [
      "intervalMs",
      "samples"
    ],
    "additionalProperties": false,
    "description": "GET /api/history: samples of the chosen topics, oldest first."
  },
  "HistorySample": {
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "diskIO": {
        "anyOf": [
          {
            "$ref": "#/components/schemas/DiskIoTotals"
          },
          {
            "type": "null"
          }
        ]
      },
      "cpu": {
        "anyOf": [
          {
            "$ref": "#/components/schemas/CpuStats"
          },
          {
            "type": "null"
          }
        ]
      },
      "memory": {
        "anyOf": [
          {
            "$ref": "#/components/schemas/MemoryStats"
          },
          {
            "type": "null"
          }
        ]
      },
      "gpu": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/GpuStats"
            }
          },
          {
            "type": "null"
          }
        ]
      },
      "disk": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DiskStats"
            }
          },
          {
            "type": "null"
          }
        ]
      },
      "network": {
        "anyOf": [
          {
            "$ref": "#/components/schemas/NetworkStats"
          },
          {
            "type": "null"
          }
        ]
      },
      "processes": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ProcessStats"
            }
          },
          {
            "type": "null"
          }
        ]
      },
      "timestamp": {
        "type": "string",
        "format": "date-time"
      }
    },
    "required": [
      "timestamp"
    ],
    "description": "One tick of GET /api/history: its time, and each chosen topic's payload as /api/stats has it (`null`: no reading then)."
  },
  "MemoryStats": {
    "type": "object",
    "properties": {
      "total": {
        "type": "number"
      },
      "available": {
        "type": "number"
      },
      "used": {
        "type": "number"
      },
      "usedPercent": {
        "type": "number"
      },
      "swap": {
        "$ref": "#/components/schemas/SwapStats"
      },
      "free": {
        "type": "number",
        "description": "Extras."
      },
      "cached": {
        "type": "number"
      },
      "buffers": {
        "type": "number"
      }
    },
    "required": [
      "total",
      "available",
      "used",
      "usedPercent",
      "swap",
      "free",
      "cached",
      "buffers"
    ],
    "additionalProperties": false
  },
  "NetworkCounters": {
    "type": "object",
    "properties": {
      "bytesSent": {
        "type": "number"
      },
      "bytesRecv": {
        "type": "number"
      },
      "packetsSent": {
        "type": "number"
      },
      "packetsRecv": {
        "type": "number"
      }
    },
    "required": [
      "bytesSent",
      "bytesRecv",
      "packetsSent",
      "packetsRecv"
    ],
    "additionalProperties": false,
    "description": "Cumulative counters since boot."
  },
  "NetworkInterfaceStats": {
    "type": "object",
    "properties": {
      "bytesSent": {
        "type": "number"
      },
      "bytesRecv": {
        "type": "number"
      },
      "packetsSent": {
        "type": "number"
      },
      "packetsRecv": {
        "type": "number"
      },
      "name": {
        "type": "string"
      },
      "bytesSentPerSec": {
        "type": [
          "number",
          "null"
        ],
        "description": "null for an interface's first reading, or after its counter went backwards."
      },
      "bytesRecvPerSec": {
        "type": [
          "number",
          "null"
        ]
      }
    },
    "required": [
      "bytesRecv",
      "bytesRecvPerSec",
      "bytesSent",
      "bytesSentPerSec",
      "name",
      "packetsRecv",
      "packetsSent"
    ],
    "additionalProperties": false
  },
  "NetworkStats": {
    "type": "object",
    "properties": {
      "bytesSent": {
        "type": "number"
      },
      "bytesRecv": {
        "type": "number"
      },
      "packetsSent": {
        "type": "number"
      },
      "packetsRecv": {
        "type": "number"
      },
      "bytesSentPerSec": {
        "type": [
          "number",
          "null"
        ],
        "description": "Extras: per-second rates over the last interval (a first reading measures over the 250 ms prime); null when no rate can be known yet, never a made-up 0."
      },
      "bytesRecvPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "packetsSentPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "packetsRecvPerSec": {
        "type": [
          "number",
          "null"
        ]
      },
      "interfaces": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/NetworkInterfaceStats"
        }
      }
    },
    "required": [
      "bytesRecv",
      "bytesRecvPerSec",
      "bytesSent",
      "bytesSentPerSec",
      "interfaces",
      "packetsRecv",
      "packetsRecvPerSec",
      "packetsSent",
      "packetsSentPerSec"
    ],
    "additionalProperties": false,
    "description": "The counters summed over all interfaces (loopback included), as the original sent."
  },
  "ProcessStats": {
    "type": "object",
    "properties": {
      "pid": {
        "type": "number"
      },
      "name": {
        "type": "string"
      },
      "cpu": {
        "type": "number",
        "description": "CPU % over the last interval, like `top` (100 = one full core)."
      },
      "memory": {
        "type": "number",
        "description": "RSS as % of RAM."
      },
      "status": {
        "type": "string",
        "description": "A word: running, sleep, idle, stop, zombie, … (empty on Windows)."
      },
      "rss": {
        "type": "number",
        "description": "Extras."
      },
      "command": {
        "type": "string",
        "description": "Full command line, only when the monitor is asked to expose it."
      }
    },
    "required": [
      "pid",
      "name",
      "cpu",
      "memory",
      "status",
      "rss"
    ],
    "additionalProperties": false
  },
  "StatsSelection": {
    "type": "object",
    "additionalProperties": false,
    "properties": {
      "uptime": {
        "type": "number",
        "description": "Seconds since boot."
      },
      "timestamp": {
        "type": "string",
        "description": "ISO-8601 UTC.",
        "format": "date-time"
      },
      "diskIO": {
        "$ref": "#/components/schemas/DiskIoTotals"
      },
      "cpu": {
        "$ref": "#/components/schemas/CpuStats"
      },
      "memory": {
        "$ref": "#/components/schemas/MemoryStats"
      },
      "gpu": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/GpuStats"
        }
      },
      "disk": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/DiskStats"
        }
      },
      "network": {
        "$ref": "#/components/schemas/NetworkStats"
      },
      "processes": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/ProcessStats"
        }
      }
    },
    "required": [
      "timestamp",
      "uptime"
    ],
    "description": "A stats message for chosen topics (WebSocket `topics`/`subscribe`): those parts, plus uptime and timestamp."
  },
  "SwapStats": {
    "type": "object",
    "properties": {
      "total": {
        "type": "number"
      },
      "used": {
        "type": "number"
      },
      "usedPercent": {
        "type": "number"
      }
    },
    "required": [
      "total",
      "used",
      "usedPercent"
    ],
    "additionalProperties": false
  },
  "SystemStats": {
    "type": "object",
    "properties": {
      "diskIO": {
        "$ref": "#/components/schemas/DiskIoTotals"
      },
      "cpu": {
        "$ref": "#/components/schemas/CpuStats"
      },
      "memory": {
        "$ref": "#/components/schemas/MemoryStats"
      },
      "gpu": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/GpuStats"
        }
      },
      "disk": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/DiskStats"
        }
      },
      "network": {
        "$ref": "#/components/schemas/NetworkStats"
      },
      "processes": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/ProcessStats"
        }
      },
      "uptime": {
        "type": "number",
        "description": "Seconds since boot."
      },
      "timestamp": {
        "type": "string",
        "description": "ISO-8601 UTC.",
        "format": "date-time"
      }
    },
    "required": [
      "cpu",
      "disk",
      "diskIO",
      "gpu",
      "memory",
      "network",
      "processes",
      "timestamp",
      "uptime"
    ],
    "additionalProperties": false,
    "description": "Every topic's payload, plus when and since when."
  },
  "Topic": {
    "type": "string",
    "enum": [
      "cpu",
      "memory",
      "gpu",
      "disk",
      "network",
      "processes"
    ]
  },
  "TopicPayloads": {
    "type": "object",
    "properties": {
      "cpu": {
        "$ref": "#/components/schemas/CpuStats"
      },
      "memory": {
        "$ref": "#/components/schemas/MemoryStats"
      },
      "gpu": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/GpuStats"
        }
      },
      "disk": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/DiskStats"
        }
      },
      "network": {
        "$ref": "#/components/schemas/NetworkStats"
      },
      "processes": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/ProcessStats"
        }
      }
    },
    "required": [
      "cpu",
      "memory",
      "gpu",
      "disk",
      "network",
      "processes"
    ],
    "additionalProperties": false
  },
  "WsErrorMessage": {
    "type": "object",
    "properties": {
      "error": {
        "type": "string"
      }
    },
    "required": [
      "error"
    ],
    "additionalProperties": false,
    "description": "/ws/stats, service to client: the last message was refused; the connection stays usable."
  },
  "WsHistoryMessage": {
    "type": "object",
    "properties": {
      "history": {
        "$ref": "#/components/schemas/HistoryResponse"
      }
    },
    "required": [
      "history"
    ],
    "additionalProperties": false,
    "description": "/ws/stats, service to client: the recent history asked for (`?history=` or a message), before the stream."
  },
  "WsSubscribeMessage": {
    "type": "object",
    "properties": {
      "subscribe": {
        "anyOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Topic"
            }
          },
          {
            "type": "string",
            "const": "all"
          },
          {
            "type": "string",
            "const": "*"
          }
        ],
        "description": "Topics, or \"all\" (also \"*\") for every topic."
      },
      "interval": {
        "type": [
          "number",
          "null"
        ],
        "description": "Milliseconds between messages (clamped to 500–60000), or null for the collectors' pace."
      },
      "history": {
        "type": [
          "boolean",
          "string"
        ],
        "description": "Send the recent history first: true for everything kept, or an ISO time for only what came after it."
      }
    },
    "additionalProperties": false,
    "description": "/ws/stats, client to service: choose topics and/or pace. What is left out is kept."
  },
  "WsSubscribedMessage": {
    "type": "object",
    "properties": {
      "subscribed": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/Topic"
        }
      },
      "interval": {
        "type": "number",
        "description": "The pace really delivered, ms (never faster than the collectors sample)."
      }
    },
    "required": [
      "subscribed",
      "interval"
    ],
    "additionalProperties": false,
    "description": "/ws/stats, service to client: the answer to a subscribe message, before the new stream."
  }
};
