// The embedded deployment's whole state schema, in one place: jobs (the queue), tasks, workflows and their
// stages, and the callback outbox. Every process that opens the database calls ensure_schema() first.
#pragma once

#include "store/sqlite/database.h"

namespace yv::sqlite {

// Creates the tables that are missing, and brings a database of the previous schema version up to this one.
// A database of any other version is refused with yv::Error "state_store_error" (503) rather than misread:
// this pre-release software migrates one version back only.
void ensure_schema(Database& db);

}  // namespace yv::sqlite
