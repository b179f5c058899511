{
  "variables": {
    "has_liblz4": "<!(test -f /usr/include/lz4.h && echo 1 || echo 0)"
  },
  "targets": [
    {
      "target_name": "sha256_batch",
      "sources": ["workers/hash/sha256_batch.c"],
      "cflags": ["-O3"]
    }
  ],
  "conditions": [
    ["has_liblz4==1", {
      "targets": [
        {
          "target_name": "lz4_block",
          "sources": ["workers/encode/lz4_block.c"],
          "cflags": ["-O3"],
          "libraries": ["-llz4"]
        }
      ]
    }]
  ]
}
