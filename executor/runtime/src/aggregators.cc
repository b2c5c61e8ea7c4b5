// COUNT, SUM, AVG, MIN, MAX, COLLECT_LIST, COLLECT_SET, TOPK, TOPKDISTINCT, LATEST_BY_OFFSET,
// EARLIEST_BY_OFFSET, COUNT_DISTINCT and HISTOGRAM over types::Value states.

#include "aggregators.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "skein/common/status.h"
#include "skein/runtime/expression.h"
#include "skein/types/decimal.h"

namespace skein::runtime::internal {
namespace {

using types::SqlType;
using types::TypeKind;
using types::Value;

// ksqlDB's default ksql.functions.collect_list.limit / collect_set.limit / histogram limit.
constexpr size_t kCollectionLimit = 1000;

Value Arg(std::span<const Value> args) { return args.empty() ? Value::Null() : args[0]; }

class CountAgg final : public Aggregator {
 public:
  explicit CountAgg(bool star) : star_(star) {}
  Value Init() const override { return Value::Bigint(0); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    if (!star_ && Arg(args).is_null()) return s;
    return Value::Bigint(s.bigint() + 1);
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    if (!star_ && Arg(args).is_null()) return s;
    return Value::Bigint(s.bigint() - 1);
  }
  Value Merge(const Value& a, const Value& b) const override {
    return Value::Bigint(a.bigint() + b.bigint());
  }
  Value Result(const Value& s) const override { return s; }

 private:
  bool star_;
};

// SUM over INTEGER, BIGINT, DOUBLE (wrapping as Java does) and DECIMAL (overflow is an error).
class SumAgg final : public Aggregator {
 public:
  explicit SumAgg(SqlType type) : type_(std::move(type)) {}
  Value Init() const override {
    switch (type_.kind()) {
      case TypeKind::kInteger:
        return Value::Integer(0);
      case TypeKind::kBigint:
        return Value::Bigint(0);
      case TypeKind::kDecimal:
        return Value::Decimal(0, type_.scale());
      default:
        return Value::Double(0);
    }
  }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    return Combine(s, Arg(args), false);
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    return Combine(s, Arg(args), true);
  }
  Value Merge(const Value& a, const Value& b) const override {
    auto r = Combine(a, b, false);
    return r.ok() ? *r : a;
  }
  Value Result(const Value& s) const override { return s; }

 private:
  absl::StatusOr<Value> Combine(const Value& s, const Value& v, bool subtract) const {
    if (v.is_null()) return s;
    switch (type_.kind()) {
      case TypeKind::kInteger: {
        const auto a = static_cast<uint32_t>(s.integer()), b = static_cast<uint32_t>(v.integer());
        return Value::Integer(static_cast<int32_t>(subtract ? a - b : a + b));
      }
      case TypeKind::kBigint: {
        const auto a = static_cast<uint64_t>(s.bigint()), b = static_cast<uint64_t>(v.bigint());
        return Value::Bigint(static_cast<int64_t>(subtract ? a - b : a + b));
      }
      case TypeKind::kDecimal: {
        types::Int128 b = v.decimal_unscaled();
        if (v.decimal_scale() != type_.scale()) {
          auto r = types::RescaleDecimal(b, v.decimal_scale(), type_.precision(), type_.scale(),
                                         types::Rounding::kHalfUp);
          if (!r.ok()) return r.status();
          b = *r;
        }
        const types::Int128 r = subtract ? s.decimal_unscaled() - b : s.decimal_unscaled() + b;
        if (types::DigitCount(r) > type_.precision()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "Numeric field overflow: A field with precision ", type_.precision(), " and scale ",
              type_.scale(), " must round to an absolute value less than 10^",
              type_.precision() - type_.scale()));
        }
        return Value::Decimal(r, type_.scale());
      }
      default:
        return Value::Double(subtract ? s.dbl() - v.AsDouble() : s.dbl() + v.AsDouble());
    }
  }
  SqlType type_;
};

// AVG: state STRUCT<SUM DOUBLE, COUNT BIGINT>.
class AvgAgg final : public Aggregator {
 public:
  Value Init() const override { return Value::Struct({Value::Double(0), Value::Bigint(0)}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    const Value v = Arg(args);
    if (v.is_null()) return s;
    return Value::Struct({Value::Double(s.items()[0].dbl() + v.AsDouble()),
                          Value::Bigint(s.items()[1].bigint() + 1)});
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    const Value v = Arg(args);
    if (v.is_null()) return s;
    return Value::Struct({Value::Double(s.items()[0].dbl() - v.AsDouble()),
                          Value::Bigint(s.items()[1].bigint() - 1)});
  }
  Value Merge(const Value& a, const Value& b) const override {
    return Value::Struct({Value::Double(a.items()[0].dbl() + b.items()[0].dbl()),
                          Value::Bigint(a.items()[1].bigint() + b.items()[1].bigint())});
  }
  Value Result(const Value& s) const override {
    const int64_t n = s.items()[1].bigint();
    if (n == 0) return Value::Double(0);
    return Value::Double(s.items()[0].dbl() / static_cast<double>(n));
  }
};

class MinMaxAgg final : public Aggregator {
 public:
  explicit MinMaxAgg(bool max) : max_(max) {}
  Value Init() const override { return Value::Null(); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    return Merge(s, Arg(args));
  }
  Value Merge(const Value& a, const Value& b) const override {
    if (b.is_null()) return a;
    if (a.is_null()) return b;
    const int c = CompareSql(b, a);
    return (max_ ? c > 0 : c < 0) ? b : a;
  }
  Value Result(const Value& s) const override { return s; }

 private:
  bool max_;
};

std::vector<Value> Items(const Value& v) {
  if (v.is_null()) return {};
  auto i = v.items();
  return std::vector<Value>(i.begin(), i.end());
}

class CollectAgg final : public Aggregator {
 public:
  CollectAgg(bool set, size_t limit) : set_(set), limit_(limit) {}
  Value Init() const override { return Value::Array({}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    const Value v = Arg(args);
    std::vector<Value> items = Items(s);
    if (items.size() >= limit_) return s;
    if (set_ && (v.is_null() || std::find(items.begin(), items.end(), v) != items.end())) {
      return s;
    }
    items.push_back(v);
    return Value::Array(std::move(items));
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    const Value v = Arg(args);
    std::vector<Value> items = Items(s);
    auto it = std::find(items.begin(), items.end(), v);
    if (it == items.end()) return s;
    items.erase(it);
    return Value::Array(std::move(items));
  }
  Value Merge(const Value& a, const Value& b) const override {
    Value r = a;
    for (const Value& v : Items(b)) {
      const Value one[] = {v};
      auto next = Add(r, one, 0);
      if (next.ok()) r = *next;
    }
    return r;
  }
  Value Result(const Value& s) const override { return s; }

 private:
  bool set_;
  size_t limit_;
};

// SUM_LIST: the sum of every non-null element of the lists seen (wrapping as Java does).
class SumListAgg final : public Aggregator {
 public:
  explicit SumListAgg(SqlType type) : sum_(std::move(type)) {}
  Value Init() const override { return sum_.Init(); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    Value r = s;
    for (const Value& v : Items(Arg(args))) {
      const Value one[] = {v};
      SKEIN_ASSIGN_OR_RETURN(r, sum_.Add(r, one, 0));
    }
    return r;
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    Value r = s;
    for (const Value& v : Items(Arg(args))) {
      const Value one[] = {v};
      SKEIN_ASSIGN_OR_RETURN(r, sum_.Undo(r, one));
    }
    return r;
  }
  Value Merge(const Value& a, const Value& b) const override { return sum_.Merge(a, b); }
  Value Result(const Value& s) const override { return s; }

 private:
  SumAgg sum_;
};

// TOPK / TOPKDISTINCT: state = the k largest values, largest first; a later value equal to
// an earlier one ranks after it. TOPK(col, other..., k) keeps STRUCT<sort_col, col0, ...>
// rows ranked by their first field.
class TopKAgg final : public Aggregator {
 public:
  TopKAgg(size_t k, bool distinct, bool structured)
      : k_(k), distinct_(distinct), structured_(structured) {}
  Value Init() const override { return Value::Array({}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    if (Arg(args).is_null()) return s;
    const Value v =
        structured_ ? Value::Struct(std::vector<Value>(args.begin(), args.end())) : args[0];
    std::vector<Value> items = Items(s);
    Insert(&items, v);
    return Value::Array(std::move(items));
  }
  Value Merge(const Value& a, const Value& b) const override {
    std::vector<Value> items = Items(a);
    for (const Value& v : Items(b)) Insert(&items, v);
    return Value::Array(std::move(items));
  }
  Value Result(const Value& s) const override { return s; }

 private:
  const Value& SortKey(const Value& v) const { return structured_ ? v.items()[0] : v; }
  void Insert(std::vector<Value>* items, const Value& v) const {
    if (distinct_ && std::find(items->begin(), items->end(), v) != items->end()) return;
    auto pos = std::find_if(items->begin(), items->end(),
                            [&](const Value& x) { return CompareSql(SortKey(v), SortKey(x)) > 0; });
    items->insert(pos, v);
    if (items->size() > k_) items->resize(k_);
  }

  size_t k_;
  bool distinct_;
  bool structured_;
};

// LATEST_BY_OFFSET / EARLIEST_BY_OFFSET. State: ARRAY<STRUCT<SEQ BIGINT, VALUE T>> in seq
// order, at most n entries (n = 1 for the single-value form).
class ByOffsetAgg final : public Aggregator {
 public:
  ByOffsetAgg(bool latest, size_t n, bool ignore_nulls, bool single)
      : latest_(latest), n_(n), ignore_nulls_(ignore_nulls), single_(single) {}
  Value Init() const override { return Value::Array({}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args,
                            int64_t seq) const override {
    const Value v = Arg(args);
    if (v.is_null() && ignore_nulls_) return s;
    std::vector<Value> items = Items(s);
    if (!latest_ && items.size() >= n_) return s;
    items.push_back(Value::Struct({Value::Bigint(seq), v}));
    if (items.size() > n_) items.erase(items.begin(), items.end() - static_cast<long>(n_));
    return Value::Array(std::move(items));
  }
  Value Merge(const Value& a, const Value& b) const override {
    std::vector<Value> items = Items(a);
    for (const Value& v : Items(b)) items.push_back(v);
    std::stable_sort(items.begin(), items.end(), [](const Value& x, const Value& y) {
      return x.items()[0].bigint() < y.items()[0].bigint();
    });
    if (items.size() > n_) {
      if (latest_) {
        items.erase(items.begin(), items.end() - static_cast<long>(n_));
      } else {
        items.resize(n_);
      }
    }
    return Value::Array(std::move(items));
  }
  Value Result(const Value& s) const override {
    std::vector<Value> items = Items(s);
    if (single_) return items.empty() ? Value::Null() : items.back().items()[1];
    std::vector<Value> out;
    for (const Value& i : items) out.push_back(i.items()[1]);
    return Value::Array(std::move(out));
  }

 private:
  bool latest_;
  size_t n_;
  bool ignore_nulls_;
  bool single_;
};

// COUNT_DISTINCT: state = the distinct non-null values seen.
class CountDistinctAgg final : public Aggregator {
 public:
  Value Init() const override { return Value::Array({}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    const Value v = Arg(args);
    if (v.is_null()) return s;
    std::vector<Value> items = Items(s);
    auto pos = std::lower_bound(items.begin(), items.end(), v);
    if (pos != items.end() && *pos == v) return s;
    items.insert(pos, v);
    return Value::Array(std::move(items));
  }
  Value Merge(const Value& a, const Value& b) const override {
    Value r = a;
    for (const Value& v : Items(b)) {
      const Value one[] = {v};
      auto next = Add(r, one, 0);
      if (next.ok()) r = *next;
    }
    return r;
  }
  Value Result(const Value& s) const override {
    return Value::Bigint(static_cast<int64_t>(Items(s).size()));
  }
};

// HISTOGRAM: MAP<STRING, BIGINT> of value counts.
class HistogramAgg final : public Aggregator {
 public:
  Value Init() const override { return Value::MapInterleaved({}); }
  absl::StatusOr<Value> Add(const Value& s, std::span<const Value> args, int64_t) const override {
    return Bump(s, Arg(args), 1);
  }
  absl::StatusOr<Value> Undo(const Value& s, std::span<const Value> args) const override {
    return Bump(s, Arg(args), -1);
  }
  Value Merge(const Value& a, const Value& b) const override {
    Value r = a;
    for (size_t i = 0; i < b.map_size(); ++i) r = Bump(r, b.map_key(i), b.map_value(i).bigint());
    return r;
  }
  Value Result(const Value& s) const override { return s; }

 private:
  static Value Bump(const Value& s, const Value& key, int64_t by) {
    if (key.is_null()) return s;
    std::vector<Value> items = Items(s);
    for (size_t i = 0; i + 1 < items.size(); i += 2) {
      if (items[i] == key) {
        const int64_t n = items[i + 1].bigint() + by;
        if (n <= 0) {
          items.erase(items.begin() + static_cast<long>(i),
                      items.begin() + static_cast<long>(i) + 2);
        } else {
          items[i + 1] = Value::Bigint(n);
        }
        return Value::MapInterleaved(std::move(items));
      }
    }
    if (by <= 0 || items.size() / 2 >= kCollectionLimit) return s;
    items.push_back(key);
    items.push_back(Value::Bigint(by));
    return Value::MapInterleaved(std::move(items));
  }
};

int64_t IntParam(const Value& v) {
  if (v.kind() == TypeKind::kInteger) return v.integer();
  if (v.kind() == TypeKind::kBigint) return v.bigint();
  return -1;
}

}  // namespace

bool SupportsUndo(const std::string& f) {
  return f == "COUNT" || f == "SUM" || f == "AVG" || f == "COLLECT_LIST" || f == "COLLECT_SET" ||
         f == "HISTOGRAM" || f == "SUM_LIST";
}

absl::StatusOr<std::unique_ptr<Aggregator>> MakeAggregator(const AggregatorSpec& spec) {
  const std::string& f = spec.function;
  if (f == "COUNT") return std::make_unique<CountAgg>(spec.arg_types.empty());
  if (f == "SUM") return std::make_unique<SumAgg>(spec.return_type);
  if (f == "AVG") return std::make_unique<AvgAgg>();
  if (f == "MIN" || f == "MAX") return std::make_unique<MinMaxAgg>(f == "MAX");
  if (f == "COLLECT_LIST" || f == "COLLECT_SET") {
    // Optional parameter: the ksql.functions.collect_{list,set}.limit in force.
    const int64_t limit = spec.params.empty() ? -1 : IntParam(spec.params[0]);
    return std::make_unique<CollectAgg>(f == "COLLECT_SET",
                                        limit >= 0 ? static_cast<size_t>(limit) : kCollectionLimit);
  }
  if (f == "SUM_LIST") return std::make_unique<SumListAgg>(spec.return_type);
  if (f == "TOPK" || f == "TOPKDISTINCT") {
    const int64_t k = spec.params.empty() ? -1 : IntParam(spec.params[0]);
    if (k < 1) return absl::InvalidArgumentError(absl::StrCat("plan: ", f, " needs k >= 1"));
    return std::make_unique<TopKAgg>(static_cast<size_t>(k), f == "TOPKDISTINCT",
                                     spec.arg_types.size() > 1);
  }
  if (f == "LATEST_BY_OFFSET" || f == "EARLIEST_BY_OFFSET") {
    size_t n = 1;
    bool ignore_nulls = true, single = true;
    for (const Value& p : spec.params) {
      if (p.kind() == TypeKind::kBoolean) {
        ignore_nulls = p.boolean();
      } else if (IntParam(p) >= 1) {
        n = static_cast<size_t>(IntParam(p));
        single = false;
      } else {
        return absl::InvalidArgumentError(absl::StrCat("plan: ", f, " needs N >= 1"));
      }
    }
    return std::make_unique<ByOffsetAgg>(f == "LATEST_BY_OFFSET", n, ignore_nulls, single);
  }
  if (f == "COUNT_DISTINCT") return std::make_unique<CountDistinctAgg>();
  if (f == "HISTOGRAM") return std::make_unique<HistogramAgg>();
  return absl::InvalidArgumentError(absl::StrCat("plan: unknown aggregate function ", f));
}

}  // namespace skein::runtime::internal
