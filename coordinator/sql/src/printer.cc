#include "skein/sql/printer.h"

#include <cctype>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace skein::sql {
namespace {

absl::string_view BinaryOpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kAdd:
      return "+";
    case BinaryOp::kSubtract:
      return "-";
    case BinaryOp::kMultiply:
      return "*";
    case BinaryOp::kDivide:
      return "/";
    case BinaryOp::kModulus:
      return "%";
    case BinaryOp::kConcat:
      return "||";
    case BinaryOp::kEqual:
      return "=";
    case BinaryOp::kNotEqual:
      return "<>";
    case BinaryOp::kLess:
      return "<";
    case BinaryOp::kLessOrEqual:
      return "<=";
    case BinaryOp::kGreater:
      return ">";
    case BinaryOp::kGreaterOrEqual:
      return ">=";
    case BinaryOp::kAnd:
      return "AND";
    case BinaryOp::kOr:
      return "OR";
  }
  return "?";
}

std::string ExprList(const std::vector<ExprPtr>& exprs, size_t from = 0) {
  std::vector<std::string> parts;
  for (size_t i = from; i < exprs.size(); ++i) parts.push_back(ExprToSql(*exprs[i]));
  return absl::StrJoin(parts, ", ");
}

std::string Not(bool negated) { return negated ? "NOT " : ""; }

std::string PropertiesToSql(const std::vector<Property>& props) {
  std::vector<std::string> parts;
  for (const Property& p : props) {
    parts.push_back(absl::StrCat(FormatIdentifier(p.name), "=", ExprToSql(*p.value)));
  }
  return absl::StrCat("WITH (", absl::StrJoin(parts, ", "), ")");
}

std::string DurationToSql(const Duration& d) { return d.text; }

std::string RelationToSql(const Relation& r) {
  std::string out = FormatIdentifier(r.name);
  if (!r.alias.empty()) absl::StrAppend(&out, " ", FormatIdentifier(r.alias));
  return out;
}

absl::string_view JoinTypeText(JoinType t) {
  switch (t) {
    case JoinType::kInner:
      return "INNER JOIN";
    case JoinType::kLeft:
      return "LEFT OUTER JOIN";
    case JoinType::kRight:
      return "RIGHT OUTER JOIN";
    case JoinType::kFull:
      return "FULL OUTER JOIN";
  }
  return "JOIN";
}

std::string WindowToSql(const WindowSpec& w) {
  std::string out = "WINDOW ";
  if (!w.name.empty()) absl::StrAppend(&out, FormatIdentifier(w.name), " ");
  std::vector<std::string> opts;
  switch (w.kind) {
    case WindowKind::kTumbling:
      out += "TUMBLING";
      opts.push_back(absl::StrCat("SIZE ", DurationToSql(w.size)));
      break;
    case WindowKind::kHopping:
      out += "HOPPING";
      opts.push_back(absl::StrCat("SIZE ", DurationToSql(w.size)));
      if (w.advance) opts.push_back(absl::StrCat("ADVANCE BY ", DurationToSql(*w.advance)));
      break;
    case WindowKind::kSession:
      out += "SESSION";
      opts.push_back(DurationToSql(w.size));
      break;
  }
  if (w.retention) opts.push_back(absl::StrCat("RETENTION ", DurationToSql(*w.retention)));
  if (w.grace) opts.push_back(absl::StrCat("GRACE PERIOD ", DurationToSql(*w.grace)));
  absl::StrAppend(&out, " (", absl::StrJoin(opts, ", "), ")");
  return out;
}

absl::string_view ShowTargetText(ShowTarget t) {
  switch (t) {
    case ShowTarget::kStreams:
      return "STREAMS";
    case ShowTarget::kTables:
      return "TABLES";
    case ShowTarget::kQueries:
      return "QUERIES";
    case ShowTarget::kTopics:
      return "TOPICS";
    case ShowTarget::kProperties:
      return "PROPERTIES";
    case ShowTarget::kFunctions:
      return "FUNCTIONS";
    case ShowTarget::kConnectors:
      return "CONNECTORS";
    case ShowTarget::kTypes:
      return "TYPES";
  }
  return "?";
}

std::string ColumnToSql(const ColumnDef& c) {
  std::string out = absl::StrCat(FormatIdentifier(c.name), " ", TypeToSql(*c.type));
  switch (c.constraint) {
    case ColumnConstraint::kNone:
      break;
    case ColumnConstraint::kKey:
      out += " KEY";
      break;
    case ColumnConstraint::kPrimaryKey:
      out += " PRIMARY KEY";
      break;
    case ColumnConstraint::kHeaders:
      out += " HEADERS";
      break;
    case ColumnConstraint::kHeader:
      absl::StrAppend(&out, " HEADER(", FormatStringLiteral(c.header_key), ")");
      break;
  }
  return out;
}

std::string CreateHead(bool or_replace, bool is_table, bool if_not_exists,
                       const std::string& name) {
  return absl::StrCat("CREATE ", or_replace ? "OR REPLACE " : "", is_table ? "TABLE " : "STREAM ",
                      if_not_exists ? "IF NOT EXISTS " : "", FormatIdentifier(name));
}

}  // namespace

std::string FormatIdentifier(const std::string& name) {
  bool plain =
      !name.empty() && (std::isupper(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    if (!(std::isupper(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '@' || c == '$')) {
      plain = false;
    }
  }
  if (plain && !IsReservedWord(name)) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out.push_back('`');
    out.push_back(c);
  }
  out.push_back('`');
  return out;
}

std::string FormatStringLiteral(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'') out.push_back('\'');
    out.push_back(c);
  }
  out.push_back('\'');
  return out;
}

std::string TypeToSql(const DataType& type) {
  switch (type.kind) {
    case TypeKind::kDecimal:
      return absl::StrCat("DECIMAL(", type.precision, ", ", type.scale, ")");
    case TypeKind::kArray:
      return absl::StrCat("ARRAY<", TypeToSql(*type.element), ">");
    case TypeKind::kMap:
      return absl::StrCat("MAP<", TypeToSql(*type.key), ", ", TypeToSql(*type.element), ">");
    case TypeKind::kStruct: {
      std::vector<std::string> fields;
      for (const StructField& f : type.fields) {
        fields.push_back(absl::StrCat(FormatIdentifier(f.name), " ", TypeToSql(*f.type)));
      }
      return absl::StrCat("STRUCT<", absl::StrJoin(fields, ", "), ">");
    }
    case TypeKind::kCustom:
      return FormatIdentifier(type.name);
    default:
      return type.name;
  }
}

std::string ExprToSql(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kNullLiteral:
      return "NULL";
    case ExprKind::kBooleanLiteral:
      return e.bool_value ? "true" : "false";
    case ExprKind::kIntegerLiteral:
    case ExprKind::kBigIntLiteral:
    case ExprKind::kDecimalLiteral:
    case ExprKind::kDoubleLiteral:
      return e.text;
    case ExprKind::kStringLiteral:
      return FormatStringLiteral(e.text);
    case ExprKind::kColumnRef:
      if (e.qualifier.empty()) return FormatIdentifier(e.text);
      return absl::StrCat(FormatIdentifier(e.qualifier), ".", FormatIdentifier(e.text));
    case ExprKind::kDereference:
      return absl::StrCat(ExprToSql(*e.children[0]), "->", FormatIdentifier(e.text));
    case ExprKind::kSubscript:
      return absl::StrCat(ExprToSql(*e.children[0]), "[", ExprToSql(*e.children[1]), "]");
    case ExprKind::kUnary: {
      std::string operand = ExprToSql(*e.children[0]);
      switch (e.unary_op) {
        case UnaryOp::kNot:
          return absl::StrCat("(NOT ", operand, ")");
        // A space keeps `- -1` from reading as a comment start.
        case UnaryOp::kMinus: {
          ExprKind k = e.children[0]->kind;
          // `-(1)` must not print as `-1`, which parses back as a negative literal.
          if (k == ExprKind::kIntegerLiteral || k == ExprKind::kBigIntLiteral ||
              k == ExprKind::kDecimalLiteral || k == ExprKind::kDoubleLiteral) {
            return absl::StrCat("-(", operand, ")");
          }
          return absl::StrCat(operand[0] == '-' ? "- " : "-", operand);
        }
        case UnaryOp::kPlus:
          return absl::StrCat("+", operand);
      }
      return operand;
    }
    case ExprKind::kBinary:
      return absl::StrCat("(", ExprToSql(*e.children[0]), " ", BinaryOpText(e.binary_op), " ",
                          ExprToSql(*e.children[1]), ")");
    case ExprKind::kIsNull:
      return absl::StrCat("(", ExprToSql(*e.children[0]), " IS ", Not(e.negated), "NULL)");
    case ExprKind::kIsDistinctFrom:
      return absl::StrCat("(", ExprToSql(*e.children[0]), " IS ", Not(e.negated), "DISTINCT FROM ",
                          ExprToSql(*e.children[1]), ")");
    case ExprKind::kLike: {
      std::string out = absl::StrCat("(", ExprToSql(*e.children[0]), " ", Not(e.negated), "LIKE ",
                                     ExprToSql(*e.children[1]));
      if (e.escape) absl::StrAppend(&out, " ESCAPE ", FormatStringLiteral(*e.escape));
      return out + ")";
    }
    case ExprKind::kIn:
      return absl::StrCat("(", ExprToSql(*e.children[0]), " ", Not(e.negated), "IN (",
                          ExprList(e.children, 1), "))");
    case ExprKind::kBetween:
      return absl::StrCat("(", ExprToSql(*e.children[0]), " ", Not(e.negated), "BETWEEN ",
                          ExprToSql(*e.children[1]), " AND ", ExprToSql(*e.children[2]), ")");
    case ExprKind::kCase: {
      std::string out = "(CASE";
      if (e.operand) absl::StrAppend(&out, " ", ExprToSql(*e.operand));
      for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
        absl::StrAppend(&out, " WHEN ", ExprToSql(*e.children[i]), " THEN ",
                        ExprToSql(*e.children[i + 1]));
      }
      if (e.else_result) absl::StrAppend(&out, " ELSE ", ExprToSql(*e.else_result));
      return out + " END)";
    }
    case ExprKind::kCast:
      return absl::StrCat("CAST(", ExprToSql(*e.children[0]), " AS ", TypeToSql(*e.type), ")");
    case ExprKind::kFunctionCall:
      if (e.star) return absl::StrCat(FormatIdentifier(e.text), "(*)");
      return absl::StrCat(FormatIdentifier(e.text), "(", ExprList(e.children), ")");
    case ExprKind::kLambda: {
      std::vector<std::string> params;
      for (const std::string& n : e.names) params.push_back(FormatIdentifier(n));
      std::string head =
          params.size() == 1 ? params[0] : absl::StrCat("(", absl::StrJoin(params, ", "), ")");
      return absl::StrCat(head, " => ", ExprToSql(*e.children[0]));
    }
    case ExprKind::kArray:
      return absl::StrCat("ARRAY[", ExprList(e.children), "]");
    case ExprKind::kMap: {
      std::vector<std::string> parts;
      for (size_t i = 0; i + 1 < e.children.size(); i += 2) {
        parts.push_back(
            absl::StrCat(ExprToSql(*e.children[i]), ":=", ExprToSql(*e.children[i + 1])));
      }
      return absl::StrCat("MAP(", absl::StrJoin(parts, ", "), ")");
    }
    case ExprKind::kStruct: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < e.names.size() && i < e.children.size(); ++i) {
        parts.push_back(
            absl::StrCat(FormatIdentifier(e.names[i]), ":=", ExprToSql(*e.children[i])));
      }
      return absl::StrCat("STRUCT(", absl::StrJoin(parts, ", "), ")");
    }
  }
  return "?";
}

std::string QueryToSql(const Query& q) {
  std::vector<std::string> items;
  for (const SelectItem& item : q.select) {
    switch (item.kind) {
      case SelectItem::Kind::kStar:
        items.push_back("*");
        break;
      case SelectItem::Kind::kQualifiedStar:
        items.push_back(absl::StrCat(FormatIdentifier(item.qualifier), ".*"));
        break;
      case SelectItem::Kind::kExpr:
        items.push_back(item.alias.empty() ? ExprToSql(*item.expr)
                                           : absl::StrCat(ExprToSql(*item.expr), " AS ",
                                                          FormatIdentifier(item.alias)));
        break;
    }
  }
  std::string out =
      absl::StrCat("SELECT ", absl::StrJoin(items, ", "), " FROM ", RelationToSql(q.from));
  for (const JoinClause& j : q.joins) {
    absl::StrAppend(&out, " ", JoinTypeText(j.type), " ", RelationToSql(j.right));
    if (j.within_before && j.within_after) {
      absl::StrAppend(&out, " WITHIN (", DurationToSql(*j.within_before), ", ",
                      DurationToSql(*j.within_after), ")");
    } else if (j.within_before) {
      absl::StrAppend(&out, " WITHIN ", DurationToSql(*j.within_before));
    }
    if (j.grace) absl::StrAppend(&out, " GRACE PERIOD ", DurationToSql(*j.grace));
    absl::StrAppend(&out, " ON ", ExprToSql(*j.on));
  }
  if (q.window) absl::StrAppend(&out, " ", WindowToSql(*q.window));
  if (q.where) absl::StrAppend(&out, " WHERE ", ExprToSql(*q.where));
  if (!q.group_by.empty()) absl::StrAppend(&out, " GROUP BY ", ExprList(q.group_by));
  if (!q.partition_by.empty()) absl::StrAppend(&out, " PARTITION BY ", ExprList(q.partition_by));
  if (q.having) absl::StrAppend(&out, " HAVING ", ExprToSql(*q.having));
  if (q.emit == EmitKind::kChanges) out += " EMIT CHANGES";
  if (q.emit == EmitKind::kFinal) out += " EMIT FINAL";
  if (q.limit) absl::StrAppend(&out, " LIMIT ", *q.limit);
  return out;
}

std::string StatementToSql(const Statement& s) {
  switch (s.kind) {
    case StatementKind::kCreateSource: {
      const auto& c = s.As<CreateSource>();
      std::string out = CreateHead(c.or_replace, c.is_table, c.if_not_exists, c.name);
      if (c.is_source) out.replace(out.find(c.is_table ? "TABLE" : "STREAM"), 0, "SOURCE ");
      if (!c.columns.empty()) {
        std::vector<std::string> cols;
        for (const ColumnDef& col : c.columns) cols.push_back(ColumnToSql(col));
        absl::StrAppend(&out, " (", absl::StrJoin(cols, ", "), ")");
      }
      if (!c.properties.empty()) absl::StrAppend(&out, " ", PropertiesToSql(c.properties));
      return out;
    }
    case StatementKind::kCreateAsSelect: {
      const auto& c = s.As<CreateAsSelect>();
      std::string out = CreateHead(c.or_replace, c.is_table, c.if_not_exists, c.name);
      if (!c.properties.empty()) absl::StrAppend(&out, " ", PropertiesToSql(c.properties));
      return absl::StrCat(out, " AS ", QueryToSql(*c.query));
    }
    case StatementKind::kInsertInto: {
      const auto& i = s.As<InsertInto>();
      std::string out = absl::StrCat("INSERT INTO ", FormatIdentifier(i.name));
      if (!i.properties.empty()) absl::StrAppend(&out, " ", PropertiesToSql(i.properties));
      return absl::StrCat(out, " ", QueryToSql(*i.query));
    }
    case StatementKind::kInsertValues: {
      const auto& i = s.As<InsertValues>();
      std::string out = absl::StrCat("INSERT INTO ", FormatIdentifier(i.name));
      if (!i.columns.empty()) {
        std::vector<std::string> cols;
        for (const std::string& c : i.columns) cols.push_back(FormatIdentifier(c));
        absl::StrAppend(&out, " (", absl::StrJoin(cols, ", "), ")");
      }
      return absl::StrCat(out, " VALUES (", ExprList(i.values), ")");
    }
    case StatementKind::kDropSource: {
      const auto& d = s.As<DropSource>();
      return absl::StrCat("DROP ", d.is_table ? "TABLE " : "STREAM ",
                          d.if_exists ? "IF EXISTS " : "", FormatIdentifier(d.name),
                          d.delete_topic ? " DELETE TOPIC" : "");
    }
    case StatementKind::kShow: {
      const auto& sh = s.As<Show>();
      return absl::StrCat("SHOW ", ShowTargetText(sh.target), sh.extended ? " EXTENDED" : "");
    }
    case StatementKind::kDescribe: {
      const auto& d = s.As<Describe>();
      return absl::StrCat("DESCRIBE ", FormatIdentifier(d.name), d.extended ? " EXTENDED" : "");
    }
    case StatementKind::kExplain: {
      const auto& e = s.As<Explain>();
      if (e.statement) return absl::StrCat("EXPLAIN ", StatementToSql(*e.statement));
      return absl::StrCat("EXPLAIN ", FormatIdentifier(e.query_id));
    }
    case StatementKind::kTerminate: {
      const auto& t = s.As<Terminate>();
      return t.all ? "TERMINATE ALL" : absl::StrCat("TERMINATE ", FormatIdentifier(t.query_id));
    }
    case StatementKind::kSetProperty: {
      const auto& p = s.As<SetProperty>();
      return absl::StrCat("SET ", FormatStringLiteral(p.name), "=", FormatStringLiteral(p.value));
    }
    case StatementKind::kUnsetProperty:
      return absl::StrCat("UNSET ", FormatStringLiteral(s.As<UnsetProperty>().name));
    case StatementKind::kCreateConnector: {
      const auto& c = s.As<CreateConnector>();
      return absl::StrCat("CREATE ", c.is_sink ? "SINK" : "SOURCE", " CONNECTOR ",
                          c.if_not_exists ? "IF NOT EXISTS " : "", FormatIdentifier(c.name), " ",
                          PropertiesToSql(c.properties));
    }
    case StatementKind::kDropConnector: {
      const auto& d = s.As<DropConnector>();
      return absl::StrCat("DROP CONNECTOR ", d.if_exists ? "IF EXISTS " : "",
                          FormatIdentifier(d.name));
    }
    case StatementKind::kSelect:
      return QueryToSql(*s.As<SelectStatement>().query);
  }
  return "?";
}

}  // namespace skein::sql
