#include "engine/callback_outbox.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "engine/task_service.h"
#include "engine/workflow_view.h"

namespace yv::engine {
namespace {

using nlohmann::json;

constexpr double kMaxDelaySeconds = 600;
// How long a deliverer holds the rows it claimed: far longer than one POST may take (net/webhook.h).
constexpr double kClaimSeconds = 60;

}  // namespace

std::optional<store::CallbackTarget> requested_callback(const json& body) {
  const auto url = optional_string(body, "callback");
  const auto header = optional_string(body, "callback_auth_header");
  if (!url) {
    if (header) throw Error("invalid_request", "callback_auth_header needs a callback", 400);
    return std::nullopt;
  }
  return store::CallbackTarget{*url, header ? std::optional(net::callback_auth_line(*header)) : std::nullopt};
}

OutboxOptions OutboxOptions::from_environment() {
  OutboxOptions o;
  o.policy = net::WebhookPolicy::from_environment();
  if (const char* base = std::getenv("YIVIDEO_CALLBACK_RETRY_BASE")) {
    const double seconds = std::atof(base);
    if (seconds > 0) o.retry_base_seconds = seconds;
  }
  return o;
}

CallbackOutbox::CallbackOutbox(store::StateStore& state, OutboxOptions options)
    : state_(state), options_(std::move(options)) {}

int CallbackOutbox::collect() {
  int added = 0;
  for (const std::string& id : state_.to_notify("workflow")) {
    bool sent = false;
    state_.update_workflow(id, [&](std::optional<store::WorkflowRecord>& w, store::Changes& changes) {
      sent = false;
      if (!w || !w->notify || !w->callback || w->status == "running") return;
      const json view = workflow_view(
          *w, [this](int64_t job) { return state_.job(job); }, nullptr);
      changes.add_callback("workflow", id, *w->callback,
                           {{"workflow_id", id},
                            {"status", view["status"]},
                            {"stages", view["stages"]},
                            {"error", view["error"]}});
      w->notify = false;
      sent = true;
    });
    added += sent;
  }
  for (const std::string& id : state_.to_notify("task")) {
    bool sent = false;
    state_.update_task(id, [&](std::optional<store::TaskRecord>& t, store::Changes& changes) {
      sent = false;
      if (!t || !t->notify || !t->callback) return;
      const store::JobStatus job = state_.job(t->job_id);
      if (job.state == store::JobState::kReady || job.state == store::JobState::kLeased) return;
      json body = task_outcome(job);
      body["task_id"] = id;
      changes.add_callback("task", id, *t->callback, std::move(body));
      t->notify = false;
      sent = true;
    });
    added += sent;
  }
  return added;
}

std::string attempt_body(const store::CallbackRecord& c, double now) {
  json body = json::parse(c.body);
  body["delivery"] = {{"callback_id", c.id}, {"attempt", c.attempts + 1}, {"sent_at", int64_t(now)}};
  return body.dump();
}

int CallbackOutbox::deliver_due() {
  int delivered = 0;
  for (store::CallbackRecord c : state_.claim_callbacks(store::wall_clock(), 32, kClaimSeconds)) {
    // No transaction is held while the network is in use.
    const net::WebhookResult r = net::post_webhook(c.target.url, attempt_body(c, store::wall_clock()),
                                                   options_.policy, c.target.auth_header);
    const double now = store::wall_clock();
    c.attempts += 1;
    c.next_at = now + std::min(kMaxDelaySeconds, options_.retry_base_seconds * std::pow(2.0, c.attempts - 1));
    // A target whose address is refused would be refused again: it fails at once.
    const bool last = r.refused || c.attempts >= options_.max_attempts;
    c.status = r.delivered ? "delivered" : last ? "failed" : "pending";
    c.last_error = r.delivered ? std::nullopt : std::optional<std::string>(r.error);
    c.delivered_at = r.delivered ? std::optional<double>(now) : std::nullopt;
    state_.record_attempt(c);
    if (r.delivered) {
      ++delivered;
    } else {
      spdlog::warn("callback {} to {}: attempt {} failed: {}", c.id, c.target.url, c.attempts, r.error);
    }
  }
  return delivered;
}

json callback_status(store::StateStore& state, const std::string& kind, const std::string& owner_id,
                     bool has_callback) {
  if (!has_callback) return nullptr;
  const auto c = state.latest_callback(kind, owner_id);
  // Until the run ends there is nothing to send yet: the callback is pending.
  if (!c) return {{"status", "pending"}, {"attempts", 0}, {"last_error", nullptr}, {"delivered_at", nullptr}};
  return {{"status", c->status},
          {"attempts", c->attempts},
          {"last_error", text_or_null(c->last_error)},
          {"delivered_at", time_or_null(c->delivered_at)}};
}

}  // namespace yv::engine
