/*
 * SHA-256 of many frames in one call. Hashing one 500-byte syslog message
 * through node:crypto costs about 2 microseconds, mostly the JS-to-C++
 * crossing and the digest object; the compression function itself takes
 * about 0.3 (OpenSSL with SHA extensions). One call per batch of frames
 * removes the crossing from the per-message cost.
 *
 * It links against the OpenSSL that the node binary itself exports, so
 * no library is installed and the digest is the one node:crypto computes.
 */
#include <node_api.h>
#include <openssl/sha.h>
#include <stdint.h>

#define kDigestBytes 32

static napi_value fail(napi_env env, const char* message) {
  napi_throw_type_error(env, "SLUICE_ERR_HASH_ARGUMENTS", message);
  return NULL;
}

static int typed(napi_env env, napi_value v, napi_typedarray_type want,
                 void** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &buffer,
                               &offset) != napi_ok) {
    return 0;
  }
  return type == want;
}

/*
 * sha256Batch(data: Uint8Array, starts: Int32Array, lengths: Int32Array,
 *             count: number, out: Uint8Array): void
 * Writes the digest of data[starts[i], starts[i] + lengths[i]) to
 * out[32 * i, 32 * i + 32) for i < count. Every range is checked.
 */
static napi_value Sha256Batch(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc != 5) return fail(env, "sha256Batch takes 5 arguments");

  uint8_t* data;
  int32_t* starts;
  int32_t* lengths;
  uint8_t* out;
  size_t data_len, starts_len, lengths_len, out_len;
  uint32_t count;
  if (!typed(env, argv[0], napi_uint8_array, (void**)&data, &data_len) ||
      !typed(env, argv[1], napi_int32_array, (void**)&starts, &starts_len) ||
      !typed(env, argv[2], napi_int32_array, (void**)&lengths,
             &lengths_len) ||
      napi_get_value_uint32(env, argv[3], &count) != napi_ok ||
      !typed(env, argv[4], napi_uint8_array, (void**)&out, &out_len)) {
    return fail(env, "sha256Batch(Uint8Array, Int32Array, Int32Array, "
                     "count, Uint8Array)");
  }
  if (count > starts_len || count > lengths_len ||
      (size_t)count * kDigestBytes > out_len) {
    return fail(env, "sha256Batch: count exceeds an array");
  }

  for (uint32_t i = 0; i < count; i++) {
    int64_t start = starts[i];
    int64_t length = lengths[i];
    if (start < 0 || length < 0 || (uint64_t)(start + length) > data_len) {
      return fail(env, "sha256Batch: a range lies outside data");
    }
    SHA256(data + start, (size_t)length, out + (size_t)i * kDigestBytes);
  }
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "sha256Batch", NAPI_AUTO_LENGTH, Sha256Batch,
                       NULL, &fn);
  napi_set_named_property(env, exports, "sha256Batch", fn);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
