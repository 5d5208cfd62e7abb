{
  "targets": [
    {
      "target_name": "recur_native",
      "sources": [
        "native/addon.c",
        "native/arena.c",
        "native/isa.c",
        "native/gemm.c",
        "native/rec-forward.c",
        "native/rec-pack.c",
        "native/rec-backward.c",
        "native/ops.c",
        "native/kernels-portable.c",
        "native/kernels-avx2.c",
        "native/kernels-avx512.c"
      ],
      "cflags": ["-std=gnu11", "-O3", "-fopenmp", "-ffp-contract=fast", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2", "-Os", "-O0", "-fno-omit-frame-pointer"],
      "ldflags": ["-fopenmp"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-ffp-contract=fast"]
      }
    }
  ]
}
