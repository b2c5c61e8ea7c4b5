#pragma once

// Compiles the SELECT of a pull query into the one-stage plan the executors' TableReader runs
// over a materialized table's state: a source over the table, the query's filter and
// projection, and a sink laid out as the result.

#include <string>

#include "absl/status/statusor.h"
#include "skein/compiler/compiler.h"
#include "skein/sql/ast.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

// Plans `query` (its EMIT and LIMIT are ignored) as `CREATE TABLE <private> AS <query> EMIT
// CHANGES` on a copy of `compiler`'s catalog, so nothing is registered and the compiler's
// errors keep the positions of the user's text `text`. As ksqlDB allows for pull queries (and
// a CTAS does not), the projection may leave out key columns or hold key columns only. Errors are
// the compiler's (INVALID_ARGUMENT with "line L:C"); UNIMPLEMENTED when answering needs more than
// one stage.
absl::StatusOr<v1::PhysicalPlan> CompilePullPlan(const Compiler& compiler, sql::Query query,
                                                 const std::string& text);

}  // namespace skein::compiler
