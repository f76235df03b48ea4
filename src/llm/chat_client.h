// One client for every provider's OpenAI-compatible chat-completions endpoint (POST <base>/chat/completions),
// a thin wrapper over libcurl.
//
// Answers are streamed (server-sent events): a server that stops sending for `idle_seconds` once its answer
// has begun is taken as hung and the call fails then, instead of waiting for the whole-call timeout. Before
// the first byte only the whole-call timeout applies, since a local server reading a long prompt on a busy
// CPU sends nothing until its first token. What fails, and what is retried:
//
//   no key for a provider that needs one     llm_not_configured (400)  not retried
//   401/403                                  llm_auth_failed (502)     not retried: the key is wrong
//   other 4xx (bad model name, ...)          llm_request_rejected (502) not retried: the same request fails
//   again 429, 5xx (also a server still loading)   llm_rate_limited (503) / llm_unavailable (503) after
//   max_retries
//                                            retries with doubling back-off (Retry-After when the server
//                                            says)
//   no connection (dead server, bad host)    llm_unavailable (503)     not retried: nothing listens
//   timeout (whole call or idle)             llm_timeout (504)         not retried: a hung server hangs
//   again,
//                                            and each retry would cost the full timeout
//   a JSON-mode answer that does not parse   llm_bad_answer (502)      asked once more, with the problem
//   or fails the caller's check                                        stated, then this
//
// JSON mode sends the answer's JSON Schema as response_format json_schema to providers that take it
// (Provider::json_schema). llama-server compiles that schema into a grammar that restricts sampling to it;
// its json_object mode does not: an empty schema counts as none with a chat template
// (common/chat-auto-parser-generator.cpp), so the model wrote whatever it liked, Markdown code fences
// included. Providers that document json_object only get that, and the schema is for the caller's check.
//
// Every detail names the provider; none contains the key (a provider's message is redacted of it).
#pragma once

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llm/providers.h"

namespace yv::llm {

struct Message {
  std::string role;  // system, user, assistant
  std::string content;
};

struct ChatOptions {
  double timeout_seconds = 300;  // the whole call (one attempt)
  double idle_seconds = 60;      // no byte from the server for this long: it hangs
  int max_retries = 3;           // on 429 and 5xx only
  double backoff_seconds = 1;    // the first wait; doubled each retry, at most 30 s
  int max_tokens = 1024;
  double temperature = 0.2;
};

class ChatClient {
 public:
  // `cancelled` (may be null) stops a call in flight and the waits between retries.
  ChatClient(Provider provider, ChatOptions options, const std::atomic<bool>* cancelled = nullptr);

  // The assistant's answer to `messages`. Throws yv::Error as above.
  std::string complete(const std::vector<Message>& messages) const;

  // The answer in JSON mode, held to `schema` (a JSON Schema object) where the provider takes one, parsed
  // and given to `check`, which returns what is wrong with it (empty: nothing). An answer that does not
  // parse or that `check` rejects is asked for once more, the problem appended to the conversation; a
  // second bad answer throws llm_bad_answer.
  nlohmann::json complete_json(const std::vector<Message>& messages, const nlohmann::json& schema,
                               const std::function<std::string(const nlohmann::json&)>& check) const;

  const Provider& provider() const { return provider_; }

 private:
  std::string attempt(const std::string& body, const std::string& key, int& http_status,
                      double& retry_after) const;
  // `schema`: null for plain text, else JSON mode as described above.
  std::string request(const std::vector<Message>& messages, const nlohmann::json& schema) const;

  Provider provider_;
  ChatOptions options_;
  const std::atomic<bool>* cancelled_;
};

}  // namespace yv::llm
