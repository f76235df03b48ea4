"""schemathesis hooks for schema_fuzz_test.py (loaded through SCHEMATHESIS_HOOKS).

A schema can say which requests are well-formed, not which files exist, which hosts resolve or how one
stage of a chain may refer to another. The refusals below depend on such facts, so a request the schema calls
valid may meet them; each is accepted only for the operation and error code that stand for that fact, and
every other refusal of valid data still fails the run.
"""

import os

import schemathesis
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.openapi.checks import RejectedPositiveData

# (operation, error code, a phrase of the detail or "" for any) -> what the schema cannot know.
STATE_DEPENDENT_REFUSALS = {
    # A URL (callback or input) must be one curl parses with an http(s) host, and a literal address in it must
    # be public (not private, loopback or special-purpose): a pattern can approach the first, not the second.
    ("POST /v1/workflows", "invalid_callback", "must be an http(s) URL"): "curl's URL grammar",
    ("POST /v1/tasks", "invalid_callback", "must be an http(s) URL"): "curl's URL grammar",
    ("POST /v1/workflows", "invalid_callback", "not a public address"): "address ranges",
    ("POST /v1/tasks", "invalid_callback", "not a public address"): "address ranges",
    ("POST /v1/workflows", "invalid_path", "must be an http(s) URL"): "curl's URL grammar",
    ("POST /v1/tasks", "invalid_path", "must be an http(s) URL"): "curl's URL grammar",
    ("POST /v1/workflows", "invalid_path", "not a public address"): "address ranges",
    ("POST /v1/tasks", "invalid_path", "not a public address"): "address ranges",
    # A callback's header is checked as a header line: a name the delivery sets itself, a name without a
    # value, and a header without a callback are refused.
    ("POST /v1/workflows", "invalid_callback", "may not set"): "header names",
    ("POST /v1/tasks", "invalid_callback", "may not set"): "header names",
    ("POST /v1/workflows", "invalid_callback", "has no value"): "header names",
    ("POST /v1/tasks", "invalid_callback", "has no value"): "header names",
    ("POST /v1/workflows", "invalid_request", "needs a callback"): "a rule across fields",
    ("POST /v1/tasks", "invalid_request", "needs a callback"): "a rule across fields",
    # Local paths must lie inside the configured allowed roots.
    ("POST /v1/workflows", "invalid_path", "outside the allowed roots"): "configuration",
    ("POST /v1/tasks", "invalid_path", "outside the allowed roots"): "configuration",
    # A preset's own parameters (target_language, ...) are top-level keys only beside that preset.
    ("POST /v1/workflows", "invalid_parameter", "is a parameter of the preset"): "a rule across fields",
    # A reference must name a node that runs earlier in this request's own chain.
    ("POST /v1/workflows", "invalid_reference", ""): "the order of the chain",
    # Rules between two parameters of a node (NodeSpec::cross_check).
    ("POST /v1/workflows", "invalid_parameter", "must be after"): "a rule across parameters",
    ("POST /v1/tasks", "invalid_parameter", "must be after"): "a rule across parameters",
    ("POST /v1/workflows", "invalid_parameter", "must not exceed"): "a rule across parameters",
    ("POST /v1/tasks", "invalid_parameter", "must not exceed"): "a rule across parameters",
    # A subtitle area's corners: x1 < x2 and y1 < y2 (items of one array).
    ("POST /v1/workflows", "invalid_parameter", "must have x1 < x2"): "a rule across items",
    ("POST /v1/tasks", "invalid_parameter", "must have x1 < x2"): "a rule across items",
    # Inline segments, words and speaker turns: that an end is not before its start (fields of one item).
    ("POST /v1/workflows", "invalid_parameter", "end >= start"): "a rule across fields",
    ("POST /v1/tasks", "invalid_parameter", "end >= start"): "a rule across fields",
    # Which Whisper models are installed, and which of them are English-only or know a language, is read from
    # the model directory (GET /v1/models), not the schema.
    ("POST /v1/workflows", "model_not_installed", ""): "the models installed",
    ("POST /v1/tasks", "model_not_installed", ""): "the models installed",
    ("POST /v1/workflows", "invalid_parameter", "is English-only"): "the models installed",
    ("POST /v1/tasks", "invalid_parameter", "is English-only"): "the models installed",
    ("POST /v1/workflows", "invalid_parameter", "does not know"): "the models installed",
    ("POST /v1/tasks", "invalid_parameter", "does not know"): "the models installed",
    # A stage's required input must be given or come from an earlier stage of this request's own chain (which
    # node produces what is the registry's, not the schema's).
    ("POST /v1/workflows", "missing_input", ""): "the order of the chain",
    # A workflow's subtitles are there once it has finished, in the formats its subtitle stage wrote.
    ("GET /v1/workflows/{workflow_id}/subtitles", "workflow_not_finished", ""): "the workflow's progress",
    ("GET /v1/workflows/{workflow_id}/subtitles", "subtitles_not_found", ""): "the workflow's chain",
    ("POST /v1/audio/transcriptions", "model_not_installed", ""): "the models installed",
    ("POST /v1/audio/translations", "model_not_installed", ""): "the models installed",
    ("POST /v1/audio/transcriptions", "invalid_parameter", "is English-only"): "the models installed",
    ("POST /v1/audio/translations", "invalid_parameter", "English-only"): "the models installed",
    ("POST /v1/audio/transcriptions", "invalid_parameter", "does not know"): "the models installed",
    # Whether bytes are media with an audio track is known by decoding them, not from a schema.
    ("POST /v1/audio/transcriptions", "invalid_media", ""): "the file's content",
    ("POST /v1/audio/translations", "invalid_media", ""): "the file's content",
    ("POST /v1/audio/transcriptions", "no_audio_stream", ""): "the file's content",
    ("POST /v1/audio/translations", "no_audio_stream", ""): "the file's content",
    # Which voices are installed, and which languages they and espeak-ng speak, is read from the model directory
    # and espeak-ng (indextts.list_voice_presets), not the schema.
    ("POST /v1/workflows", "invalid_parameter", "no voice"): "the voices installed",
    ("POST /v1/tasks", "invalid_parameter", "no voice"): "the voices installed",
    ("POST /v1/workflows", "invalid_parameter", "the voice '"): "the voices installed",
    ("POST /v1/tasks", "invalid_parameter", "the voice '"): "the voices installed",
    # What a text to speak holds (blank, or nothing speakable): a pattern over texts of 100 kB would run
    # std::regex's recursion out of stack.
    ("POST /v1/workflows", "invalid_parameter", "'text' "): "what the text holds",
    ("POST /v1/tasks", "invalid_parameter", "'text' "): "what the text holds",
    # Voice cloning is kept as a parameter for the original's clients and refused with the reason.
    ("POST /v1/workflows", "invalid_parameter", "no package registry ships"): "what registries ship",
    ("POST /v1/tasks", "invalid_parameter", "no package registry ships"): "what registries ship",
    # The local store keeps objects as files: a key cannot run through an object that exists.
    ("POST /v1/files/upload", "invalid_path", "is an existing object"): "the objects stored",
    ("POST /v1/uploads/{upload_id}/complete", "invalid_path", "is an existing object"): "the objects stored",
    # ... and its file system limits a name's parts to 255 bytes (an S3 store does not).
    ("POST /v1/uploads", "invalid_path", "longer than 255 bytes"): "the store's file system",
    # A resumable upload's parts may not pass the size its session announced.
    ("POST /v1/uploads/{upload_id}/parts", "payload_too_large", "was announced as"): "the session's size",
}

# The upload's form fields. They travel as text: a number, null or object there arrives as its JSON text,
# which may well be valid ("null" is a valid bucket name), so a type "violation" of one proves nothing. They
# may also be sent as query parameters (the quick-start uses -F, others the query) and the form wins: a query
# value shadowed by a form field is never read, so its being invalid proves nothing either.
FORM_FIELDS = {
    "POST /v1/files/upload": ("file_path", "bucket"),
    "POST /v1/audio/transcriptions": ("model", "language", "prompt", "response_format", "temperature",
                                      "timestamp_granularities[]"),
    "POST /v1/audio/translations": ("model", "prompt", "response_format", "temperature"),
}


def _explained(operation, response):
    try:
        error = response.json()
        code, detail = error.get("code"), error.get("detail", "")
    except (ValueError, AttributeError):
        return False
    return any(op == operation and c == code and phrase in detail
               for op, c, phrase in STATE_DEPENDENT_REFUSALS)


@schemathesis.hook
def filter_failure(context, failure, case, response):
    operation = case.operation.label
    if isinstance(failure, RejectedPositiveData):
        keep = not _explained(operation, response)
        if not keep and os.environ.get("YIVIDEO_FUZZ_LOG_DROPPED"):  # to review what the table lets through
            with open(os.environ["YIVIDEO_FUZZ_LOG_DROPPED"], "a") as f:
                f.write(f"{operation} {response.text[:200]}\n")
        return keep
    if isinstance(failure, AcceptedNegativeData) and operation in FORM_FIELDS:
        form = case.body if isinstance(case.body, dict) else {}
        query = case.query or {}
        for name in FORM_FIELDS[operation]:
            if name in form and (name in query or not isinstance(form[name], (str, bytes))):
                return False
    return True
