{
  "targets": [
    {
      "target_name": "faultnet_native",
      "sources": ["tun.c", "timer.c", "napi-util.c", "memory.c", "priority.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
    },
    {
      "target_name": "faultnet-launch",
      "type": "executable",
      "sources": ["launch.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-std=gnu11"]
    }
  ]
}
