// SqlType <-> protobuf conversion and the EXPLAIN rendering of plans.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "skein/compiler/compiler.h"

namespace skein::compiler {

using types::SqlType;
using types::TypeKind;

v1::SqlType TypeToProto(const SqlType& type) {
  v1::SqlType p;
  p.set_kind(static_cast<v1::TypeKind>(static_cast<int>(type.kind())));
  switch (type.kind()) {
    case TypeKind::kDecimal:
      p.set_precision(type.precision());
      p.set_scale(type.scale());
      break;
    case TypeKind::kArray:
      *p.add_children() = TypeToProto(type.element());
      break;
    case TypeKind::kMap:
      *p.add_children() = TypeToProto(type.key());
      *p.add_children() = TypeToProto(type.value());
      break;
    case TypeKind::kStruct:
      for (size_t i = 0; i < type.num_fields(); ++i) {
        auto* f = p.add_fields();
        f->set_name(type.field_name(i));
        *f->mutable_type() = TypeToProto(type.field_type(i));
      }
      break;
    default:
      break;
  }
  return p;
}

SqlType TypeFromProto(const v1::SqlType& p) {
  switch (p.kind()) {
    case v1::TYPE_KIND_DECIMAL:
      return SqlType::Decimal(p.precision(), p.scale());
    case v1::TYPE_KIND_ARRAY:
      return SqlType::Array(TypeFromProto(p.children(0)));
    case v1::TYPE_KIND_MAP:
      return SqlType::Map(TypeFromProto(p.children(0)), TypeFromProto(p.children(1)));
    case v1::TYPE_KIND_STRUCT: {
      std::vector<std::pair<std::string, SqlType>> fields;
      for (const auto& f : p.fields()) fields.emplace_back(f.name(), TypeFromProto(f.type()));
      return SqlType::Struct(fields);
    }
    case v1::TYPE_KIND_UNSPECIFIED:
      return SqlType::String();
    default:
      return SqlType::Primitive(static_cast<TypeKind>(static_cast<int>(p.kind())));
  }
}

namespace {

std::string SchemaText(const v1::Schema& schema) {
  std::vector<std::string> cols;
  for (const auto& c : schema.columns()) {
    std::string s = absl::StrCat(c.name(), " ", TypeFromProto(c.type()).ToString());
    if (c.namespace_() == v1::COLUMN_NAMESPACE_KEY) s += " KEY";
    if (c.namespace_() == v1::COLUMN_NAMESPACE_HEADER) s += " HEADER";
    if (c.namespace_() == v1::COLUMN_NAMESPACE_PSEUDO) s += " PSEUDO";
    cols.push_back(std::move(s));
  }
  return absl::StrJoin(cols, ", ");
}

std::string ExprList(const google::protobuf::RepeatedPtrField<v1::Expr>& exprs) {
  std::vector<std::string> parts;
  for (const auto& e : exprs) parts.push_back(e.text());
  return absl::StrJoin(parts, ", ");
}

std::string TopicText(const v1::Topic& t) {
  return absl::StrCat(t.name(), " (key ", t.key_format().name(), ", value ",
                      t.value_format().name(), ", partitions ", t.partitions(), ")");
}

}  // namespace

std::string PlanToText(const v1::PhysicalPlan& plan) {
  std::string out = absl::StrCat("Query ", plan.query_id(), "\n");
  for (const auto& stage : plan.stages()) {
    absl::StrAppend(&out, " Stage ", stage.id(), "\n");
    for (const auto& op : stage.operators()) {
      switch (op.op_case()) {
        case v1::Operator::kSource:
          absl::StrAppend(&out, "  > SOURCE ", TopicText(op.source().topic()),
                          op.source().is_table() ? " TABLE" : " STREAM", "\n    schema: [",
                          SchemaText(op.source().schema()), "]\n");
          break;
        case v1::Operator::kFilter:
          absl::StrAppend(&out, "  > FILTER ", op.filter().predicate().text(), "\n");
          break;
        case v1::Operator::kProject:
          absl::StrAppend(&out, "  > PROJECT ", ExprList(op.project().exprs()), "\n    schema: [",
                          SchemaText(op.project().output()), "]\n");
          break;
        case v1::Operator::kRekey:
          absl::StrAppend(&out, "  > REKEY BY ", ExprList(op.rekey().key_exprs()), "\n");
          break;
        case v1::Operator::kFlatMap:
          absl::StrAppend(&out, "  > FLATMAP ", ExprList(op.flat_map().exprs()), "\n    schema: [",
                          SchemaText(op.flat_map().output()), "]\n");
          break;
        case v1::Operator::kSink:
          absl::StrAppend(&out, "  > SINK ", TopicText(op.sink().topic()), "\n    schema: [",
                          SchemaText(op.sink().schema()), "]\n");
          break;
        default:
          absl::StrAppend(&out, "  > (operator ", static_cast<int>(op.op_case()), ")\n");
      }
    }
  }
  return out;
}

}  // namespace skein::compiler
