// The web studio (web/studio/, issue 22) served from the folder its build wrote: GET /studio/ is its page,
// GET /studio/{asset} its script and style sheet.
//
// The files are read from disk at each request rather than compiled in, so the server builds without node
// and a new studio build needs no server build: scripts/serve and scripts/test build it (yv_ensure_studio in
// scripts/lib/deps.sh) into the cache under the hash of its sources and point YIVIDEO_STUDIO_DIR at it.
// The build names assets by their content hash, so they are served as immutable and the page, which names
// them, as no-cache: a browser never runs an old script with a new page. Everything is same-origin and the
// page runs under a strict policy (no inline script or style, connect-src 'self'), so no request leaves the
// server. A missing build answers a 404 page saying how to build it, never an error of the server.
#pragma once

#include <filesystem>

#include "http/router.h"

namespace yv::http {

// Where the built studio is: $YIVIDEO_STUDIO_DIR, else <cache>/studio (the link yv_ensure_studio keeps to
// its latest build).
std::filesystem::path studio_dir();

// Adds GET /studio (a redirect to /studio/), GET /studio/ and GET /studio/{asset}, open to all as the docs
// are (the page holds no data; every call it makes carries the user's key). REQUIRES: router outlives the
// server.
void add_studio_routes(Router& router);

}  // namespace yv::http
