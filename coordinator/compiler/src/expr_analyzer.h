#pragma once

// Private: type-checks syntactic expressions (sql::Expr) against the columns in scope and
// produces the plan's resolved expressions (v1::Expr with column indexes and result types).
// One ExprAnalyzer per clause being analyzed; stateless apart from what it observed (aggregate
// or table function calls). Threading: single-threaded, short-lived.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "skein/sql/ast.h"
#include "skein/types/schema.h"
#include "skein/v1/plan.pb.h"

namespace skein::compiler {

// A column an expression may reference: its name, the source name/alias that may qualify it,
// and its index in the operator's input row.
struct ScopeColumn {
  std::string name;
  std::string qualifier;  // source alias (or name); empty when any qualifier is accepted
  types::SqlType type;
  uint32_t index = 0;
};

struct TypedExpr {
  v1::Expr expr;
  std::optional<types::SqlType> type;  // nullopt: an untyped NULL literal
};

// "line L:C: message" as INVALID_ARGUMENT (no position prefix when pos is unknown).
absl::Status ErrorAt(const sql::SourcePos& pos, const std::string& message);

class ExprAnalyzer {
 public:
  // `clause` names the clause in messages: "SELECT", "WHERE", "PARTITION BY".
  ExprAnalyzer(const std::vector<ScopeColumn>* scope, std::string clause)
      : scope_(scope), clause_(std::move(clause)) {}

  absl::StatusOr<TypedExpr> Analyze(const sql::Expr& expr);

  // True once a table function (EXPLODE) was seen at the top level of an analyzed expression.
  bool saw_table_function() const { return saw_table_function_; }

  // Aggregate queries: consulted for every node before it is analyzed; a returned expression
  // replaces the node (a GROUP BY expression or an aggregate call becomes a column of the
  // aggregate's output). nullopt: analyze the node as usual.
  using Substitute = std::function<absl::StatusOr<std::optional<TypedExpr>>(const sql::Expr&)>;
  void set_substitute(Substitute s) { substitute_ = std::move(s); }
  // Aggregate function calls are analyzed like scalar calls (their arguments must then be
  // analyzed in the aggregate's input scope by the caller) instead of rejected.
  void set_allow_aggregates(bool allow) { allow_aggregates_ = allow; }

 private:
  absl::StatusOr<TypedExpr> AnalyzeNode(const sql::Expr& expr, bool top_level);
  absl::StatusOr<TypedExpr> Literal(const sql::Expr& expr);
  absl::StatusOr<TypedExpr> Column(const sql::Expr& expr);
  absl::StatusOr<TypedExpr> Binary(const sql::Expr& expr);
  absl::StatusOr<TypedExpr> Comparison(const sql::Expr& expr, const TypedExpr& left,
                                       const TypedExpr& right);
  absl::StatusOr<TypedExpr> Function(const sql::Expr& expr, bool top_level);
  absl::StatusOr<TypedExpr> CaseExpr(const sql::Expr& expr);
  absl::StatusOr<TypedExpr> Constructor(const sql::Expr& expr);
  // Analyzes ARRAY/MAP/STRUCT constructor `expr` as a value of `target`, element by element
  // (ksqlDB's IN-list coercion: string literals parsed as the element type, struct fields
  // matched by name, missing fields NULL, extra fields dropped). nullopt when `expr` is not a
  // constructor or does not fit `target`; INVALID_ARGUMENT for a string literal that does not
  // parse as its element type.
  absl::StatusOr<std::optional<v1::Expr>> CoerceConstructor(const sql::Expr& expr,
                                                            const types::SqlType& target);

  const std::vector<ScopeColumn>* scope_;
  std::string clause_;
  bool saw_table_function_ = false;
  Substitute substitute_;
  bool allow_aggregates_ = false;
};

// Implicit conversion of an analyzed expression to `target` (typed NULL for a NULL literal, a
// Cast node for widening). INVALID_ARGUMENT when the types are not implicitly compatible.
absl::StatusOr<v1::Expr> CoerceTo(const TypedExpr& e, const types::SqlType& target);

// ksqlDB's coercion of a string literal (`text`, analyzed as `literal`) to a primitive
// `target` in IN lists and ARRAY/MAP constructors: the text must parse as the target now
// ("2e1" is accepted for an integer type when it denotes an integral number).
// INVALID_ARGUMENT `invalid input syntax for type BIGINT: "x".` otherwise. Non-primitive
// targets get a plain CAST.
absl::StatusOr<v1::Expr> CoerceStringLiteral(const TypedExpr& literal, const std::string& text,
                                             const types::SqlType& target);

// Converts a syntactic type to a SqlType (validating DECIMAL bounds).
absl::StatusOr<types::SqlType> ResolveType(const sql::DataType& type);

// A resolved column reference / typed literal / call node (helpers for the planner).
v1::Expr ColumnExpr(uint32_t index, const types::SqlType& type, const std::string& text);

}  // namespace skein::compiler
