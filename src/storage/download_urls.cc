#include "storage/download_urls.h"

#include <functional>

#include "storage/object_keys.h"
#include "storage/sigv4.h"

namespace yv::storage {

std::string download_url(const std::string& base, const std::string& bucket, const std::string& key) {
  return base + "/v1/files/download/" + uri_encode(key, true) +
         (bucket == kDefaultBucket ? "" : "?bucket=" + uri_encode(bucket, false));
}

std::string listing_url(const std::string& base, const std::string& prefix) {
  return base + "/v1/files/list?prefix=" + uri_encode(prefix, true);  // "/" may stay in a query
}

nlohmann::json download_urls(const nlohmann::json& output, const std::string& base) {
  nlohmann::json urls = nlohmann::json::object();
  const std::function<void(const nlohmann::json&, const std::string&)> visit = [&](const nlohmann::json& v,
                                                                                   const std::string& at) {
    if (v.is_object()) {
      for (const auto& [name, child] : v.items()) visit(child, at.empty() ? name : at + "." + name);
    } else if (v.is_array()) {
      for (size_t i = 0; i < v.size(); ++i) visit(v[i], at + "." + std::to_string(i));
    } else if (v.is_string()) {
      const std::string& name = v.get_ref<const std::string&>();
      const auto key = share_key(name);
      if (!key || key->empty()) return;
      urls[at] =
          name.ends_with('/') ? listing_url(base, *key + "/") : download_url(base, kDefaultBucket, *key);
    }
  };
  visit(output, "");
  return urls;
}

}  // namespace yv::storage
