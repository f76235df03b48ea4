// A run's files: URL inputs, and everything when the object store is remote (S3). Inputs are fetched before
// the node runs, outputs published after, so that nodes (FFmpeg, Whisper) always work on local files and
// workers on any host share one store. With the local store nothing is copied: inputs are the objects' own
// files, and a stage writes straight into its folder of the store.
//
// Either way a stage's outputs name its files as "/share/<output folder>/<file>" (folders with a final '/'),
// never by a worker's or the server's own paths: the names clients download them by (GET
// /v1/files/download/<key>, also with the "/share/..." name), and the names later stages are given.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "net/download.h"
#include "storage/blob_store.h"

namespace yv::storage {

// Replaces each string that names an input file (for_each_input_file: *_path and *_file parameters, the items
// of *_files lists, and *_path or "path" fields of objects inside lists, such as tts_segments[].audio_path
// and audio_tracks[].path), and any other top-level parameter that is a "/share/..." name (an earlier
// stage's keyframe_dir), by a local file or folder:
// an http(s) URL by a copy downloaded into `dir` (created when needed; within `urls`' limits); a store object
// ("s3://<bucket>/<key>", "/share/<key>") by its own file with the local store, by a copy in `dir` with a
// remote one (a "/share/<key>/" folder by a copy of every object in it). Returns what it replaced, as
// {"<local file>": "<name it replaced>"}. Throws "file_not_found" (404) when an object is gone,
// "invalid_path" (400) for a malformed name, and what net::download throws.
nlohmann::json fetch_inputs(const BlobStore* store, nlohmann::json& params, const std::filesystem::path& dir,
                            const net::DownloadPolicy& urls);

// Uploads every file under `work_dir` to the default bucket as <prefix>/<path relative to work_dir> when the
// store is remote (with the local store `work_dir` is that folder already), and rewrites each output string
// naming a file or folder inside `work_dir` to its "/share/<prefix>/<relative path>" name.
void publish_outputs(const BlobStore& store, nlohmann::json& output, const std::filesystem::path& work_dir,
                     const std::string& prefix);

}  // namespace yv::storage
