#pragma once

// Syntax tree of the ksqlDB dialect, as produced by skein::sql::ParseStatements(): types,
// expressions and queries here, statements in statement.h.
//
// The tree is purely syntactic: names are as written (unquoted identifiers upper-cased, quoted
// ones kept verbatim), types are the names the user wrote, and nothing is resolved against a
// catalog. The analyzer walks it and builds its own typed representation.
//
// Ownership: every node owns its children through std::unique_ptr; a ParsedStatement owns its
// whole tree. Nodes are plain data, immutable after parsing by convention, and safe to read from
// any number of threads at once. Every node records the 1-based line/column where it starts.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace skein::sql {

// 1-based position of a node's first character in the parsed text (0/0 = unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
  friend bool operator==(const SourcePos&, const SourcePos&) = default;
};

// ---------------------------------------------------------------------------------------------
// Types (syntactic: `VARCHAR` stays distinguishable from `STRING` through `name`).

enum class TypeKind {
  kBoolean,
  kInt,
  kBigInt,
  kDouble,
  kDecimal,
  kString,
  kBytes,
  kTimestamp,
  kDate,
  kTime,
  kArray,
  kMap,
  kStruct,
  kCustom,  // a name the parser does not know (e.g. a type registered with CREATE TYPE)
};

struct DataType;
using DataTypePtr = std::unique_ptr<DataType>;

struct StructField {
  std::string name;
  DataTypePtr type;
  SourcePos pos;
};

struct DataType {
  TypeKind kind = TypeKind::kCustom;
  SourcePos pos;
  std::string name;                 // upper-cased base name as written: INT, INTEGER, VARCHAR, ...
  int precision = 0;                // kDecimal only
  int scale = 0;                    // kDecimal only
  DataTypePtr element;              // kArray element, kMap value
  DataTypePtr key;                  // kMap key
  std::vector<StructField> fields;  // kStruct
};

// ---------------------------------------------------------------------------------------------
// Expressions. One node struct with a kind; which fields are used depends on the kind (see the
// table below), which keeps an analyzer's walk a single switch.

enum class ExprKind {
  kNullLiteral,
  kBooleanLiteral,  // bool_value
  kIntegerLiteral,  // fits in INT (32 bit): int_value, text
  kBigIntLiteral,   // fits in BIGINT: int_value, text
  kDecimalLiteral,  // 1.50 (ksqlDB types these as DECIMAL): text
  kDoubleLiteral,   // 1.5E3: double_value, text
  kStringLiteral,   // text = unescaped value
  kColumnRef,       // [qualifier.]text; also lambda parameters inside a lambda body
  kDereference,     // children[0]->text
  kSubscript,       // children[0][children[1]]
  kUnary,           // unary_op children[0]
  kBinary,          // children[0] binary_op children[1] (arithmetic, ||, comparison, AND/OR)
  kIsNull,          // children[0] IS [NOT] NULL (negated)
  kIsDistinctFrom,  // children[0] IS [NOT] DISTINCT FROM children[1] (negated)
  kLike,            // children[0] [NOT] LIKE children[1] [ESCAPE escape]
  kIn,              // children[0] [NOT] IN (children[1..])
  kBetween,         // children[0] [NOT] BETWEEN children[1] AND children[2]
  kCase,            // CASE [operand] WHEN children[2i] THEN children[2i+1] ... [ELSE else_result]
  kCast,            // CAST(children[0] AS type)
  kFunctionCall,    // text(children...) or text(*) when star
  kLambda,          // (names...) => children[0]
  kArray,           // ARRAY[children...]
  kMap,             // MAP(children[2i] := children[2i+1], ...)
  kStruct,          // STRUCT(names[i] := children[i], ...)
};

enum class UnaryOp { kMinus, kPlus, kNot };

enum class BinaryOp {
  kAdd,
  kSubtract,
  kMultiply,
  kDivide,
  kModulus,
  kConcat,  // ||
  kEqual,
  kNotEqual,  // <> and != (printed as <>)
  kLess,
  kLessOrEqual,
  kGreater,
  kGreaterOrEqual,
  kAnd,
  kOr,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  ExprKind kind = ExprKind::kNullLiteral;
  SourcePos pos;
  std::string text;       // literal text / column name / function name / dereferenced field
  std::string qualifier;  // kColumnRef: source name or alias before the dot, else empty
  bool bool_value = false;
  int64_t int_value = 0;
  double double_value = 0;
  bool negated = false;  // IS NOT NULL, NOT LIKE, NOT IN, NOT BETWEEN, IS NOT DISTINCT FROM
  bool star = false;     // kFunctionCall: COUNT(*)
  UnaryOp unary_op = UnaryOp::kMinus;
  BinaryOp binary_op = BinaryOp::kAdd;
  std::optional<std::string> escape;  // kLike ESCAPE character
  std::vector<ExprPtr> children;
  std::vector<std::string> names;  // kLambda parameters, kStruct field names
  ExprPtr operand;                 // kCase: simple-CASE operand, null for searched CASE
  ExprPtr else_result;             // kCase: ELSE branch or null
  DataTypePtr type;                // kCast target
};

// ---------------------------------------------------------------------------------------------
// Queries.

// A span of time as written, e.g. `30 SECONDS`, with its value in milliseconds.
struct Duration {
  int64_t millis = 0;
  std::string text;  // canonical source form: "<n> <UNIT>"
  SourcePos pos;
};

struct SelectItem {
  enum class Kind { kExpr, kStar, kQualifiedStar };
  Kind kind = Kind::kExpr;
  ExprPtr expr;           // kExpr
  std::string alias;      // kExpr with AS (or implicit alias); empty if none
  std::string qualifier;  // kQualifiedStar: `S.*`
  SourcePos pos;
};

struct Relation {
  std::string name;
  std::string alias;  // empty when not aliased
  SourcePos pos;
};

enum class JoinType { kInner, kLeft, kRight, kFull };

struct JoinClause {
  JoinType type = JoinType::kInner;
  Relation right;
  std::optional<Duration> within_before;  // WITHIN n unit: before == after
  std::optional<Duration> within_after;   // WITHIN (before, after): both given
  std::optional<Duration> grace;
  ExprPtr on;
  SourcePos pos;
};

enum class WindowKind { kTumbling, kHopping, kSession };

struct WindowSpec {
  WindowKind kind = WindowKind::kTumbling;
  std::string name;                 // optional window name ksqlDB accepts before the kind
  Duration size;                    // TUMBLING/HOPPING SIZE, SESSION gap
  std::optional<Duration> advance;  // HOPPING ADVANCE BY
  std::optional<Duration> retention;
  std::optional<Duration> grace;
  SourcePos pos;
};

enum class EmitKind { kNone, kChanges, kFinal };

struct Query {
  SourcePos pos;
  std::vector<SelectItem> select;
  Relation from;
  std::vector<JoinClause> joins;
  std::optional<WindowSpec> window;
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  std::vector<ExprPtr> partition_by;
  ExprPtr having;
  EmitKind emit = EmitKind::kNone;
  std::optional<int64_t> limit;
};

// ---------------------------------------------------------------------------------------------
// Small helpers shared by the parser, the printer and the analyzer.

// True for words that cannot be used as unquoted identifiers (upper-case input).
bool IsReservedWord(const std::string& upper_word);

// Length in milliseconds of a time unit keyword (SECOND, SECONDS, ...); 0 when not a unit.
int64_t TimeUnitMillis(const std::string& upper_word);

}  // namespace skein::sql
