#include "engine/workflow_events.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <regex>

#include "engine/callback_outbox.h"
#include "engine/planner.h"
#include "engine/workflow_view.h"

namespace yv::engine {
namespace {

using nlohmann::json;

constexpr uint64_t kStage = uint64_t{1} << 42, kPhase = uint64_t{1} << 40, kSegment = uint64_t{1} << 10;

bool stage_ended(const std::string& status) {
  return status == "completed" || status == "failed" || status == "cancelled" || status == "skipped";
}

// A stage's recorded error, "code: detail" as workers write it, as {"code","detail"}.
json error_object(const json& error) {
  const std::string text = error.is_string() ? error.get<std::string>() : "the stage failed";
  static const std::regex kCoded(R"(([a-z][a-z0-9_]*): ([\s\S]*))");
  std::smatch m;
  if (std::regex_match(text, m, kCoded)) return {{"code", m[1].str()}, {"detail", m[2].str()}};
  return {{"code", "stage_failed"}, {"detail", text}};
}

}  // namespace

uint64_t EventPosition::id() const {
  return uint64_t(stage) * kStage + uint64_t(phase) * kPhase + uint64_t(segments) * kSegment +
         uint64_t(permille);
}

std::optional<EventPosition> EventPosition::parse(const std::string& id) {
  uint64_t n = 0;
  const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), n);
  if (ec != std::errc() || end != id.data() + id.size() || id.empty()) return std::nullopt;
  EventPosition p;
  p.stage = int(n / kStage);
  p.phase = int(n % kStage / kPhase);
  p.segments = int64_t(n % kPhase / kSegment);
  p.permille = int(n % kSegment);
  if (p.phase > 2 || p.permille > 1000 || uint64_t(p.stage) > kMaxChainStages) return std::nullopt;
  if (p.phase == 2) return EventPosition{p.stage + 1, 0, 0, 0};  // after a stage's end: the next one
  return p;
}

WorkflowEvents::WorkflowEvents(store::StateStore& state, std::string workflow_id, std::string url_base,
                               const std::string& last_event_id)
    : state_(state), id_(std::move(workflow_id)), url_base_(std::move(url_base)) {
  if (!last_event_id.empty()) resume_ = EventPosition::parse(last_event_id);
}

std::vector<WorkflowEvent> WorkflowEvents::poll() {
  const auto w = state_.workflow(id_);
  if (!w) throw workflow_not_found(id_);
  // Each job is read once, for the view and for its partial output together: a worker sends its last
  // segments before it completes the job, so a read that shows the stage ended also has all its segments.
  std::map<int64_t, store::JobStatus> jobs;
  const auto job = [&](int64_t job_id) { return jobs[job_id] = state_.job(job_id); };
  const json view =
      workflow_view(*w, job, callback_status(state_, "workflow", id_, w->callback.has_value()), url_base_);
  std::vector<json> partial(w->stages.size());
  std::vector<std::optional<double>> started_at(w->stages.size());
  for (size_t i = 0; i < w->stages.size(); ++i) {
    const auto j = jobs.find(w->stages[i].job_id);
    if (j == jobs.end()) continue;
    started_at[i] = j->second.started_at;
    partial[i] = j->second.partial;
  }
  std::vector<WorkflowEvent> out;
  if (first_) {
    first_ = false;
    if (resume_ && fits(view)) {
      position_ = *resume_;
    } else {
      // A new stream starts where the workflow is: stages that ended are in the snapshot.
      const json& stages = view["stages"];
      const int total = int(stages.size());
      while (position_.stage < total &&
             stage_ended(stages["stage_" + std::to_string(position_.stage)]["status"].get<std::string>()))
        ++position_.stage;
      out.push_back({position_.id(), "snapshot", view});
    }
  }
  follow(view, partial, started_at, out);
  return out;
}

bool WorkflowEvents::fits(const json& view) const {
  const json& stages = view["stages"];
  const int total = int(stages.size());
  if (resume_->stage > total || (resume_->stage == total && resume_->phase > 0)) return false;
  for (int s = 0; s < resume_->stage; ++s) {
    if (!stage_ended(stages["stage_" + std::to_string(s)]["status"].get<std::string>())) return false;
  }
  if (resume_->phase == 1) {
    const std::string status = stages["stage_" + std::to_string(resume_->stage)]["status"];
    return status == "running" || status == "completed" || status == "failed";
  }
  return true;
}

double WorkflowEvents::workflow_percent(const json& view) {
  const json& stages = view["stages"];
  int completed = 0;
  for (int s = 0; s < position_.stage; ++s)
    completed += stages["stage_" + std::to_string(s)]["status"] == "completed";
  const double percent = (completed + position_.permille / 1000.0) * 100.0 / double(stages.size());
  workflow_percent_ = std::max(workflow_percent_, std::round(percent * 10) / 10);
  return workflow_percent_;
}

void WorkflowEvents::follow(const json& view, const std::vector<json>& partial,
                            const std::vector<std::optional<double>>& started_at,
                            std::vector<WorkflowEvent>& out) {
  if (ended_) return;
  const json& stages = view["stages"];
  const int total = int(stages.size());
  const std::string workflow_status = view["status"];
  const bool workflow_ended = workflow_status != "running" && workflow_status != "pending";
  while (position_.stage < total) {
    const int s = position_.stage;
    const json& stage = stages["stage_" + std::to_string(s)];
    const std::string status = stage["status"];
    const json name = {{"stage", "stage_" + std::to_string(s)}, {"task_name", stage["task_name"]}};
    const auto event = [&](const char* type, json data) {
      data.update(name);
      out.push_back({position_.id(), type, std::move(data)});
    };
    const bool ran = status == "running" || status == "completed" || status == "failed";
    if (position_.phase == 0 && ran) {
      position_.phase = 1;
      event("stage_started", {{"at", started_at[s] ? json(*started_at[s]) : json(nullptr)}});
    }
    if (position_.phase == 1) {
      const json& segments = partial[s].is_object() ? partial[s].value("segments", json::array()) : json();
      for (const json& segment : segments) {
        const int64_t index = segment.value("index", int64_t{-1});
        if (index < position_.segments) continue;
        position_.segments = index + 1;
        json data = {{"index", index}, {"start", segment["start"]}, {"end", segment["end"]}};
        data["text"] = segment["text"];
        if (segment.contains("speaker")) data["speaker"] = segment["speaker"];
        event("segment", std::move(data));
      }
      const int permille = status == "completed" ? 1000
                           : status == "running" ? int(std::lround(stage["percent"].get<double>() * 10))
                                                 : position_.permille;
      if (permille > position_.permille) {
        position_.permille = permille;
        event("stage_progress", {{"percent", permille / 10.0},
                                 {"workflow_percent", workflow_percent(view)},
                                 {"eta_seconds", status == "running" ? stage["eta_seconds"] : json(0)}});
      }
    }
    const bool over = stage_ended(status) || (workflow_ended && (status == "pending" || status == "queued"));
    if (!over) return;
    position_.phase = 2;
    position_.segments = position_.permille = 0;
    if (status == "completed") {
      event("stage_completed", {{"status", "completed"},
                                {"output", stage["output"]},
                                {"download_urls", stage.value("download_urls", json::object())}});
    } else if (status == "failed") {
      event("stage_failed", {{"error", error_object(stage["error"])}});
    }
    position_ = EventPosition{s + 1, 0, 0, 0};
  }
  if (!workflow_ended) return;
  position_ = EventPosition{total, 1, 0, 0};
  const double percent = std::max(workflow_percent_, view["progress"]["percent"].get<double>());
  out.push_back({position_.id(), "end", {{"status", workflow_status}, {"workflow_percent", percent}}});
  ended_ = true;
}

}  // namespace yv::engine
