#include "llm/chat_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <sstream>
#include <thread>

#include "core/error.h"
#include "core/utf8.h"

namespace yv::llm {
namespace {

using nlohmann::json;

constexpr double kMaxBackoffSeconds = 30;
constexpr size_t kMaxAnswerBytes = 8 << 20;  // a chat answer; more means a broken server

std::string redact(std::string text, const std::string& key) {
  if (key.empty()) return text;
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at))
    text.replace(at, key.size(), "***");
  return text;
}

// The provider's own words about an error answer: error.message of {"error": {...}} or {"error": "..."}, else
// the start of the body.
std::string error_message(const std::string& body) {
  const json parsed = json::parse(body, nullptr, false);
  if (parsed.is_object() && parsed.contains("error")) {
    const json& e = parsed["error"];
    if (e.is_string()) return e;
    if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"];
  }
  return utf8_prefix(body, 200);
}

// The text of a chat completion: the concatenated deltas of a server-sent event stream, or the message of an
// answer that came whole (a server that ignores "stream"). Throws llm_bad_answer when it is neither.
std::string answer_text(const std::string& raw, const std::string& who) {
  const auto bad = [&](const std::string& why) { return Error("llm_bad_answer", who + " sent " + why, 502); };
  const json whole = json::parse(raw, nullptr, false);
  if (whole.is_object()) {
    const json* content = nullptr;
    if (whole.contains("choices") && whole["choices"].is_array() && !whole["choices"].empty()) {
      const json& choice = whole["choices"][0];
      if (choice.contains("message") && choice["message"].contains("content"))
        content = &choice["message"]["content"];
    }
    if (!content || !content->is_string()) throw bad("an answer that is not a chat completion");
    return *content;
  }
  std::string text;
  bool any = false;
  std::istringstream lines(raw);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.starts_with(':')) continue;
    if (!line.starts_with("data:")) throw bad("a stream line that is not an event: " + utf8_prefix(line, 80));
    std::string payload = line.substr(5);
    if (payload.starts_with(' ')) payload.erase(0, 1);
    if (payload == "[DONE]") break;
    const json event = json::parse(payload, nullptr, false);
    if (!event.is_object()) throw bad("an event that is not JSON: " + utf8_prefix(payload, 80));
    if (event.contains("error")) throw bad("an error in its stream: " + error_message(payload));
    if (!event.contains("choices") || !event["choices"].is_array()) throw bad("an event without choices");
    any = true;
    for (const auto& choice : event["choices"]) {
      if (choice.contains("delta") && choice["delta"].contains("content") &&
          choice["delta"]["content"].is_string())
        text += choice["delta"]["content"].get<std::string>();
    }
  }
  if (!any) throw bad("an empty answer");
  return text;
}

struct Transfer {
  std::string body;
  double retry_after = -1;
  const std::atomic<bool>* cancelled = nullptr;
  double idle_seconds = 60;
  curl_off_t received = 0;  // body bytes, when last seen to grow
  std::chrono::steady_clock::time_point grew = std::chrono::steady_clock::now();
  bool went_idle = false;
};

size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->body.size() + size * n > kMaxAnswerBytes) return 0;
  t->body.append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  std::string line(data, size * n);
  std::transform(line.begin(), line.end(), line.begin(), [](unsigned char c) { return std::tolower(c); });
  if (line.starts_with("retry-after:")) {
    try {
      static_cast<Transfer*>(user)->retry_after = std::stod(line.substr(12));
    } catch (const std::exception&) {  // an HTTP date: the default back-off applies
    }
  }
  return size * n;
}

// Stops the transfer when cancelled, or when an answer that has begun stops for idle_seconds. Before the
// first byte only the whole-call timeout applies: a local server working through a long prompt on a busy CPU
// sends nothing until its first token.
int on_progress(void* user, curl_off_t, curl_off_t received, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  if (t->cancelled && t->cancelled->load()) return 1;
  const auto now = std::chrono::steady_clock::now();
  if (received != t->received) {
    t->received = received;
    t->grew = now;
  } else if (received > 0 && now - t->grew > std::chrono::duration<double>(t->idle_seconds)) {
    t->went_idle = true;
    return 1;
  }
  return 0;
}

}  // namespace

ChatClient::ChatClient(Provider provider, ChatOptions options, const std::atomic<bool>* cancelled)
    : provider_(std::move(provider)), options_(options), cancelled_(cancelled) {}

std::string ChatClient::attempt(const std::string& body, const std::string& key, int& http_status,
                                double& retry_after) const {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  CURL* c = curl.get();
  const std::string url = provider_.base_url + "/chat/completions";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, curl_slist_free_all);
  const auto add = [&](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add("Content-Type: application/json");
  add("Accept: text/event-stream, application/json");
  if (!key.empty()) add("Authorization: Bearer " + key);
  Transfer t;
  t.cancelled = cancelled_;
  t.idle_seconds = options_.idle_seconds;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.size()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, long(options_.timeout_seconds * 1000));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, long(std::min(options_.timeout_seconds, 10.0) * 1000));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  const CURLcode rc = curl_easy_perform(c);
  const std::string who = "LLM provider " + provider_.name + " (" + provider_.base_url + ")";
  if (t.went_idle) {
    throw Error("llm_timeout",
                who + " stopped sending its answer for " + std::to_string(int(t.idle_seconds)) + " s", 504);
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) throw Error("cancelled", "cancelled while waiting for " + who, 409);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    throw Error("llm_timeout", who + " did not answer in time (" + curl_easy_strerror(rc) + ")", 504);
  }
  if (rc != CURLE_OK) {
    throw Error("llm_unavailable", who + " cannot be reached: " + curl_easy_strerror(rc), 503);
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  http_status = int(status);
  retry_after = t.retry_after;
  return std::move(t.body);
}

std::string ChatClient::request(const std::vector<Message>& messages, const json& schema) const {
  const std::string key = api_key(provider_);
  json body = {{"model", provider_.model},
               {"messages", json::array()},
               {"temperature", options_.temperature},
               {"max_tokens", options_.max_tokens},
               {"stream", true}};
  for (const auto& m : messages) body["messages"].push_back({{"role", m.role}, {"content", m.content}});
  if (!schema.is_null()) {
    body["response_format"] =
        provider_.json_schema
            ? json{{"type", "json_schema"},
                   {"json_schema", {{"name", "answer"}, {"strict", true}, {"schema", schema}}}}
            : json{{"type", "json_object"}};
  }
  const std::string payload = body.dump();
  const std::string who = "LLM provider " + provider_.name;
  double wait = options_.backoff_seconds;
  for (int tried = 0;; ++tried) {
    int status = 0;
    double retry_after = -1;
    const std::string answer = attempt(payload, key, status, retry_after);
    if (status == 200) return answer_text(answer, who);
    const std::string said = redact(error_message(answer), key);
    const std::string what = who + " answered HTTP " + std::to_string(status) + ": " + said;
    if (status == 401 || status == 403)
      throw Error("llm_auth_failed", what + " (check " + provider_.key_variable + ")", 502);
    const bool transient = status == 429 || status >= 500;
    if (!transient) throw Error("llm_request_rejected", what, 502);
    if (tried >= options_.max_retries) {
      throw Error(status == 429 ? "llm_rate_limited" : "llm_unavailable",
                  what + " (after " + std::to_string(tried + 1) + " attempts)", 503);
    }
    const double pause = std::min(kMaxBackoffSeconds, retry_after >= 0 ? retry_after : wait);
    for (auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(pause);
         std::chrono::steady_clock::now() < until;) {
      if (cancelled_ && cancelled_->load())
        throw Error("cancelled", "cancelled while waiting for " + who, 409);
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    wait *= 2;
  }
}

std::string ChatClient::complete(const std::vector<Message>& messages) const {
  return request(messages, nullptr);
}

json ChatClient::complete_json(const std::vector<Message>& messages, const json& schema,
                               const std::function<std::string(const json&)>& check) const {
  std::vector<Message> conversation = messages;
  for (int round = 0;; ++round) {
    std::string problem, answer;
    try {
      answer = request(conversation, schema);
      const json parsed = json::parse(answer, nullptr, false);
      problem = parsed.is_discarded() ? "the answer is not valid JSON (" + utf8_prefix(answer, 120) + ")"
                                      : check(parsed);
      if (problem.empty()) return parsed;
    } catch (const Error& e) {
      if (e.code() != "llm_bad_answer" || round > 0) throw;
      problem = e.detail();
    }
    if (round > 0) {
      throw Error("llm_bad_answer",
                  "LLM provider " + provider_.name + " answered twice with unusable JSON: " + problem, 502);
    }
    conversation.push_back({"assistant", answer});
    conversation.push_back({"user", "That answer cannot be used: " + problem +
                                        ". Answer again with only the JSON object asked for."});
  }
}

}  // namespace yv::llm
