#include "http/studio_routes.h"

#include <httplib.h>

#include <map>
#include <regex>

#include "core/error.h"
#include "core/files.h"
#include "core/paths.h"

namespace yv::http {
namespace {

// Script, style and calls from this origin alone; media from it or from blob: URLs (with keys on the studio
// fetches the input and the subtitles with its key and plays the copies); no images, no framing.
constexpr const char* kStudioPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; media-src 'self' blob:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

constexpr const char* kNotBuilt = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>YiVideo Studio is not built</title></head>
<body><h1>YiVideo Studio is not built</h1>
<p>The server found no studio build. <code>scripts/serve</code> builds it (<code>npm ci &amp;&amp; npm run build</code>
in <code>web/studio</code>, into <code>~/.cache/yivideo/studio-&lt;hash&gt;</code>); a server started otherwise finds
it through <code>YIVIDEO_STUDIO_DIR</code>.</p>
<p>The API answers meanwhile; its documentation is at <a href="/docs">/docs</a>.</p></body></html>
)html";

// What the build writes besides the page (web/studio/build.mjs); nothing else is served.
const std::map<std::string, std::string>& media_types() {
  static const std::map<std::string, std::string> types = {{".js", "text/javascript; charset=utf-8"},
                                                           {".css", "text/css; charset=utf-8"}};
  return types;
}

void send_page(httplib::Response& res) {
  res.set_header("Content-Security-Policy", kStudioPolicy);
  res.set_header("Cache-Control", "no-cache");
  const auto page = studio_dir() / "index.html";
  if (!std::filesystem::is_regular_file(page)) {
    res.status = 404;
    return res.set_content(kNotBuilt, "text/html; charset=utf-8");
  }
  res.set_content(read_file(page), "text/html; charset=utf-8");
}

}  // namespace

std::filesystem::path studio_dir() {
  if (const char* dir = std::getenv("YIVIDEO_STUDIO_DIR"); dir && *dir) return dir;
  return cache_dir() / "studio";
}

void add_studio_routes(Router& router) {
  // The page's relative asset names resolve against /studio/, so the address people type without the slash
  // is sent there rather than answered with the page.
  router.add({"GET",
              "/studio",
              "studio",
              "The web studio's address without its trailing slash: sent to /studio/",
              {},
              nullptr,
              {{"301", "Moved to /studio/ (Location)"}}},
             [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/studio/", 301); });
  router.add({"GET",
              "/studio/",
              "studio",
              "The web studio (upload, run, watch, correct and download in the browser)",
              {},
              nullptr,
              {{"200", {{"description", "HTML page"}, {"content_type", "text/html"}}},
               {"404",
                {{"description", "The studio is not built: a page saying how to build it"},
                 {"content_type", "text/html"}}}}},
             [](const httplib::Request&, httplib::Response& res) { send_page(res); });
  router.add({"GET",
              "/studio/{studio_file}",
              "studio",
              "The studio's script and style sheet, named by their content hash",
              {},
              nullptr,
              {{"200", {{"description", "The file"}, {"content_type", {"text/javascript", "text/css"}}}},
               {"404", "No such asset"}}},
             [](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1];
               if (name == "index.html") return send_page(res);
               // Names the build writes: letters, digits, '-', '_' and '.', never a leading '.'.
               static const std::regex kName(R"([A-Za-z0-9_-][A-Za-z0-9_.-]*)");
               const auto dot = name.rfind('.');
               const auto type =
                   dot == std::string::npos ? media_types().end() : media_types().find(name.substr(dot));
               const auto path = studio_dir() / name;
               if (!std::regex_match(name, kName) || type == media_types().end() ||
                   !std::filesystem::is_regular_file(path))
                 throw Error("not_found", "no studio asset " + name, 404);
               res.set_header("Cache-Control", "public, max-age=31536000, immutable");
               res.set_content(read_file(path), type->second);
             });
}

}  // namespace yv::http
