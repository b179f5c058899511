{
  "targets": [
    {
      "target_name": "sha256_batch",
      "sources": ["workers/hash/sha256_batch.c"],
      "cflags": ["-O3"]
    }
  ]
}
