#include "storage/open_store.h"

#include <cstdlib>
#include <string>

#include "core/error.h"
#include "storage/input_paths.h"
#include "storage/local_store.h"
#include "storage/s3_store.h"

namespace yv::storage {
namespace {

std::string env(const char* name, const char* fallback_name = nullptr, const char* fallback = "") {
  if (const char* v = std::getenv(name); v && *v) return v;
  if (fallback_name)
    if (const char* v = std::getenv(fallback_name); v && *v) return v;
  return fallback;
}

// The disk space uploads leave free; the same as the health check's "low disk" warning (engine/monitor.cc).
uint64_t min_free_bytes() {
  const std::string text = env("YIVIDEO_MIN_FREE_DISK_BYTES", nullptr, "1073741824");
  char* end = nullptr;
  const unsigned long long bytes = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || text.starts_with('-'))
    throw Error("invalid_config", "YIVIDEO_MIN_FREE_DISK_BYTES must be a number of bytes", 400);
  return bytes;
}

}  // namespace

std::unique_ptr<BlobStore> open_store() {
  const std::string backend = env("YIVIDEO_STORAGE", nullptr, "local");
  const uint64_t reserve = min_free_bytes();
  if (backend == "local") return std::make_unique<LocalStore>(storage_root(), reserve);
  if (backend != "s3")
    throw Error("invalid_config", "YIVIDEO_STORAGE must be local or s3, not '" + backend + "'", 400);
  S3Config c;
  c.endpoint = env("YIVIDEO_S3_ENDPOINT");
  c.public_endpoint = env("YIVIDEO_S3_PUBLIC_ENDPOINT");
  c.credentials.access_key = env("YIVIDEO_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID");
  c.credentials.secret_key = env("YIVIDEO_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY");
  c.credentials.region = env("YIVIDEO_S3_REGION", nullptr, "us-east-1");
  c.presign_seconds = std::atoi(env("YIVIDEO_S3_PRESIGN_SECONDS", nullptr, "0").c_str());
  c.part_size = std::strtoull(env("YIVIDEO_S3_PART_BYTES", nullptr, "67108864").c_str(), nullptr, 10);
  if (c.part_size < (5u << 20))
    throw Error("invalid_config", "YIVIDEO_S3_PART_BYTES must be at least 5 MiB", 400);
  if (c.endpoint.empty() || c.credentials.access_key.empty() || c.credentials.secret_key.empty()) {
    throw Error(
        "invalid_config",
        "YIVIDEO_STORAGE=s3 needs YIVIDEO_S3_ENDPOINT, YIVIDEO_S3_ACCESS_KEY and YIVIDEO_S3_SECRET_KEY", 400);
  }
  return std::make_unique<S3Store>(std::move(c), storage_root() / ".uploads", reserve);
}

}  // namespace yv::storage
