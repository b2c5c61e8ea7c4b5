#pragma once

// Helpers for writing physical-plan protos by hand in runtime tests and benchmarks.

#include <string>
#include <utility>
#include <vector>

#include "skein/runtime/plan_types.h"
#include "skein/types/sql_type.h"
#include "skein/v1/plan.pb.h"

namespace skein::runtime::testing {

using types::SqlType;

inline skein::v1::Expr Col(uint32_t index, const SqlType& type) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(type);
  e.set_column(index);
  e.set_text("col" + std::to_string(index));
  return e;
}

inline skein::v1::Expr Arg(uint32_t index, const SqlType& type) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(type);
  e.set_lambda_arg(index);
  return e;
}

inline skein::v1::Expr Int(int32_t v) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::Integer());
  e.mutable_literal()->set_int_value(v);
  return e;
}

inline skein::v1::Expr Big(int64_t v) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::Bigint());
  e.mutable_literal()->set_bigint_value(v);
  return e;
}

inline skein::v1::Expr Dbl(double v) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::Double());
  e.mutable_literal()->set_double_value(v);
  return e;
}

inline skein::v1::Expr Bool(bool v) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::Boolean());
  e.mutable_literal()->set_bool_value(v);
  return e;
}

inline skein::v1::Expr Str(const std::string& v) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::String());
  e.mutable_literal()->set_string_value(v);
  return e;
}

inline skein::v1::Expr Dec(const std::string& text, int precision, int scale) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(SqlType::Decimal(precision, scale));
  e.mutable_literal()->set_decimal_value(text);
  return e;
}

// A typed NULL literal (type given) or, with no type, the untyped NULL.
inline skein::v1::Expr Null(const SqlType* type = nullptr) {
  skein::v1::Expr e;
  if (type) *e.mutable_type() = ToProto(*type);
  e.mutable_literal()->set_null_value(true);
  return e;
}

inline skein::v1::Expr Call(const std::string& fn, const SqlType& type,
                            std::vector<skein::v1::Expr> args) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(type);
  e.mutable_call()->set_function(fn);
  for (auto& a : args) *e.mutable_call()->add_args() = std::move(a);
  e.set_text(fn);
  return e;
}

inline skein::v1::Expr Cast(skein::v1::Expr operand, const SqlType& to) {
  skein::v1::Expr e;
  *e.mutable_type() = ToProto(to);
  *e.mutable_cast()->mutable_operand() = std::move(operand);
  return e;
}

inline skein::v1::Expr Lambda(uint32_t params, skein::v1::Expr body) {
  skein::v1::Expr e;
  e.mutable_lambda()->set_num_params(params);
  *e.mutable_lambda()->mutable_body() = std::move(body);
  return e;
}

inline skein::v1::Column Column(const std::string& name, const SqlType& type,
                                skein::v1::ColumnNamespace ns = skein::v1::COLUMN_NAMESPACE_VALUE) {
  skein::v1::Column c;
  c.set_name(name);
  *c.mutable_type() = ToProto(type);
  c.set_namespace_(ns);
  return c;
}

inline skein::v1::Column KeyCol(const std::string& name, const SqlType& type) {
  return Column(name, type, skein::v1::COLUMN_NAMESPACE_KEY);
}

inline skein::v1::Column PseudoCol(const std::string& name, const SqlType& type) {
  return Column(name, type, skein::v1::COLUMN_NAMESPACE_PSEUDO);
}

inline skein::v1::Schema MakeSchema(std::vector<skein::v1::Column> columns) {
  skein::v1::Schema s;
  for (auto& c : columns) *s.add_columns() = std::move(c);
  return s;
}

inline skein::v1::Topic Topic(const std::string& name, const std::string& key_format,
                              const std::string& value_format, uint32_t partitions = 1) {
  skein::v1::Topic t;
  t.set_name(name);
  t.set_partitions(partitions);
  t.mutable_key_format()->set_name(key_format);
  t.mutable_value_format()->set_name(value_format);
  return t;
}

}  // namespace skein::runtime::testing
