#include "storage/s3_store.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "core/error.h"
#include "storage/object_keys.h"

namespace yv::storage {
namespace {

constexpr size_t kMaxErrorBody = 64 << 10;

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Text between <tag> and </tag>, each occurrence, with XML's five entities decoded.
std::vector<std::string> xml_values(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  const std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at)) {
    const size_t start = at + open.size(), end = xml.find(close, start);
    if (end == std::string::npos) break;
    std::string v = xml.substr(start, end - start);
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [entity, ch] : kEntities) {
      for (size_t p = v.find(entity); p != std::string::npos; p = v.find(entity, p + 1))
        v.replace(p, strlen(entity), ch);
    }
    out.push_back(std::move(v));
    at = end;
  }
  return out;
}

double http_date(const std::string& text) {
  std::tm tm{};
  if (!strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm)) return 0;
  return double(timegm(&tm));
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// ("scheme://host[:port]", "host[:port]") of an endpoint setting. Throws "invalid_config" (400).
std::pair<std::string, std::string> split_endpoint(std::string e, const char* setting) {
  while (e.ends_with("/")) e.pop_back();
  const auto scheme = e.find("://");
  if (scheme == std::string::npos || e.find('/', scheme + 3) != std::string::npos)
    throw Error("invalid_config", std::string(setting) + " must be scheme://host[:port], not '" + e + "'",
                400);
  return {e, e.substr(scheme + 3)};
}

}  // namespace

struct S3Store::Request {
  Request(std::string m, std::string b, std::string k = "")
      : method(std::move(m)), bucket(std::move(b)), key(std::move(k)) {}
  std::string method;
  std::string bucket, key;  // key empty: a bucket request
  std::map<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // signed, lower-case names
  std::string body;                            // small request bodies (XML)
  std::FILE* upload = nullptr;                 // else: `upload_size` bytes from the file's current position
  uint64_t upload_size = 0;
  const ByteSink* sink = nullptr;  // a 2xx response body goes here instead of Response::body
};

struct S3Store::Response {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  uint64_t streamed = 0;
  bool sink_stopped = false;
  bool ok() const { return status >= 200 && status < 300; }
  [[noreturn]] void fail(const Request& r) const {
    const auto code = xml_values(body, "Code");
    throw Error("storage_error",
                "object store refused " + r.method + " " + r.bucket + "/" + r.key + ": HTTP " +
                    std::to_string(status) + (code.empty() ? "" : " " + code[0]),
                502);
  }
};

S3Store::S3Store(S3Config config, std::filesystem::path spool, uint64_t min_free_bytes)
    : BlobStore(std::move(spool), min_free_bytes), config_(std::move(config)) {
  std::tie(scheme_host_, host_) = split_endpoint(config_.endpoint, "YIVIDEO_S3_ENDPOINT");
  std::tie(public_scheme_host_, public_host_) =
      config_.public_endpoint.empty() ? std::pair(scheme_host_, host_)
                                      : split_endpoint(config_.public_endpoint, "YIVIDEO_S3_PUBLIC_ENDPOINT");
}

S3Store::Response S3Store::send(const Request& r) const {
  const off_t start = r.upload ? ftello(r.upload) : 0;  // where a resent upload starts again
  for (int attempt = 1;; ++attempt) {
    Response res = send_once(r);
    const bool transient = res.status == 500 || res.status == 502 || res.status == 503 || res.status == 504;
    if (!transient || attempt == 4 || (r.upload && fseeko(r.upload, start, SEEK_SET) != 0)) return res;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
}

S3Store::Response S3Store::send_once(const Request& r) const {
  SignedRequest s;
  s.method = r.method;
  s.host = host_;
  s.path = "/" + r.bucket + (r.key.empty() ? "" : "/" + uri_encode(r.key, true));
  s.query = r.query;
  s.headers = r.headers;
  s.payload_hash = r.upload ? "UNSIGNED-PAYLOAD" : sha256_hex(r.body);
  s.amz_date = amz_now();
  std::string url = scheme_host_ + s.path, query;
  for (const auto& [k, v] : r.query) {
    query.append(query.empty() ? "?" : "&").append(uri_encode(k, false));
    if (!v.empty() || k != "uploads") query.append("=").append(uri_encode(v, false));
  }
  url += query;

  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) throw Error("storage_error", "libcurl could not start a request", 502);
  std::unique_ptr<curl_slist, CurlFree> list;
  const auto add_header = [&](const std::string& line) {
    list.reset(curl_slist_append(list.release(), line.c_str()));
  };
  for (const auto& [k, v] : sign(s, config_.credentials)) add_header(k + ": " + v);
  for (const auto& [k, v] : r.headers) add_header(k + ": " + v);
  add_header("Expect:");  // no 100-continue round trip before uploads

  Response out;
  struct Context {
    const Request* request;
    Response* response;
    CURL* curl;
    uint64_t upload_left;
  } ctx{&r, &out, curl.get(), r.upload_size};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);  // a stalled transfer fails after a minute
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 60L);
  if (r.method == "HEAD") {
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
  } else if (r.upload) {
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, curl_off_t(r.upload_size));
    curl_easy_setopt(c, CURLOPT_READDATA, &ctx);
    curl_easy_setopt(
        c, CURLOPT_READFUNCTION, +[](char* buffer, size_t size, size_t n, void* user) -> size_t {
          auto* x = static_cast<Context*>(user);
          const size_t want = size_t(std::min<uint64_t>(size * n, x->upload_left));
          const size_t got = std::fread(buffer, 1, want, x->request->upload);
          x->upload_left -= got;
          return got < want ? CURL_READFUNC_ABORT : got;
        });
  } else if (r.method != "GET") {
    // libcurl would label the body a form; S3 bodies are XML (or empty).
    add_header("Content-Type: application/xml");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(r.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &out);
  curl_easy_setopt(
      c, CURLOPT_HEADERFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
        std::string line(data, size * n);
        const auto colon = line.find(':');
        if (colon != std::string::npos) {
          std::string value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(" \t"));
          while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
          static_cast<Response*>(user)->headers[lower(line.substr(0, colon))] = value;
        }
        return size * n;
      });
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &ctx);
  curl_easy_setopt(
      c, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* user) -> size_t {
        auto* x = static_cast<Context*>(user);
        long status = 0;
        curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
        if (x->request->sink && status >= 200 && status < 300) {
          x->response->streamed += size * n;
          if (!(*x->request->sink)(data, size * n)) {
            x->response->sink_stopped = true;
            return 0;  // stops the transfer
          }
        } else if (x->response->body.size() < kMaxErrorBody) {
          x->response->body.append(data, size * n);
        }
        return size * n;
      });
  const CURLcode rc = curl_easy_perform(c);
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out.status);
  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && out.sink_stopped)) {
    // Where the object store is, is the deployment's business: the log says it, the answer does not.
    spdlog::error("object store at {} unreachable: {}", scheme_host_, curl_easy_strerror(rc));
    throw Error("storage_unavailable",
                std::string("the object store is unreachable: ") + curl_easy_strerror(rc), 503);
  }
  return out;
}

std::optional<ObjectInfo> S3Store::stat(const std::string& bucket, const std::string& key) const {
  check_bucket(bucket);
  check_key(key);
  Request r("HEAD", bucket, key);
  const Response res = send(r);
  if (res.status == 404) return std::nullopt;
  if (!res.ok()) res.fail(r);
  const auto header = [&](const char* name) {
    const auto it = res.headers.find(name);
    return it == res.headers.end() ? std::string() : it->second;
  };
  return ObjectInfo{std::stoull("0" + header("content-length")), header("etag"),
                    http_date(header("last-modified")), header("content-type")};
}

bool S3Store::read(const std::string& bucket, const std::string& key, uint64_t offset, uint64_t length,
                   const ByteSink& sink) const {
  check_bucket(bucket);
  check_key(key);
  if (length == 0) return true;
  Request r("GET", bucket, key);
  r.headers["range"] = "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
  r.sink = &sink;
  const Response res = send(r);
  if (res.status == 404) throw Error("file_not_found", "文件不存在: " + key, 404);
  if (res.status == 416) return false;
  if (!res.ok()) res.fail(r);
  return !res.sink_stopped && res.streamed == length;
}

bool S3Store::remove(const std::string& bucket, const std::string& key) const {
  if (!stat(bucket, key)) return false;  // S3 answers 204 whether or not there was an object
  Request r("DELETE", bucket, key);
  const Response res = send(r);
  if (!res.ok()) res.fail(r);
  return true;
}

bool S3Store::for_each_listed(const std::string& bucket, const std::string& prefix,
                              const std::function<bool(ListedObject)>& each) const {
  std::string token;
  do {
    Request list("GET", bucket);
    list.query = {{"list-type", "2"}, {"prefix", prefix}};
    if (!token.empty()) list.query["continuation-token"] = token;
    const Response res = send(list);
    if (res.status == 404) return true;  // no such bucket: no objects
    if (!res.ok()) res.fail(list);
    // Each <Contents> holds one <Key> and one <Size>, in this order.
    const auto keys = xml_values(res.body, "Key"), sizes = xml_values(res.body, "Size");
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!each({keys[i], i < sizes.size() ? std::strtoull(sizes[i].c_str(), nullptr, 10) : 0})) return false;
    }
    const auto next = xml_values(res.body, "NextContinuationToken");
    token = next.empty() ? "" : next[0];
  } while (!token.empty());
  return true;
}

std::vector<ListedObject> S3Store::list(const std::string& bucket, const std::string& prefix, size_t max,
                                        bool& truncated) const {
  check_bucket(bucket);
  check_prefix(prefix);
  std::vector<ListedObject> found;
  truncated = !for_each_listed(bucket, prefix, [&](ListedObject o) {
    if (found.size() == max) return false;
    found.push_back(std::move(o));
    return true;
  });
  return found;
}

uint64_t S3Store::remove_folder(const std::string& bucket, const std::string& prefix) const {
  check_bucket(bucket);
  check_key(prefix);
  uint64_t removed = 0;
  for_each_listed(bucket, prefix + "/", [&](const ListedObject& o) {
    Request del("DELETE", bucket, o.key);
    const Response gone = send(del);
    if (!gone.ok()) gone.fail(del);
    ++removed;
    return true;
  });
  return removed;
}

std::optional<std::string> S3Store::presigned_url(const std::string& bucket, const std::string& key) const {
  if (config_.presign_seconds <= 0) return std::nullopt;
  SignedRequest s;
  s.method = "GET";
  s.host = public_host_;
  s.path = "/" + bucket + "/" + uri_encode(key, true);
  s.amz_date = amz_now();
  return public_scheme_host_ + s.path + "?" + presign_query(s, config_.credentials, config_.presign_seconds);
}

namespace {
using FilePtr = std::unique_ptr<std::FILE, int (*)(std::FILE*)>;
FilePtr open_at(const std::filesystem::path& file, uint64_t offset) {
  FilePtr f(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!f || fseeko(f.get(), off_t(offset), SEEK_SET) != 0) {
    spdlog::error("cannot read the spool file {}", file.string());
    throw Error("storage_error", "cannot read the upload's spool file", 507);
  }
  return f;
}
}  // namespace

ObjectInfo S3Store::commit_file(const std::filesystem::path& file, uint64_t size, const std::string& type,
                                const std::string& bucket, const std::string& key) const {
  check_bucket(bucket);
  check_key(key);
  // `type` is recorded with the object, so that a download needs no extra request to recognise it.
  const auto upload = [&] {
    if (size > config_.part_size) {
      put_multipart(bucket, key, file, size, type);
    } else {
      put_file(bucket, key, file, size, type);
    }
  };
  try {
    upload();
  } catch (const Error& e) {
    if (std::string(e.what()).find("NoSuchBucket") == std::string::npos) throw;
    // Concurrent first uploads all get here; whichever creates the bucket, the others' "already exists"
    // answers are fine, and a real failure shows in the upload that follows.
    send(Request("PUT", bucket));
    upload();
  }
  return *stat(bucket, key);
}

void S3Store::put_file(const std::string& bucket, const std::string& key, const std::filesystem::path& file,
                       uint64_t size, const std::string& type) const {
  const FilePtr f = open_at(file, 0);
  Request r("PUT", bucket, key);
  r.headers["content-type"] = type;
  r.upload = f.get();
  r.upload_size = size;
  const Response res = send(r);
  if (!res.ok()) res.fail(r);
}

void S3Store::put_multipart(const std::string& bucket, const std::string& key,
                            const std::filesystem::path& file, uint64_t size, const std::string& type) const {
  Request start("POST", bucket, key);
  start.query = {{"uploads", ""}};
  start.headers["content-type"] = type;
  const Response started = send(start);
  if (!started.ok()) started.fail(start);
  const auto ids = xml_values(started.body, "UploadId");
  if (ids.empty()) throw Error("storage_error", "the object store started no multipart upload", 502);
  const std::string id = ids[0];
  try {
    std::string complete = "<CompleteMultipartUpload>";
    int part = 1;
    for (uint64_t offset = 0; offset < size; offset += config_.part_size, ++part) {
      const FilePtr f = open_at(file, offset);
      Request put("PUT", bucket, key);
      put.upload = f.get();
      put.query = {{"partNumber", std::to_string(part)}, {"uploadId", id}};
      put.upload_size = std::min(config_.part_size, size - offset);
      const Response res = send(put);
      if (!res.ok()) res.fail(put);
      const auto etag = res.headers.find("etag");
      complete += "<Part><PartNumber>" + std::to_string(part) + "</PartNumber><ETag>" +
                  (etag == res.headers.end() ? "" : etag->second) + "</ETag></Part>";
    }
    complete += "</CompleteMultipartUpload>";
    Request finish("POST", bucket, key);
    finish.query = {{"uploadId", id}};
    finish.body = complete;
    const Response done = send(finish);
    // S3 may answer 200 with an error document when completing fails late.
    if (!done.ok() || done.body.find("<Error>") != std::string::npos) done.fail(finish);
  } catch (...) {
    Request abort("DELETE", bucket, key);
    abort.query = {{"uploadId", id}};
    try {
      send(abort);
    } catch (...) {
    }
    throw;
  }
}

}  // namespace yv::storage
