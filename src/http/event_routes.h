// GET /v1/workflows/{workflow_id}/events: a workflow's progress as Server-Sent Events (text/event-stream),
// from a snapshot to its end, for clients that would otherwise poll the status route.
//
// The events and their ids are engine/workflow_events.h's. On the wire each is `id: <n>`, `event: <type>`,
// `data: <one line of JSON>` and a blank line; a `: keep-alive` comment goes out after 15 s without an event
// (proxies and clients close connections that stay silent); after `end` the server closes the stream.
// Last-Event-ID resumes after that event (or starts with a fresh snapshot, see workflow_events.h).
//
// Each stream polls the state store every 250 ms: the events follow the workers in any process through the
// store, never through this gateway's memory. A stream has a thread of the stream pool for as long as it is
// open (http/connection_loop.h: YIVIDEO_MAX_EVENT_STREAMS, 503 with Retry-After beyond), so followers never
// take the threads that answer status polls. Access is the status route's: the `read` scope, and a key
// that is not admin sees only its own workflows (another's answers 404, as an unknown one does).
#pragma once

#include "http/router.h"
#include "store/state_store.h"

namespace yv::http {

// REQUIRES: state outlives the server.
void add_event_routes(Router& router, store::StateStore& state);

}  // namespace yv::http
