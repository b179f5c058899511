/*
 * LZ4 block compression with the system liblz4. lz4-napi's compressSync
 * (a Rust port) reaches about 440 MB/s on syslog text here, liblz4 about
 * 820 MB/s; compression of the column payloads is the largest single cost
 * of a worker. The output has the layout lz4-napi writes and reads (a u32
 * little-endian raw length, then one LZ4 block), so any LZ4 decoder reads
 * segment files whichever of the two wrote them.
 */
#include <lz4.h>
#include <node_api.h>
#include <stdint.h>

static napi_value fail(napi_env env, const char* message) {
  napi_throw_type_error(env, "SLUICE_ERR_LZ4_ARGUMENTS", message);
  return NULL;
}

static int bytes(napi_env env, napi_value v, uint8_t** data, size_t* len) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, len, (void**)data, &buffer,
                               &offset) != napi_ok) {
    return 0;
  }
  return type == napi_uint8_array;
}

/* lz4Bound(rawBytes: number): number, the largest output lz4Compress
 * may write for that input, prefix included. */
static napi_value Lz4Bound(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t n;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 1 || napi_get_value_uint32(env, argv[0], &n) != napi_ok ||
      n > LZ4_MAX_INPUT_SIZE) {
    return fail(env, "lz4Bound(rawBytes) takes a size up to LZ4_MAX");
  }
  napi_value out;
  napi_create_uint32(env, 4 + (uint32_t)LZ4_compressBound((int)n), &out);
  return out;
}

/* lz4Compress(src: Uint8Array, dst: Uint8Array): number of bytes written
 * to dst: the u32 LE length of src, then the compressed block. */
static napi_value Lz4Compress(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  uint8_t *src, *dst;
  size_t src_len, dst_len;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 2 || !bytes(env, argv[0], &src, &src_len) ||
      !bytes(env, argv[1], &dst, &dst_len)) {
    return fail(env, "lz4Compress(src: Uint8Array, dst: Uint8Array)");
  }
  if (src_len > LZ4_MAX_INPUT_SIZE ||
      dst_len < 4 + (size_t)LZ4_compressBound((int)src_len)) {
    return fail(env, "lz4Compress: dst is smaller than lz4Bound(src)");
  }

  dst[0] = (uint8_t)src_len;
  dst[1] = (uint8_t)(src_len >> 8);
  dst[2] = (uint8_t)(src_len >> 16);
  dst[3] = (uint8_t)(src_len >> 24);
  int n = LZ4_compress_default((const char*)src, (char*)dst + 4,
                               (int)src_len, (int)(dst_len - 4));
  if (n <= 0 && src_len > 0) return fail(env, "lz4Compress: LZ4 failed");

  napi_value out;
  napi_create_uint32(env, 4 + (uint32_t)n, &out);
  return out;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "lz4Compress", NAPI_AUTO_LENGTH, Lz4Compress,
                       NULL, &fn);
  napi_set_named_property(env, exports, "lz4Compress", fn);
  napi_create_function(env, "lz4Bound", NAPI_AUTO_LENGTH, Lz4Bound, NULL,
                       &fn);
  napi_set_named_property(env, exports, "lz4Bound", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
