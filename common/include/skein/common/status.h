#pragma once

// Status helpers every module uses. Debian's Abseil (20220623) has no status macros, so they
// are defined once here.

#include <cstdio>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SKEIN_STATUS_CONCAT_INNER_(a, b) a##b
#define SKEIN_STATUS_CONCAT_(a, b) SKEIN_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define SKEIN_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status skein_status_ = (expr);         \
    if (!skein_status_.ok()) return skein_status_; \
  } while (0)

// `SKEIN_ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value of an absl::StatusOr or
// returns its status from the enclosing function.
#define SKEIN_ASSIGN_OR_RETURN(lhs, expr) \
  SKEIN_ASSIGN_OR_RETURN_IMPL_(SKEIN_STATUS_CONCAT_(skein_statusor_, __LINE__), lhs, expr)
#define SKEIN_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                 \
  if (!var.ok()) return std::move(var).status();     \
  lhs = std::move(var).value()

// Aborts on a broken invariant. Never use it for anything input can cause.
#define SKEIN_CHECK(cond)                                                                 \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: SKEIN_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)

namespace skein {

// Prefixes a non-OK status's message with context, keeping its code.
absl::Status Annotate(const absl::Status& status, absl::string_view context);

}  // namespace skein
