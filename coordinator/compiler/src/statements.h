#pragma once

// Private: one function per statement family, called by Compiler::Execute. Each validates
// fully before it mutates the catalog, so an error leaves the catalog unchanged.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "skein/compiler/compiler.h"

namespace skein::compiler {

// WITH (...) properties by upper-case name, values as text (string literals unquoted).
using PropertyMap = std::map<std::string, std::string>;
absl::StatusOr<PropertyMap> CollectProperties(const std::vector<sql::Property>& props);

// Key/value formats from FORMAT / KEY_FORMAT / VALUE_FORMAT and format properties.
// `inherit_*` supply defaults (the source's formats for CREATE AS SELECT).
absl::Status ResolveFormats(const PropertyMap& props, const FormatInfo* inherit_key,
                            const FormatInfo* inherit_value, FormatInfo* key, FormatInfo* value);
// Checks the schema can be written in the formats (KAFKA/DELIMITED limits, map keys).
absl::Status CheckSchemaFormats(const types::Schema& schema, const FormatInfo& key,
                                const FormatInfo& value);

absl::StatusOr<StatementResult> CreateSource(Catalog& catalog, const sql::CreateSource& stmt,
                                             std::string_view text);
absl::StatusOr<StatementResult> DropSource(Catalog& catalog, const sql::DropSource& stmt);
absl::StatusOr<StatementResult> ShowOrDescribe(Catalog& catalog, const sql::Statement& stmt);
absl::StatusOr<StatementResult> InsertValues(Catalog& catalog, const sql::InsertValues& stmt);

// CREATE STREAM|TABLE AS SELECT and INSERT INTO ... SELECT. `apply` false: plan only (EXPLAIN).
absl::StatusOr<StatementResult> PlanPersistentQuery(Catalog& catalog, const sql::Statement& stmt,
                                                    std::string_view text, bool apply);

}  // namespace skein::compiler
