#include "skein/runtime/table_reader.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "aggregate_operator.h"
#include "skein/common/status.h"
#include "skein/runtime/operators.h"
#include "skein/runtime/processing_log.h"
#include "skein/serde/format.h"

namespace skein::runtime {
namespace {

using types::Value;

// More candidate keys than this and a scan is cheaper than point reads.
constexpr size_t kMaxLookups = 10'000;

// The literal of `e` as a value of `type`, when `e` is a literal of exactly that type (a
// lookup key must encode as the stored key does; anything else falls back to a scan).
std::optional<Value> LiteralOf(const v1::Expr& e, const types::SqlType& type) {
  if (e.node_case() != v1::Expr::kLiteral) return std::nullopt;
  absl::StatusOr<types::SqlType> t = FromProto(e.type());
  if (!t.ok() || !(*t == type)) return std::nullopt;
  absl::StatusOr<Value> v = LiteralValue(e.literal(), type);
  if (!v.ok() || v->is_null()) return std::nullopt;
  return *v;
}

bool IsColumn(const v1::Expr& e, int column) {
  return e.node_case() == v1::Expr::kColumn && static_cast<int>(e.column()) == column;
}

// Values the predicate pins `column` to: every row it accepts has one of them. nullopt when
// the predicate does not pin the column.
std::optional<std::vector<Value>> Candidates(const v1::Expr& e, int column,
                                             const types::SqlType& type) {
  if (e.node_case() != v1::Expr::kCall) return std::nullopt;
  const v1::Call& c = e.call();
  if (c.function() == "=" && c.args_size() == 2) {
    for (int side = 0; side < 2; ++side) {
      if (!IsColumn(c.args(side), column)) continue;
      if (std::optional<Value> v = LiteralOf(c.args(1 - side), type)) {
        return std::vector<Value>{*v};
      }
    }
    return std::nullopt;
  }
  if (c.function() == "IN" && c.args_size() >= 2 && IsColumn(c.args(0), column)) {
    std::vector<Value> out;
    for (int i = 1; i < c.args_size(); ++i) {
      std::optional<Value> v = LiteralOf(c.args(i), type);
      if (!v) return std::nullopt;
      out.push_back(*v);
    }
    return out;
  }
  if ((c.function() == "AND" || c.function() == "OR") && c.args_size() == 2) {
    std::optional<std::vector<Value>> a = Candidates(c.args(0), column, type);
    std::optional<std::vector<Value>> b = Candidates(c.args(1), column, type);
    if (c.function() == "OR") {
      if (!a || !b) return std::nullopt;
      a->insert(a->end(), b->begin(), b->end());
      return a;
    }
    if (!a) return b;
    if (!b) return a;
    std::vector<Value> both;  // AND: values in both lists
    for (const Value& v : *a) {
      if (std::find(b->begin(), b->end(), v) != b->end()) both.push_back(v);
    }
    return both;
  }
  return std::nullopt;
}

// Narrows [*from, *to] by the comparisons of `column` with BIGINT literals ANDed in `e`.
void WindowBounds(const v1::Expr& e, int column, int64_t* from, int64_t* to) {
  if (e.node_case() != v1::Expr::kCall) return;
  const v1::Call& c = e.call();
  if (c.function() == "AND" && c.args_size() == 2) {
    WindowBounds(c.args(0), column, from, to);
    WindowBounds(c.args(1), column, from, to);
    return;
  }
  if (c.args_size() != 2) return;
  std::string op = c.function();
  int lit = 1;
  if (!IsColumn(c.args(0), column)) {
    if (!IsColumn(c.args(1), column)) return;
    lit = 0;  // literal first: mirror the comparison
    if (op == "<") {
      op = ">";
    } else if (op == "<=") {
      op = ">=";
    } else if (op == ">") {
      op = "<";
    } else if (op == ">=") {
      op = "<=";
    }
  }
  std::optional<Value> v = LiteralOf(c.args(lit), types::SqlType::Bigint());
  if (!v) return;
  const int64_t x = v->bigint();
  if (op == "=" || op == ">=") *from = std::max(*from, x);
  if (op == "=" || op == "<=") *to = std::min(*to, x);
  if (op == ">" && x < std::numeric_limits<int64_t>::max()) *from = std::max(*from, x + 1);
  if (op == "<" && x > std::numeric_limits<int64_t>::min()) *to = std::min(*to, x - 1);
}

// Runs `ops` (row operators, built on `ctx`) over `batch`, dropping rows they turn into
// tombstones.
absl::Status RunOperators(const std::vector<const v1::Operator*>& ops, const RowSchema& input,
                          OperatorContext* ctx, RowBatch* batch) {
  const RowSchema* schema = &input;
  std::vector<std::unique_ptr<RowOperator>> built;
  for (const v1::Operator* op : ops) {
    SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<RowOperator> o, MakeRowOperator(*op, *schema, ctx));
    built.push_back(std::move(o));
    schema = &built.back()->output_schema();
  }
  for (auto& op : built) {
    if (batch->empty()) break;
    op->Process(batch);
    if (!ctx->fatal.ok()) return ctx->fatal;
  }
  batch->erase(
      std::remove_if(batch->begin(), batch->end(), [](const RowRecord& r) { return r.value_null; }),
      batch->end());
  return absl::OkStatus();
}

}  // namespace

TableReader::~TableReader() = default;

absl::StatusOr<std::unique_ptr<TableReader>> TableReader::Create(
    const v1::PhysicalPlan& table_plan, uint32_t stage, const v1::PhysicalPlan& pull_plan) {
  std::unique_ptr<TableReader> r(new TableReader());
  r->table_plan_ = table_plan;
  r->pull_plan_ = pull_plan;
  r->stage_ = stage;
  for (const v1::Stage& s : r->table_plan_.stages()) {
    if (s.id() == stage) r->table_stage_ = &s;
  }
  const v1::Stage* ts = r->table_stage_;
  if (ts == nullptr || ts->operators_size() < 3 || !ts->operators(0).has_source() ||
      !ts->operators(ts->operators_size() - 1).has_sink()) {
    return absl::InvalidArgumentError(absl::StrCat("the table's plan has no stage ", stage));
  }
  r->aggregate_at_ = -1;
  for (int i = 1; i < ts->operators_size() - 1; ++i) {
    if (ts->operators(i).has_aggregate()) r->aggregate_at_ = i;
  }
  if (r->aggregate_at_ < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("stage ", stage, " of query ", table_plan.query_id(), " has no aggregate"));
  }
  // The aggregate's input row: the source row through the (stateless) operators before it.
  NullProcessingLog scratch_log;
  OperatorContext scratch;
  scratch.log = &scratch_log;
  SKEIN_ASSIGN_OR_RETURN(RowSchema schema, FromProto(ts->operators(0).source().schema()));
  std::vector<std::unique_ptr<RowOperator>> before;
  for (int i = 1; i < r->aggregate_at_; ++i) {
    SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<RowOperator> op,
                           MakeRowOperator(ts->operators(i), schema, &scratch));
    schema = op->output_schema();
    before.push_back(std::move(op));
  }
  r->aggregate_input_ = schema;
  SKEIN_ASSIGN_OR_RETURN(r->table_row_,
                         FromProto(ts->operators(ts->operators_size() - 1).sink().schema()));

  if (r->pull_plan_.stages_size() != 1) {
    return absl::InvalidArgumentError("a pull plan has exactly one stage");
  }
  r->pull_stage_ = &r->pull_plan_.stages(0);
  const v1::Stage& ps = *r->pull_stage_;
  if (ps.operators_size() < 2 || !ps.operators(0).has_source() ||
      !ps.operators(ps.operators_size() - 1).has_sink()) {
    return absl::InvalidArgumentError("a pull plan runs from a source to a sink");
  }
  SKEIN_ASSIGN_OR_RETURN(r->pull_source_, FromProto(ps.operators(0).source().schema()));
  SKEIN_ASSIGN_OR_RETURN(r->pull_result_,
                         FromProto(ps.operators(ps.operators_size() - 1).sink().schema()));
  for (const RowColumn& c : r->pull_source_.columns) {
    const bool window = c.name == "WINDOWSTART" || c.name == "WINDOWEND";
    r->source_from_.push_back(c.kind == ColumnKind::kKey || c.kind == ColumnKind::kValue || window
                                  ? r->table_row_.IndexOf(c.name)
                                  : -1);
  }
  // As ksqlDB's pull results: the key columns, the window bounds, then the value columns.
  for (int pass = 0; pass < 3; ++pass) {
    for (size_t i = 0; i < r->pull_result_.columns.size(); ++i) {
      const RowColumn& c = r->pull_result_.columns[i];
      const bool window = c.name == "WINDOWSTART" || c.name == "WINDOWEND";
      if ((pass == 0 && c.kind == ColumnKind::kKey) || (pass == 1 && window) ||
          (pass == 2 && c.kind == ColumnKind::kValue && !window)) {
        r->result_columns_.push_back(static_cast<int>(i));
      }
    }
  }
  SKEIN_RETURN_IF_ERROR(r->AnalyzeWhere());
  return r;
}

absl::Status TableReader::AnalyzeWhere() {
  const v1::Stage& ts = *table_stage_;
  const v1::AggregateOp& agg = ts.operators(aggregate_at_).aggregate();
  const int groups = agg.group_keys_size();
  // Which pull source column holds each group key: follow the table row's key columns back
  // through the projections after the aggregate (plain column references only).
  group_key_columns_.assign(static_cast<size_t>(groups), -1);
  for (size_t c = 0; c < pull_source_.columns.size(); ++c) {
    if (pull_source_.columns[c].kind != ColumnKind::kKey || source_from_[c] < 0) continue;
    int index = source_from_[c];
    for (int i = ts.operators_size() - 2; i > aggregate_at_ && index >= 0; --i) {
      const v1::Operator& op = ts.operators(i);
      if (op.has_filter()) continue;
      if (!op.has_project() || index >= op.project().exprs_size() ||
          op.project().exprs(index).node_case() != v1::Expr::kColumn) {
        index = -1;
        break;
      }
      index = static_cast<int>(op.project().exprs(index).column());
    }
    if (index >= 0 && index < groups)
      group_key_columns_[static_cast<size_t>(index)] = static_cast<int>(c);
  }
  const v1::Stage& ps = *pull_stage_;
  const int window_start = pull_source_.IndexOf("WINDOWSTART");
  std::vector<std::vector<Value>> per_key(static_cast<size_t>(groups));
  bool pinned = groups > 0;
  bool filtered = false;
  for (int i = 1; i < ps.operators_size() - 1; ++i) {
    if (!ps.operators(i).has_filter()) continue;
    const v1::Expr& where = ps.operators(i).filter().predicate();
    if (filtered) {
      pinned = false;  // one WHERE is expected; keep it simple otherwise
      break;
    }
    filtered = true;
    if (window_start >= 0) WindowBounds(where, window_start, &window_from_, &window_to_);
    for (int g = 0; g < groups && pinned; ++g) {
      const int column = group_key_columns_[static_cast<size_t>(g)];
      std::optional<std::vector<Value>> values =
          column < 0
              ? std::nullopt
              : Candidates(where, column, pull_source_.columns[static_cast<size_t>(column)].type);
      if (!values) pinned = false;
      if (values) per_key[static_cast<size_t>(g)] = std::move(*values);
    }
  }
  if (!filtered || !pinned) return absl::OkStatus();
  // Every combination of the pinned values, in group-key order.
  std::vector<std::vector<Value>> keys = {{}};
  for (const std::vector<Value>& values : per_key) {
    std::vector<std::vector<Value>> next;
    for (const auto& prefix : keys) {
      for (const Value& v : values) {
        if (next.size() >= kMaxLookups) return absl::OkStatus();  // scan instead
        next.push_back(prefix);
        next.back().push_back(v);
      }
    }
    keys = std::move(next);
  }
  keys_ = std::move(keys);
  return absl::OkStatus();
}

absl::Status TableReader::Read(state::TenantStateDb* db, int32_t partition, size_t limit,
                               std::vector<std::string>* out) {
  NullProcessingLog log;
  OperatorContext table_ctx;
  table_ctx.query_id = table_plan_.query_id();
  table_ctx.stage_id = static_cast<int32_t>(stage_);
  table_ctx.partition = partition;
  table_ctx.log = &log;
  table_ctx.table = true;
  table_ctx.state_db = [db]() -> absl::StatusOr<state::TenantStateDb*> { return db; };
  if (!db->HasColumnFamily(table_ctx.Store("aggregate").ColumnFamilyName())) {
    return absl::OkStatus();  // the task never committed state
  }
  const v1::Stage& ts = *table_stage_;
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<internal::AggregateStateReader> groups,
                         internal::MakeAggregateStateReader(ts.operators(aggregate_at_).aggregate(),
                                                            aggregate_input_, &table_ctx));
  RowBatch rows;
  if (keys_) {
    for (const std::vector<Value>& key : *keys_) {
      SKEIN_RETURN_IF_ERROR(groups->ReadGroups(&key, window_from_, window_to_, &rows));
    }
  } else {
    SKEIN_RETURN_IF_ERROR(groups->ReadGroups(nullptr, window_from_, window_to_, &rows));
  }
  SKEIN_ASSIGN_OR_RETURN(RowSchema aggregate_output,
                         FromProto(ts.operators(aggregate_at_).aggregate().output()));
  std::vector<const v1::Operator*> after;
  for (int i = aggregate_at_ + 1; i < ts.operators_size() - 1; ++i) {
    after.push_back(&ts.operators(i));
  }
  SKEIN_RETURN_IF_ERROR(RunOperators(after, aggregate_output, &table_ctx, &rows));

  // The table's rows as the pull plan's source decodes them from the table's topic.
  RowBatch table;
  table.reserve(rows.size());
  for (RowRecord& row : rows) {
    RowRecord t;
    t.timestamp = row.timestamp;
    t.partition = partition;
    t.offset = -1;
    t.values.resize(pull_source_.columns.size());
    for (size_t c = 0; c < pull_source_.columns.size(); ++c) {
      const RowColumn& col = pull_source_.columns[c];
      if (source_from_[c] >= 0) {
        t.values[c] = row.values[static_cast<size_t>(source_from_[c])];
      } else if (col.name == "ROWTIME") {
        t.values[c] = col.type.kind() == types::TypeKind::kTimestamp
                          ? Value::Timestamp(row.timestamp)
                          : Value::Bigint(row.timestamp);
      } else if (col.name == "ROWPARTITION") {
        t.values[c] = Value::Integer(partition);
      }
    }
    table.push_back(std::move(t));
  }
  OperatorContext pull_ctx;
  pull_ctx.query_id = pull_plan_.query_id();
  pull_ctx.log = &log;
  pull_ctx.table = true;
  const v1::Stage& ps = *pull_stage_;
  std::vector<const v1::Operator*> pull_ops;
  for (int i = 1; i < ps.operators_size() - 1; ++i) pull_ops.push_back(&ps.operators(i));
  SKEIN_RETURN_IF_ERROR(RunOperators(pull_ops, pull_source_, &pull_ctx, &table));

  std::vector<types::Column> columns;
  for (int i : result_columns_) {
    const RowColumn& c = pull_result_.columns[static_cast<size_t>(i)];
    columns.push_back({c.name, c.type, types::ColumnNamespace::kValue});
  }
  SKEIN_ASSIGN_OR_RETURN(std::unique_ptr<serde::Format> json, serde::MakeFormat("JSON", columns));
  std::vector<Value> values(columns.size());
  std::string text;
  for (const RowRecord& row : table) {
    if (limit != 0 && out->size() >= limit) break;
    for (size_t i = 0; i < result_columns_.size(); ++i) {
      values[i] = row.values[static_cast<size_t>(result_columns_[i])];
    }
    SKEIN_ASSIGN_OR_RETURN(serde::RecordKind kind, json->Encode(values, &text));
    out->push_back(kind == serde::RecordKind::kNull ? "null" : text);
  }
  return absl::OkStatus();
}

}  // namespace skein::runtime
