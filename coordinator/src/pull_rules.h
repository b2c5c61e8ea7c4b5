#pragma once

// Private: ksqlDB's restrictions on pull queries, checked on the parsed SELECT before it is
// compiled, so each error points at the clause that breaks a rule.

#include "absl/status/status.h"
#include "skein/sql/ast.h"

namespace skein::coordinator {

// OK, or INVALID_ARGUMENT reading "line L:C: Pull queries don't support <clause>. See
// https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a push
// query." for JOIN, WINDOW, GROUP BY, PARTITION BY, HAVING and ROWPARTITION/ROWOFFSET in the
// SELECT or WHERE clause (ksqlDB's PullQueryValidator rules; LIMIT is allowed, as ksqlDB 0.24+
// allows it).
absl::Status CheckPullQueryRules(const sql::Query& query);

// The help ksqlDB appends to every pull query error.
inline constexpr char kPullQuerySyntaxHelp[] =
    " See https://cnfl.io/queries for more info.\nAdd EMIT CHANGES if you intended to issue a "
    "push query.";

}  // namespace skein::coordinator
