// A run's files when they are not local: URL inputs, and everything when the object store is remote (S3).
// Inputs are fetched before the node runs, outputs published after, so that nodes (FFmpeg, Whisper) always
// work on local files and workers on any host share one store. With the local store neither step is needed:
// inputs are the objects' own files, and a stage writes straight into its folder of the store.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "net/download.h"
#include "storage/blob_store.h"

namespace yv::storage {

// Replaces each *_path or *_file string parameter (an earlier stage's segments_file, ...) that names
// something not on local disk by a copy downloaded into `dir` (created when needed): an http(s) URL (within
// `urls`' limits) always, and a store object ("s3://<bucket>/<key>", "/share/<key>") when `store` is remote.
// Throws "file_not_found" (404) when an object is gone, and what net::download throws.
void fetch_inputs(const BlobStore* store, nlohmann::json& params, const std::filesystem::path& dir,
                  const net::DownloadPolicy& urls);

// Uploads every file under `work_dir` to the default bucket as <prefix>/<path relative to work_dir>, and
// rewrites each output string naming one of them to "/share/<prefix>/<relative path>" (the quick-start's
// shared folder).
void publish_outputs(const BlobStore& store, nlohmann::json& output, const std::filesystem::path& work_dir,
                     const std::string& prefix);

}  // namespace yv::storage
