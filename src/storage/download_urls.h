// The URLs clients fetch stored objects by, through the gateway: what upload answers, listings and the stages
// of a workflow's status carry, so that every output is one GET away from any client.
//
// `base` is where clients reach the API (YIVIDEO_PUBLIC_URL, else the Host they used: http/public_url.h).
// The gateway's routes work with either store and never expire; presigned S3 URLs (BlobStore::presigned_url)
// are offered besides them where a backend has them, in upload answers and listings, whose answers are not
// kept: status bodies are (engine/view_cache.h), and a kept presigned URL would expire in them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace yv::storage {

// <base>/v1/files/download/<key>, with "?bucket=<bucket>" unless it is the default bucket.
std::string download_url(const std::string& base, const std::string& bucket, const std::string& key);

// <base>/v1/files/list?prefix=<prefix>: a folder's objects, each with its URL.
std::string listing_url(const std::string& base, const std::string& prefix);

// A URL for every "/share/..." name in `output` (a stage's output: strings, nested objects and arrays), by
// the name's place in it: {"audio_path": url, "subtitle_files.srt": url, "keyframe_files.0": url}. A folder
// ("/share/<key>/") gets its listing's URL.
nlohmann::json download_urls(const nlohmann::json& output, const std::string& base);

}  // namespace yv::storage
