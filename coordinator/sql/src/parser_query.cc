// SELECT grammar: select list, FROM with joins, WINDOW, WHERE, GROUP BY, PARTITION BY, HAVING,
// EMIT, LIMIT (in ksqlDB's fixed clause order).

#include <limits>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "parser_internal.h"
#include "skein/common/status.h"

namespace skein::sql::internal {
namespace {

// Words that end a relation or a select item, so they are never taken as an implicit alias.
bool IsClauseWord(const Token& t) {
  if (t.kind != TokenKind::kWord) return false;
  return IsReservedWord(t.text) || t.text == "PARTITION" || t.text == "EMIT" || t.text == "GRACE";
}

}  // namespace

absl::StatusOr<std::string> Parser::ParseOptionalAlias() {
  if (AcceptKeyword("AS")) return ParseIdentifier("an alias");
  const Token& t = Peek();
  if (t.kind == TokenKind::kQuotedIdentifier || (t.kind == TokenKind::kWord && !IsClauseWord(t))) {
    if (t.kind == TokenKind::kWord) last_implicit_alias_ = Position();
    return Next().text;
  }
  return std::string();
}

absl::Status Parser::MisspelledClauseError() {
  static constexpr std::string_view kClauses[] = {"FROM",   "WHERE", "GROUP", "PARTITION", "HAVING",
                                                  "WINDOW", "EMIT",  "LIMIT", "JOIN"};
  auto check = [this](const Token& t) -> absl::Status {
    if (t.kind != TokenKind::kWord || t.text.size() < 3) return absl::OkStatus();
    for (std::string_view kw : kClauses) {
      int distance = EditDistance(t.text, kw);
      if (distance == 0) return absl::OkStatus();  // the keyword itself, just misplaced
      if (distance <= (kw.size() >= 4 ? 2 : 1)) {
        std::string word(kw.data(), kw.size());
        return Unexpected(t, word, absl::StrCat("did you mean ", word, "?"));
      }
    }
    return absl::OkStatus();
  };
  if (last_implicit_alias_ != static_cast<size_t>(-1) && last_implicit_alias_ + 1 == pos_) {
    size_t here = pos_;
    Reset(last_implicit_alias_);
    const Token& alias = Peek();
    Reset(here);
    SKEIN_RETURN_IF_ERROR(check(alias));
  }
  return check(Peek());
}

absl::StatusOr<SelectItem> Parser::ParseSelectItem() {
  SelectItem item;
  item.pos = Peek().pos;
  if (AcceptSymbol("*")) {
    item.kind = SelectItem::Kind::kStar;
    return item;
  }
  const Token& t = Peek();
  if ((t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdentifier) &&
      PeekSymbol(".", 1) && PeekSymbol("*", 2)) {
    item.kind = SelectItem::Kind::kQualifiedStar;
    item.qualifier = Next().text;
    Next();
    Next();
    return item;
  }
  SKEIN_ASSIGN_OR_RETURN(item.expr, ParseExpr());
  SKEIN_ASSIGN_OR_RETURN(item.alias, ParseOptionalAlias());
  return item;
}

absl::StatusOr<std::unique_ptr<Query>> Parser::ParseQuery() {
  auto query = std::make_unique<Query>();
  query->pos = Peek().pos;
  SKEIN_RETURN_IF_ERROR(ExpectKeyword("SELECT"));
  AcceptKeyword("ALL");
  if (PeekKeyword("DISTINCT")) {
    return Unexpected(Peek(), "a select item",
                      "ksqlDB has no SELECT DISTINCT; GROUP BY the columns instead");
  }
  while (true) {
    SKEIN_ASSIGN_OR_RETURN(SelectItem item, ParseSelectItem());
    query->select.push_back(std::move(item));
    if (!AcceptSymbol(",")) break;
  }
  if (!PeekKeyword("FROM")) {
    SKEIN_RETURN_IF_ERROR(MisspelledClauseError());
    const Token& t = Peek();
    std::string hint;
    if (t.kind == TokenKind::kWord && EditDistance(t.text, "FROM") <= 2) {
      hint = "did you mean FROM?";
    } else if (!AtEnd()) {
      hint = MissingCommaHint();
    }
    return Unexpected(t, "FROM", hint);
  }
  Next();
  SKEIN_ASSIGN_OR_RETURN(query->from, ParseRelation());
  while (PeekKeyword("JOIN") || PeekKeyword("INNER") || PeekKeyword("LEFT") ||
         PeekKeyword("RIGHT") || PeekKeyword("FULL")) {
    SKEIN_ASSIGN_OR_RETURN(JoinClause join, ParseJoin());
    query->joins.push_back(std::move(join));
  }
  if (AcceptKeyword("WINDOW")) {
    SKEIN_ASSIGN_OR_RETURN(query->window, ParseWindow());
  }
  if (AcceptKeyword("WHERE")) {
    SKEIN_ASSIGN_OR_RETURN(query->where, ParseExpr());
  }
  if (AcceptKeyword("GROUP")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("BY"));
    SKEIN_ASSIGN_OR_RETURN(query->group_by, ParseGroupingList());
  }
  if (AcceptKeyword("PARTITION")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("BY"));
    if (PeekSymbol("(") && PeekSymbol(")", 1)) {
      return ErrorAt(Peek().pos, "()", "PARTITION BY requires at least one expression");
    }
    SKEIN_ASSIGN_OR_RETURN(query->partition_by, ParseGroupingList());
  }
  if (AcceptKeyword("HAVING")) {
    SKEIN_ASSIGN_OR_RETURN(query->having, ParseExpr());
  }
  if (AcceptKeyword("EMIT")) {
    if (AcceptKeyword("CHANGES")) {
      query->emit = EmitKind::kChanges;
    } else if (AcceptKeyword("FINAL")) {
      query->emit = EmitKind::kFinal;
    } else {
      return Unexpected(Peek(), "CHANGES or FINAL");
    }
  }
  if (AcceptKeyword("LIMIT")) {
    const Token& n = Peek();
    int64_t limit = 0;
    if (n.kind != TokenKind::kInteger || !absl::SimpleAtoi(n.text, &limit)) {
      return Unexpected(n, "a row count", "LIMIT takes a non-negative integer");
    }
    Next();
    query->limit = limit;
  }
  // A clause in the wrong order is a common mistake: say which order ksqlDB wants.
  const Token& t = Peek();
  if (!AtEnd() && !IsSymbol(t, ";") && !IsSymbol(t, ")")) {
    SKEIN_RETURN_IF_ERROR(MisspelledClauseError());
  }
  if (IsKeyword(t, "WHERE") || IsKeyword(t, "GROUP") || IsKeyword(t, "PARTITION") ||
      IsKeyword(t, "HAVING") || IsKeyword(t, "WINDOW") || IsKeyword(t, "EMIT") ||
      IsKeyword(t, "LIMIT") || IsKeyword(t, "JOIN")) {
    return Unexpected(t, "the end of the query",
                      "clauses go in the order FROM, JOIN, WINDOW, WHERE, GROUP BY, "
                      "PARTITION BY, HAVING, EMIT, LIMIT");
  }
  return query;
}

absl::StatusOr<std::vector<ExprPtr>> Parser::ParseGroupingList() {
  // Items are value expressions, as in ksqlDB's grammar: `GROUP BY A AND B` is a syntax
  // error, `GROUP BY (A AND B)` groups by one boolean.
  std::vector<ExprPtr> list;
  // ksqlDB also accepts a parenthesized list `GROUP BY (A, B)`; try that first and fall back
  // to a plain expression list when the parentheses turn out to be part of an expression.
  if (PeekSymbol("(")) {
    size_t start = Position();
    Next();
    bool ok = true;
    std::vector<ExprPtr> items;
    if (!PeekSymbol(")")) {
      do {
        absl::StatusOr<ExprPtr> item = ParseValueExpr();
        if (!item.ok()) {
          ok = false;
          break;
        }
        items.push_back(std::move(item).value());
      } while (AcceptSymbol(","));
    }
    if (ok && AcceptSymbol(")") && items.size() != 1 && !PeekSymbol(",")) {
      const Token& after = Peek();
      bool operator_follows =
          after.kind == TokenKind::kSymbol && after.text != ";" && after.text != ")";
      if (!operator_follows && !items.empty()) return items;
    }
    Reset(start);
  }
  do {
    SKEIN_ASSIGN_OR_RETURN(ExprPtr e, ParseValueExpr());
    list.push_back(std::move(e));
  } while (AcceptSymbol(","));
  return list;
}

absl::StatusOr<Relation> Parser::ParseRelation() {
  Relation rel;
  rel.pos = Peek().pos;
  SKEIN_ASSIGN_OR_RETURN(rel.name, ParseIdentifier("a stream or table name"));
  SKEIN_ASSIGN_OR_RETURN(rel.alias, ParseOptionalAlias());
  return rel;
}

absl::StatusOr<JoinClause> Parser::ParseJoin() {
  JoinClause join;
  join.pos = Peek().pos;
  if (AcceptKeyword("LEFT")) {
    join.type = JoinType::kLeft;
    AcceptKeyword("OUTER");
  } else if (AcceptKeyword("RIGHT")) {
    join.type = JoinType::kRight;
    AcceptKeyword("OUTER");
  } else if (AcceptKeyword("FULL")) {
    join.type = JoinType::kFull;
    AcceptKeyword("OUTER");
  } else {
    AcceptKeyword("INNER");
  }
  SKEIN_RETURN_IF_ERROR(ExpectKeyword("JOIN"));
  SKEIN_ASSIGN_OR_RETURN(join.right, ParseRelation());
  if (AcceptKeyword("WITHIN")) {
    if (PeekSymbol("(")) {
      const Token& open = Next();
      SKEIN_ASSIGN_OR_RETURN(join.within_before, ParseDuration("a WITHIN duration"));
      SKEIN_RETURN_IF_ERROR(ExpectSymbol(","));
      SKEIN_ASSIGN_OR_RETURN(join.within_after, ParseDuration("a WITHIN duration"));
      SKEIN_RETURN_IF_ERROR(ExpectClose(open));
    } else {
      SKEIN_ASSIGN_OR_RETURN(join.within_before, ParseDuration("a WITHIN duration"));
    }
  }
  if (AcceptKeyword("GRACE")) {
    SKEIN_RETURN_IF_ERROR(ExpectKeyword("PERIOD"));
    SKEIN_ASSIGN_OR_RETURN(join.grace, ParseDuration("a grace period"));
  }
  if (!PeekKeyword("ON")) {
    return Unexpected(Peek(), "ON", "a join needs a condition: ... JOIN R ON L.ID = R.ID");
  }
  Next();
  SKEIN_ASSIGN_OR_RETURN(join.on, ParseExpr());
  return join;
}

absl::StatusOr<Duration> Parser::ParseDuration(std::string_view what) {
  Duration d;
  const Token& n = Peek();
  d.pos = n.pos;
  int64_t count = 0;
  if (n.kind != TokenKind::kInteger || !absl::SimpleAtoi(n.text, &count)) {
    return Unexpected(n, what, "write a count and a unit, e.g. 30 SECONDS");
  }
  Next();
  const Token& unit = Peek();
  int64_t unit_ms = unit.kind == TokenKind::kWord ? TimeUnitMillis(unit.text) : 0;
  if (unit_ms == 0) {
    return Unexpected(unit, "a time unit", "use MILLISECONDS, SECONDS, MINUTES, HOURS or DAYS");
  }
  Next();
  if (count > std::numeric_limits<int64_t>::max() / unit_ms) {
    return Unexpected(n, "a shorter duration", "the duration overflows 64-bit milliseconds");
  }
  d.millis = count * unit_ms;
  d.text = absl::StrCat(count, " ", unit.text);
  return d;
}

absl::StatusOr<WindowSpec> Parser::ParseWindow() {
  WindowSpec w;
  w.pos = Peek().pos;
  auto is_kind = [this](size_t i) {
    return PeekKeyword("TUMBLING", i) || PeekKeyword("HOPPING", i) || PeekKeyword("SESSION", i);
  };
  if (!is_kind(0) && is_kind(1) &&
      (Peek().kind == TokenKind::kWord || Peek().kind == TokenKind::kQuotedIdentifier)) {
    w.name = Next().text;
  }
  if (AcceptKeyword("TUMBLING")) {
    w.kind = WindowKind::kTumbling;
  } else if (AcceptKeyword("HOPPING")) {
    w.kind = WindowKind::kHopping;
  } else if (AcceptKeyword("SESSION")) {
    w.kind = WindowKind::kSession;
  } else {
    return Unexpected(Peek(), "TUMBLING, HOPPING or SESSION");
  }
  const Token& open = Peek();
  SKEIN_RETURN_IF_ERROR(ExpectSymbol("("));
  bool have_size = false;
  if (w.kind == WindowKind::kSession) {
    SKEIN_ASSIGN_OR_RETURN(w.size, ParseDuration("a session gap"));
    have_size = true;
  }
  bool first = !have_size;
  while (first || AcceptSymbol(",")) {
    first = false;
    const Token& opt = Peek();
    if (w.kind != WindowKind::kSession && !have_size && AcceptKeyword("SIZE")) {
      SKEIN_ASSIGN_OR_RETURN(w.size, ParseDuration("a window size"));
      have_size = true;
    } else if (w.kind == WindowKind::kHopping && !w.advance && AcceptKeyword("ADVANCE")) {
      SKEIN_RETURN_IF_ERROR(ExpectKeyword("BY"));
      SKEIN_ASSIGN_OR_RETURN(w.advance, ParseDuration("an advance interval"));
    } else if (!w.retention && AcceptKeyword("RETENTION")) {
      SKEIN_ASSIGN_OR_RETURN(w.retention, ParseDuration("a retention"));
    } else if (!w.grace && AcceptKeyword("GRACE")) {
      SKEIN_RETURN_IF_ERROR(ExpectKeyword("PERIOD"));
      SKEIN_ASSIGN_OR_RETURN(w.grace, ParseDuration("a grace period"));
    } else {
      std::string expected = w.kind == WindowKind::kHopping    ? "SIZE, ADVANCE BY, RETENTION or "
                                                                 "GRACE PERIOD"
                             : w.kind == WindowKind::kTumbling ? "SIZE, RETENTION or GRACE "
                                                                 "PERIOD"
                                                               : "RETENTION or GRACE PERIOD";
      return Unexpected(opt, expected, "each window option may appear once");
    }
  }
  SKEIN_RETURN_IF_ERROR(ExpectClose(open));
  if (!have_size) {
    return Unexpected(open, "SIZE", "a window needs a size: TUMBLING (SIZE 1 MINUTE)");
  }
  if (w.kind == WindowKind::kHopping && !w.advance) {
    return Unexpected(open, "ADVANCE BY",
                      "a hopping window needs ADVANCE BY: HOPPING (SIZE 1 MINUTE, ADVANCE BY "
                      "10 SECONDS)");
  }
  return w;
}

}  // namespace skein::sql::internal
