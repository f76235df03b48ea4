// Where clients reach this API, for the absolute URLs answers carry (download_url, download_urls).
#pragma once

#include <string>

namespace httplib {
struct Request;
}  // namespace httplib

namespace yv::http {

// $YIVIDEO_PUBLIC_URL (a gateway behind a proxy or a port mapping names its public address there), else
// "http://" and the Host the client used; no final '/'.
std::string public_base(const httplib::Request& req);

}  // namespace yv::http
