#include "http/audio_routes.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "core/error.h"
#include "core/ids.h"
#include "core/json_util.h"
#include "http/json_io.h"
#include "http/multipart_form.h"
#include "http/transcription_formats.h"
#include "media/audio_decoder.h"
#include "nodes/whisper/languages.h"
#include "nodes/whisper/model_store.h"
#include "storage/input_paths.h"
#include "storage/object_keys.h"

namespace yv::http {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kNode = "faster_whisper.transcribe_audio";
constexpr const char* kDefaultModelAlias = "whisper-1";
// How often a waiting request looks at its task: the answer comes at most this much after the task ends.
constexpr std::chrono::milliseconds kPollInterval(50);

struct Settings {
  uint64_t upload_limit = uint64_t(10) << 30;  // YIVIDEO_MAX_UPLOAD_BYTES, as for uploads
  double max_seconds = 600;                    // YIVIDEO_AUDIO_SYNC_MAX_SECONDS
};

double positive_env(const char* name, double fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  char* end = nullptr;
  const double x = std::strtod(v, &end);
  if (*end != '\0' || !std::isfinite(x) || x <= 0)
    throw Error("invalid_config", std::string(name) + " must be a positive number");
  return x;
}

Settings settings_from_environment() {
  Settings s;
  if (const char* env = std::getenv("YIVIDEO_MAX_UPLOAD_BYTES"))
    s.upload_limit = std::strtoull(env, nullptr, 10);
  s.max_seconds = positive_env("YIVIDEO_AUDIO_SYNC_MAX_SECONDS", s.max_seconds);
  return s;
}

// What a request asks for: the task's input (without the audio, stored later) and the answer's shape.
struct AudioRequest {
  json input = json::object();
  TranscriptionShape shape;
};

double temperature_of(const std::string& text) {
  char* end = nullptr;
  const double t = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(t) || t < 0 || t > 1)
    throw Error("invalid_parameter", "temperature must be a number between 0 and 1, not '" + text + "'", 400);
  return t;
}

AudioRequest parse_fields(const MultipartForm& form, bool translation) {
  AudioRequest r;
  r.shape.task = translation ? "translate" : "transcribe";
  r.input["task"] = r.shape.task;
  std::vector<std::string> granularities;
  for (const auto& [name, value] : form.fields) {
    if (name == "model") {
      if (value != kDefaultModelAlias) r.input["model"] = value;
    } else if (name == "language" && !translation) {
      r.input["language"] = value;
    } else if (name == "prompt") {
      r.input["initial_prompt"] = value;
    } else if (name == "response_format") {
      const auto& formats = transcription_formats();
      if (std::find(formats.begin(), formats.end(), value) == formats.end())
        throw Error("invalid_parameter",
                    "response_format must be json, text, srt, vtt or verbose_json, not '" + value + "'", 400);
      r.shape.format = value;
    } else if (name == "temperature") {
      // 0 lets Whisper raise the temperature when a window decodes badly, as OpenAI's API describes it (the
      // node's default schedule); another value samples at that temperature alone.
      if (const double t = temperature_of(value); t > 0) r.input["temperature"] = json::array({t});
    } else if ((name == "timestamp_granularities[]" || name == "timestamp_granularities") && !translation) {
      if (value != "word" && value != "segment")
        throw Error("invalid_parameter",
                    "timestamp_granularities[] must be word or segment, not '" + value + "'", 400);
      granularities.push_back(value);
    } else if (name == "stream") {
      if (value != "false")
        throw Error("invalid_parameter", "streamed transcription is not supported: leave stream out", 400);
    } else {
      throw Error("invalid_parameter",
                  "unknown field '" + name + "'; the fields are file, model, " +
                      (translation ? "" : "language, ") + "prompt, response_format, temperature" +
                      (translation ? "" : " and timestamp_granularities[]"),
                  400);
    }
  }
  const auto has = [&](const char* g) {
    return std::find(granularities.begin(), granularities.end(), g) != granularities.end();
  };
  r.shape.words = has("word");
  r.shape.segments = granularities.empty() || has("segment");
  // Word timings cost a little decoding time: only when they are shown.
  r.input["word_timestamps"] = r.shape.words;
  return r;
}

// ".wav" from "jfk.wav": the stored input keeps its kind for whoever looks at it; anything odd is dropped.
std::string extension_of(const std::string& filename) {
  const size_t dot = filename.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext = filename.substr(dot + 1);
  if (ext.empty() || ext.size() > 8 || !std::all_of(ext.begin(), ext.end(), ::isalnum)) return "";
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return "." + ext;
}

// The request's folder of the store (its input, the task's outputs), removed when the request ends.
class TaskFolder {
 public:
  TaskFolder(const storage::BlobStore& store, std::string folder)
      : store_(store), folder_(std::move(folder)) {}
  ~TaskFolder() {
    try {
      store_.remove_folder(storage::kDefaultBucket, folder_);
    } catch (const std::exception& e) {
      spdlog::warn("cannot remove {}: {}", folder_, e.what());
    }
  }
  TaskFolder(const TaskFolder&) = delete;
  TaskFolder& operator=(const TaskFolder&) = delete;

 private:
  const storage::BlobStore& store_;
  std::string folder_;
};

// A local copy of an object, removed with it.
struct ScratchCopy {
  fs::path path;
  ~ScratchCopy() {
    std::error_code ec;
    if (!path.empty()) fs::remove(path, ec);
  }
};

// Refuses media longer than `max_seconds`, counted by decoding `key`'s audio (no further than the limit).
// Errors name the file as the client did (`filename`), never by the server's path for it.
void check_duration(const storage::BlobStore& store, const std::string& key, const std::string& filename,
                    double max_seconds) {
  ScratchCopy copy;
  std::optional<fs::path> file = store.local_file(storage::kDefaultBucket, key);
  if (!file) {  // a remote store: measure a local copy
    copy.path = fs::temp_directory_path() / ("yivideo-audio-" + uuid4());
    store.get_file(storage::kDefaultBucket, key, copy.path);
    file = copy.path;
  }
  constexpr int kRate = 16000;
  const auto limit = uint64_t(max_seconds * kRate);
  uint64_t frames = 0;
  try {
    media::AudioReader(file->string(), kRate, 1).read([&](const float*, size_t n) {
      frames += n;
      return frames <= limit;
    });
  } catch (const Error& e) {
    throw Error(e.code(), storage::as_given(e.detail(), {{file->string(), filename}}), e.http_status());
  }
  if (frames > limit)
    throw Error("audio_too_long",
                filename + " is longer than the " + std::to_string(int64_t(max_seconds)) +
                    " s this synchronous route transcribes (YIVIDEO_AUDIO_SYNC_MAX_SECONDS); upload it and "
                    "submit a workflow (POST /v1/workflows) instead",
                413);
}

// The output of task `id` once it has ended; after `limit` the task is cancelled. Throws yv::Error
// "cancelled" (409) when someone cancelled it, "task_timeout" (504) past the limit, and the worker's error
// (502; 504 for the node's own time limit) when it failed.
json wait_for(engine::TaskService& tasks, const std::string& id, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const json view = tasks.status(id);
    const std::string status = view["status"];
    if (status == "completed") return view["result"]["output"];
    if (status == "cancelled")
      throw Error("cancelled", "the transcription task " + id + " was cancelled", 409);
    if (status == "failed") {  // "<code>: <detail>", as the worker records it
      const std::string error = view["error"].is_string() ? view["error"].get<std::string>() : "";
      const size_t colon = error.find(": ");
      if (colon == std::string::npos) throw Error("transcription_failed", error, 502);
      const std::string code = error.substr(0, colon);
      throw Error(code, error.substr(colon + 2), code == "task_timeout" ? 504 : 502);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      try {
        tasks.cancel(id);
      } catch (const Error&) {
        continue;  // it ended meanwhile: the next look says how
      }
      throw Error("task_timeout",
                  "the transcription (task " + id + ") did not end within " + std::to_string(limit.count()) +
                      " s (the node's time limit): is a worker serving its queue?",
                  504);
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

json read_transcript(const storage::BlobStore& store, const std::string& key) {
  const auto info = store.stat(storage::kDefaultBucket, key);
  if (!info) throw Error("transcription_failed", "the transcription left no segments file", 502);
  std::string text;
  store.read(storage::kDefaultBucket, key, 0, info->size, [&](const char* data, size_t n) {
    text.append(data, n);
    return true;
  });
  return parse_json_bounded(text, "the segments file");
}

struct Context {
  engine::TaskService& tasks;
  const storage::BlobStore& store;
  std::chrono::seconds time_limit;
  Settings settings;
};

void transcribe(const Context& c, bool translation, const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader) {
  MultipartForm form = read_multipart_form(c.store, c.settings.upload_limit, req, reader);
  AudioRequest request = parse_fields(form, translation);
  const std::string task_id = "audio-" + uuid4();
  res.set_header("X-YiVideo-Task-Id", task_id);  // for GET /v1/tasks/<id>/status and the logs
  const std::string folder = "tasks/" + task_id;
  const std::string key = folder + "/input" + extension_of(form.filename);
  form.file.commit(storage::kDefaultBucket, key);
  const TaskFolder cleanup(c.store, folder);
  check_duration(c.store, key, form.filename.empty() ? "the file" : form.filename, c.settings.max_seconds);
  request.input["audio_path"] = key;
  c.tasks.submit({{"task_name", kNode}, {"task_id", task_id}, {"input_data", request.input}});
  wait_for(c.tasks, task_id, c.time_limit);
  const TranscriptionAnswer answer =
      transcription_answer(read_transcript(c.store, folder + "/segments.json"), request.shape);
  res.status = 200;
  res.set_content(answer.body, answer.content_type);
}

// Our error body with OpenAI's beside it (see the header).
void send_audio_error(const httplib::Request& req, httplib::Response& res, int status,
                      const std::string& code, const std::string& detail) {
  json body = error_body(req, code, detail);
  body["error"] = {{"message", body["detail"]},
                   {"type", status >= 500 ? "server_error" : "invalid_request_error"},
                   {"param", nullptr},
                   {"code", code}};
  if (status == 429) res.set_header("Retry-After", kRetryAfterSeconds);
  send_json(res, status, body);
}

StreamingHandler audio_handler(std::shared_ptr<const Context> c, bool translation) {
  return [c, translation](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    try {
      transcribe(*c, translation, req, res, reader);
    } catch (const Error& e) {
      send_audio_error(req, res, e.http_status(), e.code(), e.detail());
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req.method, req.path, e.what());
      send_audio_error(req, res, 500, "internal_error", "internal error; the server log has the details");
    }
  };
}

json form_schema(bool translation) {
  json fields = {
      {"file",
       {{"type", "string"},
        {"format", "binary"},
        {"description", "The media (any format FFmpeg reads), at most YIVIDEO_AUDIO_SYNC_MAX_SECONDS long"}}},
      {"model",
       {{"type", "string"},
        {"pattern", whisper::kModelNamePattern},
        {"description",
         "An installed Whisper model (GET /v1/models), or whisper-1 for the default (tiny.en for "
         "language=en, "
         "else base; $YIVIDEO_MODEL overrides)"}}},
      {"prompt",
       {{"type", "string"}, {"maxLength", 1024}, {"description", "Text that primes spelling and style"}}},
      {"response_format", {{"type", "string"}, {"enum", transcription_formats()}, {"default", "json"}}},
      {"temperature",
       {{"type", "number"},
        {"minimum", 0},
        {"maximum", 1},
        {"default", 0},
        {"description",
         "0: Whisper's fallback schedule (0, 0.2, ... 1.0); else sampling at this temperature"}}}};
  if (!translation) {
    json languages = json::array();
    for (const auto& code : whisper::language_codes()) languages.push_back(code);
    fields["language"] = {
        {"type", "string"}, {"enum", languages}, {"description", "ISO 639-1; default: detected"}};
    fields["timestamp_granularities[]"] = {
        {"type", "array"},
        {"items", {{"type", "string"}, {"enum", {"word", "segment"}}}},
        {"description", "verbose_json: segments (default) and/or words with their times"}};
  }
  return {{"required", true},
          {"description", "multipart/form-data; fields at most " + std::to_string(kMaxFieldBytes) + " bytes"},
          {"content",
           {{"multipart/form-data",
             {{"schema",
               {{"type", "object"},
                {"required", {"file"}},
                {"additionalProperties", false},
                {"properties", fields}}}}}}}};
}

RouteDoc audio_doc(bool translation) {
  const json error = {{"allOf",
                       {{{"$ref", "#/components/schemas/Error"}},
                        {{"type", "object"},
                         {"properties",
                          {{"error",
                            {{"type", "object"},
                             {"description", "OpenAI's error shape: message (= detail), type, param, code"},
                             {"properties",
                              {{"message", {{"type", "string"}}},
                               {"type", {{"type", "string"}}},
                               {"param", {{"type", {"string", "null"}}}},
                               {"code", {{"type", "string"}}}}}}}}}}}}};
  const auto failure = [&](const char* description) {
    return json{{"description", description}, {"schema", error}};
  };
  const json text = {{"type", "string"}};
  const json segment = {{"type", "object"},
                        {"properties",
                         {{"id", {{"type", "integer"}}},
                          {"start", {{"type", "number"}}},
                          {"end", {{"type", "number"}}},
                          {"text", text},
                          {"avg_logprob", {{"type", "number"}}},
                          {"compression_ratio", {{"type", "number"}}},
                          {"no_speech_prob", {{"type", "number"}}}}}};
  const json word = {
      {"type", "object"},
      {"properties", {{"word", text}, {"start", {{"type", "number"}}}, {"end", {{"type", "number"}}}}}};
  const json answer = {
      {"type", "object"},
      {"required", {"text"}},
      {"properties",
       {{"text", text},
        {"usage", {{"type", "object"}, {"description", "json: {type: duration, seconds}"}}},
        {"task", text},
        {"language", {{"type", "string"}, {"description", "verbose_json: the language's name (english)"}}},
        {"duration", {{"type", "number"}}},
        {"segments", {{"type", "array"}, {"items", segment}}},
        {"words", {{"type", "array"}, {"items", word}}}}}};
  return {
      "POST",
      translation ? "/v1/audio/translations" : "/v1/audio/transcriptions",
      "audio",
      translation ? "OpenAI-compatible: translate speech into English text (synchronous, short media)"
                  : "OpenAI-compatible: transcribe speech (synchronous, short media)",
      {},
      form_schema(translation),
      {{"200",
        {{"description",
          "json and verbose_json: JSON; text and srt: text/plain; vtt: text/vtt (one cue per segment)"},
         {"schema", answer},
         {"content_type", {"text/plain", "text/vtt"}}}},
       {"400", failure("Not multipart, no file part, an unknown or invalid field, a model that is not "
                       "installed, or a file that is not media with audio")},
       {"409", failure("cancelled: the task was cancelled (DELETE /v1/tasks/<id>) while the request waited")},
       {"413", failure("audio_too_long: longer than YIVIDEO_AUDIO_SYNC_MAX_SECONDS (default 600; submit a "
                       "workflow instead), or payload_too_large")},
       {"429", failure("queue_full, or too many transfers from this address")},
       {"502", failure("The worker failed (its code and detail)")},
       {"504", failure("task_timeout: not finished within the node's time limit")},
       {"507", failure("disk_full")}}};
}

}  // namespace

void add_audio_routes(Router& router, engine::TaskService& tasks, const storage::BlobStore& store,
                      const engine::NodeRegistry& nodes) {
  const auto context = std::make_shared<const Context>(Context{
      tasks, store, std::chrono::seconds(nodes.get(kNode).time_limit_seconds), settings_from_environment()});
  router.add_streaming(audio_doc(false), audio_handler(context, false));
  router.add_streaming(audio_doc(true), audio_handler(context, true));
}

}  // namespace yv::http
