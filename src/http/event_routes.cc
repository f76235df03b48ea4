#include "http/event_routes.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <thread>

#include "core/error.h"
#include "engine/workflow_events.h"
#include "http/public_url.h"

namespace yv::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollEvery = std::chrono::milliseconds(250);
constexpr auto kKeepAliveAfter = std::chrono::seconds(15);

std::string wire(const engine::WorkflowEvent& e) {
  return "id: " + std::to_string(e.id) + "\nevent: " + e.type + "\ndata: " + e.data.dump() + "\n\n";
}

// One stream: writes what the last poll found, then polls again, until `end` or the client goes.
class Stream {
 public:
  Stream(std::unique_ptr<engine::WorkflowEvents> events, std::vector<engine::WorkflowEvent> first)
      : events_(std::move(events)), pending_(std::move(first)) {}

  // httplib's content provider: called again and again until done() or a failed write.
  bool provide(httplib::DataSink& sink) {
    std::string text;
    for (const auto& e : pending_) text += wire(e);
    pending_.clear();
    if (text.empty() && Clock::now() - last_write_ >= kKeepAliveAfter) text = ": keep-alive\n\n";
    if (!text.empty()) {
      if (!sink.write(text.data(), text.size())) return false;
      last_write_ = Clock::now();
    }
    if (events_->ended()) {
      sink.done();
      return true;
    }
    std::this_thread::sleep_for(kPollEvery);
    try {
      pending_ = events_->poll();
    } catch (const Error& e) {
      // The state is away for a moment (a Redis restart): the stream waits for it, as workers do.
      if (e.code() != "state_unavailable") throw;
      spdlog::warn("event stream: {}", e.detail());
    }
    return true;
  }

 private:
  std::unique_ptr<engine::WorkflowEvents> events_;
  std::vector<engine::WorkflowEvent> pending_;
  Clock::time_point last_write_ = Clock::now();
};

}  // namespace

void add_event_routes(Router& router, store::StateStore& state) {
  router.add_stream(
      {"GET",
       "/v1/workflows/{workflow_id}/events",
       "workflows",
       "A workflow's progress as Server-Sent Events, from a snapshot to its end",
       {},
       nullptr,
       {{"200",
         {{"description",
           "text/event-stream: snapshot, stage_started, stage_progress, segment, stage_completed, "
           "stage_failed, end (each `id`, `event`, one line of JSON `data`); Last-Event-ID resumes"},
          {"content_type", "text/event-stream"}}},
        {"404", "No such workflow"},
        {"503", "too_many_streams: as many streams are open as the server allows (Retry-After)"}}},
      [&state](const httplib::Request& req, httplib::Response& res) {
        auto events = std::make_unique<engine::WorkflowEvents>(state, req.matches[1], public_base(req),
                                                               req.get_header_value("Last-Event-ID"));
        auto first = events->poll();  // an unknown workflow is a 404 before the stream starts
        auto stream = std::make_shared<Stream>(std::move(events), std::move(first));
        res.status = 200;
        res.set_header("Cache-Control", "no-cache");
        res.set_header("X-Accel-Buffering", "no");  // a proxy (nginx) must pass events on as they come
        res.set_chunked_content_provider(
            "text/event-stream", [stream](size_t, httplib::DataSink& sink) { return stream->provide(sink); });
      });
}

}  // namespace yv::http
