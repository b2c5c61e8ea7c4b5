// Filter, Project, Rekey and FlatMap: batch-to-batch operators over compiled expressions.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "aggregate_operator.h"
#include "skein/common/status.h"
#include "skein/runtime/operators.h"

namespace skein::runtime {
namespace {

using types::Value;

absl::StatusOr<std::vector<CompiledExpr>> CompileAll(
    const google::protobuf::RepeatedPtrField<skein::v1::Expr>& exprs, const RowSchema& input) {
  std::vector<CompiledExpr> out;
  for (const auto& e : exprs) {
    SKEIN_ASSIGN_OR_RETURN(CompiledExpr c,
                           CompiledExpr::Compile(e, static_cast<int>(input.columns.size())));
    out.push_back(std::move(c));
  }
  return out;
}

// Whether an expression reads only KEY columns of `input` (so it can be computed for a row
// whose value is null).
bool OnlyKeyColumns(const skein::v1::Expr& e, const RowSchema& input) {
  switch (e.node_case()) {
    case skein::v1::Expr::kColumn:
      return e.column() < input.columns.size() &&
             input.columns[e.column()].kind == ColumnKind::kKey;
    case skein::v1::Expr::kCall:
      for (const auto& a : e.call().args()) {
        if (!OnlyKeyColumns(a, input)) return false;
      }
      return true;
    case skein::v1::Expr::kCast:
      return OnlyKeyColumns(e.cast().operand(), input);
    case skein::v1::Expr::kCaseExpr:
      for (const auto& w : e.case_expr().when()) {
        if (!OnlyKeyColumns(w, input)) return false;
      }
      for (const auto& t : e.case_expr().then()) {
        if (!OnlyKeyColumns(t, input)) return false;
      }
      return !e.case_expr().has_else_expr() || OnlyKeyColumns(e.case_expr().else_expr(), input);
    case skein::v1::Expr::kLambda:
      return OnlyKeyColumns(e.lambda().body(), input);
    default:
      return true;
  }
}

// Evaluates an expression for a row, reporting a per-record failure to the processing log;
// the failed expression's value is NULL and the row carries on (ksqlDB's behaviour).
Value EvalReporting(const CompiledExpr& expr, EvalContext& ec, OperatorContext* ctx,
                    const RowRecord& row) {
  ec.ClearError();
  Value v = expr.Eval(ec);
  if (ec.has_error()) {
    ctx->metrics.expression_errors++;
    ctx->Report(ProcessingLogEntry::Kind::kExpression,
                absl::StrCat("Error computing expression ", expr.text(), ": ", ec.error()), "",
                row);
  }
  return v;
}

// WHERE: keeps rows whose predicate is TRUE. Over a stream, other rows and rows with a null
// value are dropped; over a table they are forwarded as tombstones (KTable#filter), so a row
// that stops matching is deleted downstream.
class FilterOperator final : public RowOperator {
 public:
  FilterOperator(CompiledExpr predicate, RowSchema schema, OperatorContext* ctx)
      : predicate_(std::move(predicate)), schema_(std::move(schema)), ctx_(ctx) {}

  void Process(RowBatch* batch) override {
    size_t kept = 0;
    for (size_t i = 0; i < batch->size(); ++i) {
      RowRecord& row = (*batch)[i];
      bool keep = false;
      if (!row.value_null) {
        ec_.row = row.values.data();
        keep = IsTrue(EvalReporting(predicate_, ec_, ctx_, row));
      }
      if (!keep) {
        ctx_->metrics.filtered++;
        if (!ctx_->table) continue;
        row.value_null = true;
        for (size_t c = 0; c < row.values.size(); ++c) {
          if (schema_.columns[c].kind == ColumnKind::kValue) row.values[c] = Value::Null();
        }
      }
      if (kept != i) (*batch)[kept] = std::move(row);
      ++kept;
    }
    batch->resize(kept);
  }
  const RowSchema& output_schema() const override { return schema_; }

 private:
  CompiledExpr predicate_;
  RowSchema schema_;
  OperatorContext* ctx_;
  EvalContext ec_;
};

// SELECT list, and Rekey (PARTITION BY): computes output columns from each input row. For a
// row whose value is null only KEY outputs are computed (from the input row, whose key is
// present); the value part stays null and the row passes through, as ksqlDB forwards null
// stream values and table tombstones.
class ProjectOperator final : public RowOperator {
 public:
  // `copy_from`: for Rekey, input columns [copy_from, end) follow the computed columns;
  // -1 for a projection.
  // `key_only[i]`: expression i reads only key columns, so a null-value row can compute it.
  ProjectOperator(std::vector<CompiledExpr> exprs, std::vector<bool> key_only, RowSchema output,
                  int copy_from, OperatorContext* ctx)
      : exprs_(std::move(exprs)),
        key_only_(std::move(key_only)),
        output_(std::move(output)),
        copy_from_(copy_from),
        ctx_(ctx) {}

  void Process(RowBatch* batch) override {
    for (RowRecord& row : *batch) {
      ec_.row = row.values.data();
      scratch_.clear();
      scratch_.reserve(output_.columns.size());
      for (size_t i = 0; i < exprs_.size(); ++i) {
        // Pseudo outputs (a windowed row's WINDOWSTART/WINDOWEND) are kept like keys.
        bool is_key = i < output_.columns.size() && output_.columns[i].kind != ColumnKind::kValue;
        if (row.value_null && (copy_from_ >= 0 ? !key_only_[i] : !is_key)) {
          // A null-value row has only its key: a projection keeps its key columns, a rekey
          // computes the new key only from old key columns, else it is NULL (ksqlDB).
          scratch_.push_back(Value::Null());
        } else {
          scratch_.push_back(EvalReporting(exprs_[i], ec_, ctx_, row));
        }
      }
      if (copy_from_ >= 0) {
        for (size_t i = copy_from_; i < row.values.size(); ++i) {
          scratch_.push_back(std::move(row.values[i]));
        }
      }
      scratch_.resize(output_.columns.size());
      row.values.swap(scratch_);
      if (copy_from_ >= 0) row.key_null = false;
    }
  }
  const RowSchema& output_schema() const override { return output_; }

 private:
  std::vector<CompiledExpr> exprs_;
  std::vector<bool> key_only_;
  RowSchema output_;
  int copy_from_;
  OperatorContext* ctx_;
  EvalContext ec_;
  std::vector<Value> scratch_;
};

// EXPLODE and other table functions: each input row yields as many rows as its longest
// table-function result; shorter results are padded with NULL (ksqlDB). Rows whose table
// functions yield nothing produce no output.
class FlatMapOperator final : public RowOperator {
 public:
  struct Column {
    std::optional<CompiledExpr> scalar;  // pass-through / scalar expression
    TableFn table = nullptr;             // table function with its compiled arguments
    CallInfo info;
    std::vector<CompiledExpr> args;
    std::string text;
  };

  FlatMapOperator(std::vector<Column> columns, RowSchema output, OperatorContext* ctx)
      : columns_(std::move(columns)), output_(std::move(output)), ctx_(ctx) {}

  void Process(RowBatch* batch) override {
    RowBatch out;
    out.reserve(batch->size());
    std::vector<std::vector<Value>> produced(columns_.size());
    std::vector<Value> args;
    for (RowRecord& row : *batch) {
      if (row.value_null) continue;
      ec_.row = row.values.data();
      size_t rows = 0;
      for (size_t c = 0; c < columns_.size(); ++c) {
        produced[c].clear();
        const Column& col = columns_[c];
        if (col.table == nullptr) continue;
        args.clear();
        bool null_arg = false;
        for (const CompiledExpr& a : col.args) {
          args.push_back(EvalReporting(a, ec_, ctx_, row));
          null_arg |= args.back().is_null();
        }
        if (null_arg) continue;
        ec_.ClearError();
        col.table(args, col.info, ec_, &produced[c]);
        if (ec_.has_error()) {
          ctx_->metrics.expression_errors++;
          ctx_->Report(ProcessingLogEntry::Kind::kExpression,
                       absl::StrCat("Error computing ", col.text, ": ", ec_.error()), "", row);
        }
        rows = std::max(rows, produced[c].size());
      }
      std::vector<Value> scalars(columns_.size());
      for (size_t c = 0; c < columns_.size(); ++c) {
        if (columns_[c].scalar) scalars[c] = EvalReporting(*columns_[c].scalar, ec_, ctx_, row);
      }
      for (size_t r = 0; r < rows; ++r) {
        RowRecord o;
        o.timestamp = row.timestamp;
        o.partition = row.partition;
        o.offset = row.offset;
        o.headers = row.headers;
        o.key_null = row.key_null;
        o.values.reserve(columns_.size());
        for (size_t c = 0; c < columns_.size(); ++c) {
          if (columns_[c].table == nullptr) {
            o.values.push_back(scalars[c]);
          } else {
            o.values.push_back(r < produced[c].size() ? produced[c][r] : Value::Null());
          }
        }
        out.push_back(std::move(o));
      }
    }
    batch->swap(out);
  }
  const RowSchema& output_schema() const override { return output_; }

 private:
  std::vector<Column> columns_;
  RowSchema output_;
  OperatorContext* ctx_;
  EvalContext ec_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<RowOperator>> MakeRowOperator(const skein::v1::Operator& op,
                                                             const RowSchema& input,
                                                             OperatorContext* ctx) {
  const int width = static_cast<int>(input.columns.size());
  switch (op.op_case()) {
    case skein::v1::Operator::kFilter: {
      SKEIN_ASSIGN_OR_RETURN(CompiledExpr p, CompiledExpr::Compile(op.filter().predicate(), width));
      return std::unique_ptr<RowOperator>(new FilterOperator(std::move(p), input, ctx));
    }
    case skein::v1::Operator::kProject: {
      SKEIN_ASSIGN_OR_RETURN(std::vector<CompiledExpr> exprs,
                             CompileAll(op.project().exprs(), input));
      SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.project().output()));
      if (output.columns.size() != exprs.size()) {
        return absl::InvalidArgumentError("plan: project output schema does not match exprs");
      }
      return std::unique_ptr<RowOperator>(
          new ProjectOperator(std::move(exprs), {}, std::move(output), -1, ctx));
    }
    case skein::v1::Operator::kRekey: {
      // Output = the new key columns, then every input column (old keys become values).
      SKEIN_ASSIGN_OR_RETURN(std::vector<CompiledExpr> exprs,
                             CompileAll(op.rekey().key_exprs(), input));
      SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.rekey().output()));
      if (output.columns.size() != exprs.size() + input.columns.size()) {
        return absl::InvalidArgumentError(
            "plan: rekey output must be the new keys followed by every input column");
      }
      std::vector<bool> key_only;
      for (const auto& e : op.rekey().key_exprs()) key_only.push_back(OnlyKeyColumns(e, input));
      return std::unique_ptr<RowOperator>(
          new ProjectOperator(std::move(exprs), std::move(key_only), std::move(output), 0, ctx));
    }
    case skein::v1::Operator::kFlatMap: {
      SKEIN_ASSIGN_OR_RETURN(RowSchema output, FromProto(op.flat_map().output()));
      if (output.columns.size() != static_cast<size_t>(op.flat_map().exprs_size())) {
        return absl::InvalidArgumentError("plan: flat_map output schema does not match exprs");
      }
      std::vector<FlatMapOperator::Column> columns;
      bool any_table = false;
      for (const auto& e : op.flat_map().exprs()) {
        FlatMapOperator::Column col;
        col.text = e.text();
        absl::StatusOr<TableFn> table =
            e.has_call() ? FunctionRegistry::Builtins().FindTable(e.call().function())
                         : absl::StatusOr<TableFn>(absl::NotFoundError(""));
        if (table.ok()) {
          any_table = true;
          col.table = *table;
          SKEIN_ASSIGN_OR_RETURN(col.info.result_type, FromProto(e.type()));
          for (const auto& a : e.call().args()) {
            SKEIN_ASSIGN_OR_RETURN(CompiledExpr c, CompiledExpr::Compile(a, width));
            col.info.arg_types.push_back(c.type());
            col.args.push_back(std::move(c));
          }
        } else {
          SKEIN_ASSIGN_OR_RETURN(CompiledExpr c, CompiledExpr::Compile(e, width));
          col.scalar = std::move(c);
        }
        columns.push_back(std::move(col));
      }
      if (!any_table) return absl::InvalidArgumentError("plan: flat_map without a table function");
      return std::unique_ptr<RowOperator>(
          new FlatMapOperator(std::move(columns), std::move(output), ctx));
    }
    case skein::v1::Operator::kAggregate:
      return internal::MakeAggregateOperator(op.aggregate(), input, ctx);
    case skein::v1::Operator::kGroupByChange:
      return internal::MakeGroupByChangeOperator(op.group_by_change(), input, ctx);
    default:
      return absl::InvalidArgumentError("plan: not a row operator");
  }
}

}  // namespace skein::runtime
