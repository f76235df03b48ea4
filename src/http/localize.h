// Chinese error messages for clients that ask for them (`Accept-Language: zh...`), as the quick-start shows.
//
// Messages are written in English at the throw site; this catalogue gives each stable error code its Chinese
// summary, which leads the detail ("工作流不存在: workflow … not found"), so a Chinese reader gets the gist
// and the specifics are never lost. Details that are already Chinese (the contract fixes some, e.g.
// "文件不存在: <path>") are left as they are. Every code the sources use has its summary
// (tests/unit/api_server_test.cc reads them from the sources); a code without one is sent as it is.
#pragma once

#include <string>

namespace yv::http {

// True when the Accept-Language header's first choice is Chinese.
bool prefers_chinese(const std::string& accept_language);

// The detail to send for `code` to a client that prefers Chinese.
std::string chinese_detail(const std::string& code, const std::string& detail);

}  // namespace yv::http
