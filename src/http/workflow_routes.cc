#include "http/workflow_routes.h"

#include <httplib.h>

#include <climits>

#include "http/json_io.h"
#include "http/object_download.h"
#include "http/public_url.h"
#include "http/query_params.h"
#include "storage/object_keys.h"

namespace yv::http {

void add_workflow_routes(Router& router, engine::WorkflowService& workflows,
                         const storage::BlobStore& store) {
  router.add({"POST",
              "/v1/workflows",
              "workflows",
              "Create a workflow, or extend (incremental) or retry one",
              {},
              {{"$ref", "#/components/schemas/WorkflowRequest"}},
              {{"202", {{"description", "Scheduled"}, {"schema", "WorkflowSubmitted"}}},
               {"200", {{"description", "Nothing left to run"}, {"schema", "WorkflowSubmitted"}}},
               {"400",
                "Invalid request: unknown key, wrong type, value out of bounds, empty or too long chain, "
                "malformed reference or input path, private callback host, or a chain that does not "
                "continue the stored one"},
               {"404", "No such workflow (incremental, retry), or an input file is missing"},
               {"409", "The workflow is still running, or was changed at the same time"},
               {"410", "Outputs the workflow would reuse are gone from the store"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               const auto [status, body] = workflows.submit(parse_body(req));
               send_json(res, status, body);
             });
  router.add(
      {"GET",
       "/v1/workflows",
       "workflows",
       "List workflows, newest first",
       {{"status",
         R"({"type": "string", "enum": ["", "pending", "running", "completed", "failed", "cancelled"]})",
         "Only workflows in this state (empty: all)"},
        {"limit", R"({"type": "integer", "minimum": 1, "maximum": 200, "default": 50})", "Page size"},
        {"cursor", R"({"type": "string", "pattern": "^(?:[0-9]{1,15}(?:\\.[0-9]{1,9})?_[\\s\\S]*)?$"})",
         "next_cursor of the previous page (empty: the first page)"}},
       nullptr,
       {{"200", {{"description", "A page of workflows"}, {"schema", "WorkflowPage"}}},
        {"400", "Unknown status, limit out of range, or a cursor that no page gave"}}},
      [&workflows](const httplib::Request& req, httplib::Response& res) {
        send_json(res, 200,
                  workflows.list(req.get_param_value("status"), int_param(req, "limit", 50, INT_MIN, INT_MAX),
                                 req.get_param_value("cursor")));
      });
  const Handler status = [&workflows](const httplib::Request& req, httplib::Response& res) {
    res.status = 200;
    res.set_content(workflows.status(req.matches[1], public_base(req)), "application/json");
  };
  router.add({"GET",
              "/v1/workflows/status/{workflow_id}",
              "workflows",
              "A workflow's status, stages and outputs",
              {},
              nullptr,
              {{"200", {{"description", "The workflow"}, {"schema", "WorkflowStatus"}}},
               {"404", "No such workflow"}}},
             status);
  router.add({"GET",
              "/v1/workflows/{workflow_id}",
              "workflows",
              "Same as /v1/workflows/status/{workflow_id}",
              {},
              nullptr,
              {{"200", {{"description", "The workflow"}, {"schema", "WorkflowStatus"}}},
               {"404", "No such workflow"}}},
             status);
  // A file answer, served like a download (the transfer pool; ranges, ETag, HEAD).
  router.add_download(
      {"GET",
       "/v1/workflows/{workflow_id}/subtitles",
       "workflows",
       "A finished workflow's subtitles as a file (also HEAD)",
       {{"format",
         R"({"type": "string", "enum": ["srt", "vtt", "ass", "ttml", "txt", "json"], "default": "srt"})",
         "Which of the files the subtitle stage wrote (its formats parameter)"}},
       nullptr,
       {{"200", {{"description", "The subtitle file"}, {"content_type", "*/*"}}},
        {"206", {{"description", "The requested range"}, {"content_type", "*/*"}}},
        {"304", "Not modified (If-None-Match matched the ETag)"},
        {"400", "An unknown format"},
        {"404",
         "No such workflow (workflow_not_found), or it wrote no subtitles in that format "
         "(subtitles_not_found)"},
        {"409", "workflow_not_finished: it is still pending or running"},
        {"416", {{"description", "No requested range can be satisfied (no body)"}}}}},
      [&workflows, &store](const httplib::Request& req, httplib::Response& res) {
        const std::string format = req.has_param("format") ? req.get_param_value("format") : "srt";
        const std::string key = workflows.subtitle_key(req.matches[1], format);
        res.set_header("Content-Disposition",
                       "attachment; filename=\"" + std::string(req.matches[1]) + "." + format + "\"");
        send_object(store, storage::kDefaultBucket, key, req, res);
      });
  router.add({"POST",
              "/v1/workflows/{workflow_id}/cancel",
              "workflows",
              "Cancel a workflow (queued stages withdrawn, running ones stopped)",
              {},
              nullptr,
              {{"200", {{"description", "Cancelled"}, {"schema", "WorkflowCancelled"}}},
               {"404", "No such workflow"},
               {"409", "The workflow has already ended"}}},
             [&workflows](const httplib::Request& req, httplib::Response& res) {
               send_json(res, 200, workflows.cancel(req.matches[1]));
             });
}

}  // namespace yv::http
