// Private to the store module: thin helpers over the SQLite C API shared by store.cc and
// schema.cc. Not part of the public API (that is store.h).
#pragma once

#include <sqlite3.h>

#include <string>
#include <string_view>

#include "core/core.h"

namespace fl::store::internal {

// Maps SQLite's (extended) result code to a canonical Status:
//   UNIQUE / PRIMARY KEY constraint -> AlreadyExists, other constraints -> InvalidArgument,
//   BUSY / LOCKED -> Unavailable, CORRUPT / NOTADB -> DataLoss, FULL -> ResourceExhausted,
//   CANTOPEN -> NotFound, else Internal.
// The message reads "store <path>: <what>: <sqlite message>".
Status SqliteError(sqlite3* db, int rc, const std::string& path, std::string_view what);

// Runs one or more statements that return no rows of interest.
Status Exec(sqlite3* db, const std::string& path, const char* sql);

// Runs a query whose first column of its first row is an integer (0 if no row).
Result<int64_t> QueryInt(sqlite3* db, const std::string& path, const char* sql);

// Brings the schema to kSchemaVersion, one transaction per step; returns the version.
// FailedPrecondition if the database is newer than this build.
Result<int> Migrate(sqlite3* db, const std::string& path);

}  // namespace fl::store::internal
