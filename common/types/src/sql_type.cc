#include "skein/types/sql_type.h"

#include "absl/strings/str_cat.h"
#include "skein/common/status.h"

namespace skein::types {
namespace {

std::shared_ptr<const TypeNode> MakeLeaf(TypeKind kind) {
  auto node = std::make_shared<TypeNode>();
  node->kind = kind;
  return node;
}

// Singletons so that copying or creating a primitive type never allocates.
const std::shared_ptr<const TypeNode>& Leaf(TypeKind kind) {
  static const auto* leaves = [] {
    auto* v = new std::vector<std::shared_ptr<const TypeNode>>();
    for (int k = 0; k <= static_cast<int>(TypeKind::kStruct); ++k) {
      v->push_back(MakeLeaf(static_cast<TypeKind>(k)));
    }
    return v;
  }();
  return (*leaves)[static_cast<size_t>(kind)];
}

bool NodesEqual(const TypeNode& a, const TypeNode& b) {
  if (&a == &b) return true;
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case TypeKind::kDecimal:
      return a.precision == b.precision && a.scale == b.scale;
    case TypeKind::kArray:
    case TypeKind::kMap:
      if (a.children.size() != b.children.size()) return false;
      for (size_t i = 0; i < a.children.size(); ++i) {
        if (!NodesEqual(*a.children[i], *b.children[i])) return false;
      }
      return true;
    case TypeKind::kStruct:
      if (a.fields.size() != b.fields.size()) return false;
      for (size_t i = 0; i < a.fields.size(); ++i) {
        if (a.fields[i].name != b.fields[i].name) return false;
        if (!NodesEqual(*a.fields[i].type, *b.fields[i].type)) return false;
      }
      return true;
    default:
      return true;
  }
}

void AppendType(const TypeNode& n, std::string* out) {
  switch (n.kind) {
    case TypeKind::kDecimal:
      absl::StrAppend(out, "DECIMAL(", n.precision, ", ", n.scale, ")");
      return;
    case TypeKind::kArray:
      out->append("ARRAY<");
      AppendType(*n.children[0], out);
      out->append(">");
      return;
    case TypeKind::kMap:
      out->append("MAP<");
      AppendType(*n.children[0], out);
      out->append(", ");
      AppendType(*n.children[1], out);
      out->append(">");
      return;
    case TypeKind::kStruct:
      if (n.fields.empty()) {
        out->append("STRUCT< >");
        return;
      }
      out->append("STRUCT<");
      for (size_t i = 0; i < n.fields.size(); ++i) {
        if (i > 0) out->append(", ");
        absl::StrAppend(out, "`", n.fields[i].name, "` ");
        AppendType(*n.fields[i].type, out);
      }
      out->append(">");
      return;
    default:
      out->append(TypeKindName(n.kind));
  }
}

bool NodeContainsMap(const TypeNode& n) {
  if (n.kind == TypeKind::kMap) return true;
  for (const auto& c : n.children) {
    if (NodeContainsMap(*c)) return true;
  }
  for (const auto& f : n.fields) {
    if (NodeContainsMap(*f.type)) return true;
  }
  return false;
}

}  // namespace

std::string_view TypeKindName(TypeKind kind) {
  switch (kind) {
    case TypeKind::kNull:
      return "NULL";
    case TypeKind::kBoolean:
      return "BOOLEAN";
    case TypeKind::kInteger:
      return "INTEGER";
    case TypeKind::kBigint:
      return "BIGINT";
    case TypeKind::kDouble:
      return "DOUBLE";
    case TypeKind::kDecimal:
      return "DECIMAL";
    case TypeKind::kString:
      return "STRING";
    case TypeKind::kBytes:
      return "BYTES";
    case TypeKind::kTimestamp:
      return "TIMESTAMP";
    case TypeKind::kDate:
      return "DATE";
    case TypeKind::kTime:
      return "TIME";
    case TypeKind::kArray:
      return "ARRAY";
    case TypeKind::kMap:
      return "MAP";
    case TypeKind::kStruct:
      return "STRUCT";
  }
  return "UNKNOWN";
}

absl::Status ValidateDecimal(int precision, int scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision) {
    return absl::InvalidArgumentError(absl::StrCat("DECIMAL precision must be between 1 and ",
                                                   kMaxDecimalPrecision, ", got ", precision));
  }
  if (scale < 0 || scale > precision) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DECIMAL scale must be between 0 and the precision (", precision, "), got ", scale));
  }
  return absl::OkStatus();
}

SqlType::SqlType() : node_(Leaf(TypeKind::kBoolean)) {}

SqlType SqlType::Boolean() { return SqlType(Leaf(TypeKind::kBoolean)); }
SqlType SqlType::Integer() { return SqlType(Leaf(TypeKind::kInteger)); }
SqlType SqlType::Bigint() { return SqlType(Leaf(TypeKind::kBigint)); }
SqlType SqlType::Double() { return SqlType(Leaf(TypeKind::kDouble)); }
SqlType SqlType::String() { return SqlType(Leaf(TypeKind::kString)); }
SqlType SqlType::Bytes() { return SqlType(Leaf(TypeKind::kBytes)); }
SqlType SqlType::Timestamp() { return SqlType(Leaf(TypeKind::kTimestamp)); }
SqlType SqlType::Date() { return SqlType(Leaf(TypeKind::kDate)); }
SqlType SqlType::Time() { return SqlType(Leaf(TypeKind::kTime)); }

SqlType SqlType::Primitive(TypeKind kind) {
  SKEIN_CHECK(kind != TypeKind::kNull && kind != TypeKind::kDecimal && kind != TypeKind::kArray &&
              kind != TypeKind::kMap && kind != TypeKind::kStruct);
  return SqlType(Leaf(kind));
}

SqlType SqlType::Decimal(int precision, int scale) {
  SKEIN_CHECK(ValidateDecimal(precision, scale).ok());
  auto node = std::make_shared<TypeNode>();
  node->kind = TypeKind::kDecimal;
  node->precision = precision;
  node->scale = scale;
  return SqlType(std::move(node));
}

SqlType SqlType::Array(const SqlType& element) {
  auto node = std::make_shared<TypeNode>();
  node->kind = TypeKind::kArray;
  node->children.push_back(element.node_);
  return SqlType(std::move(node));
}

SqlType SqlType::Map(const SqlType& key, const SqlType& value) {
  auto node = std::make_shared<TypeNode>();
  node->kind = TypeKind::kMap;
  node->children.push_back(key.node_);
  node->children.push_back(value.node_);
  return SqlType(std::move(node));
}

SqlType SqlType::Struct(const std::vector<std::pair<std::string, SqlType>>& fields) {
  auto node = std::make_shared<TypeNode>();
  node->kind = TypeKind::kStruct;
  node->fields.reserve(fields.size());
  for (const auto& [name, type] : fields) node->fields.push_back({name, type.node_});
  return SqlType(std::move(node));
}

bool SqlType::IsNumeric() const {
  switch (kind()) {
    case TypeKind::kInteger:
    case TypeKind::kBigint:
    case TypeKind::kDecimal:
    case TypeKind::kDouble:
      return true;
    default:
      return false;
  }
}

bool SqlType::IsPrimitive() const {
  return kind() != TypeKind::kArray && kind() != TypeKind::kMap && kind() != TypeKind::kStruct;
}

int SqlType::FieldIndex(std::string_view name) const {
  for (size_t i = 0; i < node_->fields.size(); ++i) {
    if (node_->fields[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

bool SqlType::ContainsMap() const { return NodeContainsMap(*node_); }

std::string SqlType::ToString() const {
  std::string out;
  AppendType(*node_, &out);
  return out;
}

bool operator==(const SqlType& a, const SqlType& b) { return NodesEqual(*a.node_, *b.node_); }

}  // namespace skein::types
