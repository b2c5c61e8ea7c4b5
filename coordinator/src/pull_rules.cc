#include "pull_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace skein::coordinator {
namespace {

absl::Status Rejected(sql::SourcePos pos, const char* what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", pos.line, ":", pos.column,
                                                 ": Pull queries don't support ", what, ".",
                                                 kPullQuerySyntaxHelp));
}

// The first reference to ROWPARTITION or ROWOFFSET in `e`, if any.
const sql::Expr* DisallowedPseudoColumn(const sql::Expr* e) {
  if (e == nullptr) return nullptr;
  if (e->kind == sql::ExprKind::kColumnRef) {
    const std::string name = absl::AsciiStrToUpper(e->text);
    if (name == "ROWPARTITION" || name == "ROWOFFSET") return e;
  }
  for (const sql::ExprPtr& c : e->children) {
    if (const sql::Expr* found = DisallowedPseudoColumn(c.get())) return found;
  }
  if (const sql::Expr* found = DisallowedPseudoColumn(e->operand.get())) return found;
  return DisallowedPseudoColumn(e->else_result.get());
}

}  // namespace

absl::Status CheckPullQueryRules(const sql::Query& query) {
  if (!query.joins.empty()) return Rejected(query.joins.front().right.pos, "JOIN clauses");
  if (query.window) return Rejected(query.window->pos, "WINDOW clauses");
  if (!query.group_by.empty()) return Rejected(query.group_by.front()->pos, "GROUP BY clauses");
  if (!query.partition_by.empty()) {
    return Rejected(query.partition_by.front()->pos, "PARTITION BY clauses");
  }
  if (query.having != nullptr) return Rejected(query.having->pos, "HAVING clauses");
  for (const sql::SelectItem& item : query.select) {
    if (const sql::Expr* e = DisallowedPseudoColumn(item.expr.get())) {
      return Rejected(e->pos, "ROWPARTITION or ROWOFFSET in SELECT clauses");
    }
  }
  if (const sql::Expr* e = DisallowedPseudoColumn(query.where.get())) {
    return Rejected(e->pos, "ROWPARTITION or ROWOFFSET in WHERE clauses");
  }
  return absl::OkStatus();
}

}  // namespace skein::coordinator
