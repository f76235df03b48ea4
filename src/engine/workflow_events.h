// A workflow's progress as a stream of events: what GET /v1/workflows/{id}/events sends
// (http/event_routes.h).
//
// The events are derived from the state store, never from hooks in the process that runs the work: each
// poll() renders the workflow's view (workflow_view.h, the status route's document) from the stored record
// and its stages' jobs, and compares it with what the stream has already told. So a stream works with any
// backend and any number of gateways and workers, and tells the same story whichever gateway serves it.
// Transcript segments come from the running job's partial output (engine/partial_output.h), sent by its
// worker's heartbeats.
//
// Events, in this order (data: one JSON object each):
//   snapshot        the status document, first (unless the stream resumes)
//   stage_started   {"stage","task_name","at"}                      at: unix seconds of its claim
//   segment         {"stage","task_name","index","start","end","text"[,"speaker"]}, each index once, rising
//   stage_progress  {"stage","task_name","percent","workflow_percent","eta_seconds"}, only when percent rose
//   stage_completed {"stage","task_name","status":"completed","output","download_urls"}
//   stage_failed    {"stage","task_name","error":{"code","detail"}}
//   end             {"status": completed|failed|cancelled, "workflow_percent"}, last
// A cancelled or skipped stage has no event of its own: `end` says the workflow was cancelled or failed.
// Percents are 0-100 with one decimal; within a stream neither a stage's percent nor workflow_percent goes
// down (a stage run again after its worker died resumes from the highest value told).
//
// Every event's id is the stream's position after it, as one integer that grows with every event:
//   id = stage * 2^42 + phase * 2^40 + segments * 2^10 + permille
// (phase 0: the stage has not started; 1: started; 2: ended; segments: how many of its segments were told;
// permille: its progress told, 0-1000). A client reconnecting with Last-Event-ID resumes right after that
// position on any gateway, without state kept anywhere. A resumed stream gets a fresh snapshot instead when
// the position does not fit the workflow as it is now: an id that is not one of ours, a stage index past the
// chain, stages before the position that have not ended (the workflow was retried since), or a position after
// `end`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/state_store.h"

namespace yv::engine {

struct WorkflowEvent {
  uint64_t id = 0;
  std::string type;
  nlohmann::json data;
};

// A stream's position (see the header comment).
struct EventPosition {
  int stage = 0;
  int phase = 0;  // 0: stage not started, 1: started, 2: ended
  int64_t segments = 0;
  int permille = 0;

  uint64_t id() const;
  // The position an id names; nothing for text that is not an id of ours.
  static std::optional<EventPosition> parse(const std::string& id);
};

class WorkflowEvents {
 public:
  // REQUIRES: state outlives the object. `url_base` as for the status route; `last_event_id` is the client's
  // Last-Event-ID header (empty: a new stream).
  WorkflowEvents(store::StateStore& state, std::string workflow_id, std::string url_base,
                 const std::string& last_event_id);

  // Reads the workflow now and returns the events that happened since the last call (the first call: a
  // snapshot, unless resuming). Throws yv::Error "workflow_not_found" (404), and what the store throws.
  std::vector<WorkflowEvent> poll();

  // Whether `end` was returned: the stream is over.
  bool ended() const { return ended_; }

 private:
  // Appends the events from position_ up to what `view` and the stages' partial outputs show.
  void follow(const nlohmann::json& view, const std::vector<nlohmann::json>& partial,
              const std::vector<std::optional<double>>& started_at, std::vector<WorkflowEvent>& out);
  // Whether a resumed position fits `view`.
  bool fits(const nlohmann::json& view) const;
  double workflow_percent(const nlohmann::json& view);

  store::StateStore& state_;
  const std::string id_, url_base_;
  std::optional<EventPosition> resume_;  // the client's position, until the first poll
  bool first_ = true, ended_ = false;
  EventPosition position_;
  double workflow_percent_ = 0;  // the highest told
};

}  // namespace yv::engine
