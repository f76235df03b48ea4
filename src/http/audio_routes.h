// OpenAI's audio API on the engine: POST /v1/audio/transcriptions and POST /v1/audio/translations, so that
// OpenAI's clients (the official `openai` packages, and the tools built on them) transcribe with YiVideo by
// changing their base URL.
//
// Synchronous, through the queue: OpenAI's clients send a file and wait for the text in the same request. The
// route stores the file as tasks/<id>/input.<ext>, submits faster_whisper.transcribe_audio as a single task
// with that id (id "audio-<uuid>": the same queue, workers, leases and time limits as every task, and visible
// at GET /v1/tasks/<id>/status while it runs), waits for it to end, answers in the requested format and
// removes tasks/<id>/ (the input and the outputs); the answer names the task in X-YiVideo-Task-Id. A client
// that hangs up does not stop the task: it runs to its end, and its folder is removed then. The handler holds
// a transfer thread while it waits, so one client address has at most YIVIDEO_MAX_TRANSFERS_PER_CLIENT
// transcriptions (and uploads) at once. If the task has not ended within the node's time limit (counted from
// the submit; a queue with no worker never ends), it is cancelled and the answer is 504 task_timeout.
//
// Only short media take this path: the audio's decoded length is measured at the gateway, decoding no further
// than the limit, and media longer than YIVIDEO_AUDIO_SYNC_MAX_SECONDS (default 600) are refused with 413
// audio_too_long, which names POST /v1/workflows for longer ones. Measuring decodes the file, so what is not
// media is refused here too (400 invalid_media, no_audio_stream) before a worker is involved.
//
// Fields, as OpenAI's API defines them: file, model, language (transcriptions), prompt, response_format
// (json, text, srt, vtt, verbose_json), temperature, timestamp_granularities[] (word, segment;
// transcriptions). `model` is an installed Whisper model (GET /v1/models) or "whisper-1", which means the
// default model: that of a transcription without one ($YIVIDEO_MODEL, else tiny.en for language=en and the
// multilingual base for any other language or none). temperature 0 (the default) keeps Whisper's fallback
// schedule (0, 0.2, ... 1.0, as OpenAI describes it); any other value samples at that temperature alone. Any
// other field is refused.
//
// Errors carry {"detail", "code"} like every route's, and in the same body OpenAI's
// {"error": {"message", "type", "param", "code"}}: the official openai package puts only error.message (or a
// top-level "message") into its exceptions' text, so with our shape alone its users would read
// "Error code: 400" and nothing else.
#pragma once

#include "engine/node_registry.h"
#include "engine/task_service.h"
#include "http/router.h"
#include "storage/blob_store.h"

namespace yv::http {

// REQUIRES: tasks, store and nodes outlive the router's server.
void add_audio_routes(Router& router, engine::TaskService& tasks, const storage::BlobStore& store,
                      const engine::NodeRegistry& nodes);

}  // namespace yv::http
