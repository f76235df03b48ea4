// The callback outbox (api-contract.md §5): webhooks for finished workflows and tasks, delivered at least
// once, persistently.
//
// A workflow or task submitted with a callback is marked `notify`. When it ends (completed, failed or
// cancelled), collect() writes a row with the body to send — a snapshot taken at that moment — and clears
// the mark in the same transaction, so each run is announced exactly once however many processes look.
// deliver_due() POSTs due rows; a failed attempt is retried with exponential back-off (base, doubling, capped
// at ten minutes) up to max_attempts, then the row is marked failed. Rows live in the state database, so
// delivery resumes after a restart. The outcome is shown as `callback_status` on the status routes.
//
// Any number of deliverers may share the state (every gateway of the scale-out deployment runs one): a
// deliverer claims due rows for a minute before posting them, so two never post the same attempt.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "net/webhook.h"
#include "store/state_store.h"

namespace yv::engine {

struct OutboxOptions {
  net::WebhookPolicy policy;
  double retry_base_seconds = 2;  // first retry after this, then doubling
  int max_attempts = 10;

  // The policy from the environment, and $YIVIDEO_CALLBACK_RETRY_BASE (seconds) when set.
  static OutboxOptions from_environment();
};

class CallbackOutbox {
 public:
  // REQUIRES: state outlives the outbox.
  CallbackOutbox(store::StateStore& state, OutboxOptions options);

  // Writes a row for every finished workflow and task whose callback is due. Returns how many.
  int collect();
  // One delivery attempt for every due row. Returns how many were delivered.
  int deliver_due();

 private:
  store::StateStore& state_;
  OutboxOptions options_;
};

// The callback a workflow or task request asks for: "callback" (URL) and "callback_auth_header" (a header
// line, net::callback_auth_line). nullopt when "callback" is absent or null. Only the shape is checked here;
// the URL against the webhook policy by the service. Throws yv::Error 400: "invalid_request" (a field of the
// wrong type, or a header without a callback), "invalid_callback" (the header).
std::optional<store::CallbackTarget> requested_callback(const nlohmann::json& body);

// The body one delivery attempt of `c` POSTs at unix time `now`: the stored body (its "timestamp" tells when
// the run ended) with "delivery": {"callback_id", "attempt", "sent_at" (whole unix seconds)}. The signature
// covers all of it, so a receiver that refuses a sent_at more than a few minutes old, and a callback_id and
// attempt it has seen, detects a replayed callback; retries carry a fresh sent_at and stay acceptable.
std::string attempt_body(const store::CallbackRecord& c, double now);

// `callback_status` for a status route: null when no callback was given, else {"status": pending |
// delivered | failed, "attempts", "last_error", "delivered_at"} of the latest callback of that owner.
nlohmann::json callback_status(store::StateStore& state, const std::string& kind, const std::string& owner_id,
                               bool has_callback);

}  // namespace yv::engine
