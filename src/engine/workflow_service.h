// Workflows (`/v1/workflows`): submit in the three execution modes, status, listing and cancellation, on a
// StateStore. The planner (engine/planner.h) decides what runs; the scheduler (engine/scheduler.h) runs it.
// Every change is one update of the workflow's record, so a concurrent submit, cancel or worker never sees a
// half-written workflow.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "engine/node_registry.h"
#include "engine/planner.h"
#include "engine/scheduler.h"
#include "engine/view_cache.h"
#include "net/webhook.h"
#include "storage/input_paths.h"
#include "store/state_store.h"

namespace yv::engine {

class WorkflowService {
 public:
  // REQUIRES: state, nodes and store outlive the service.
  WorkflowService(store::StateStore& state, const NodeRegistry& nodes, const storage::BlobStore& store);

  // POST /v1/workflows. Returns the HTTP status (202 when work was scheduled, 200 when nothing was left to
  // run) and the body. Throws yv::Error: 400 for invalid requests (see parse_workflow_request) and mode
  // rules, 404 "workflow_not_found", 409 "workflow_running" (the workflow is being changed or run), 410
  // "workflow_storage_gone" (outputs to reuse were deleted), 429 "queue_full" (see QueueLimit).
  std::pair<int, nlohmann::json> submit(const nlohmann::json& body);

  // GET /v1/workflows/status/{id}: the view as JSON text, its outputs' URLs built on `url_base`
  // (workflow_view.h), from the cache when the workflow is settled (engine/view_cache.h; a body is kept per
  // base, so clients that reach the server by two names each get their own). Throws yv::Error
  // "workflow_not_found" (404).
  std::string status(const std::string& workflow_id, const std::string& url_base = "");

  // GET /v1/workflows/{id}/subtitles: the key of the subtitle file in `format` (srt, vtt, ass, ttml, txt,
  // json) that the latest completed stage writing subtitles produced (wservice.generate_subtitle_files'
  // subtitle_files, or a <format>_file such as the OCR chain's srt_file). Throws yv::Error 400
  // "invalid_parameter" (unknown format), 404 "workflow_not_found", 409 "workflow_not_finished" (pending or
  // running), 404 "subtitles_not_found" (ended without subtitles in that format, naming those it has).
  std::string subtitle_key(const std::string& workflow_id, const std::string& format);

  // GET /v1/workflows: newest first, `limit` (1-200) per page; `status` filters (empty: all); `cursor` is the
  // next_cursor of the previous page. Throws yv::Error "invalid_request" (400) for a bad filter or cursor.
  nlohmann::json list(const std::string& status, int limit, const std::string& cursor);

  // POST /v1/workflows/{id}/cancel: queued stages are withdrawn, running ones stopped (their workers see the
  // cancellation at their next heartbeat and abort the node). Throws "workflow_not_found" (404) and
  // "workflow_finished" (409) when it had already ended.
  nlohmann::json cancel(const std::string& workflow_id);

  // The scheduler's periodic pass (see Scheduler::sweep).
  int sweep();

 private:
  std::pair<int, nlohmann::json> create(const WorkflowRequest& request);
  std::pair<int, nlohmann::json> resume(const WorkflowRequest& request);

  store::StateStore& state_;
  Scheduler scheduler_;
  const NodeRegistry& nodes_;
  storage::InputResolver inputs_;  // what input names mean, and which may be read
  net::WebhookPolicy webhooks_;    // which callback URLs are accepted
  QueueLimit queue_limit_;         // how much work may wait
  ViewCache views_;                // rendered views of settled workflows
};

}  // namespace yv::engine
