// JSON functions over simdjson On-Demand: EXTRACTJSONFIELD, IS_JSON_STRING,
// JSON_ARRAY_LENGTH, JSON_KEYS.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "expr_nodes.h"
#include "function_util.h"
#include "simdjson.h"

namespace skein::runtime::internal {
namespace {

using types::Value;
using Args = std::span<const Value>;
namespace od = simdjson::ondemand;

// One parser per worker thread: parsers are reusable but not thread-safe.
od::parser& Parser() {
  thread_local od::parser parser;
  return parser;
}

// A ksqlDB JSON path ("$.a.b[0]", "$['k']") as a JSON pointer ("/a/b/0"); nullopt when the
// path cannot match anything (negative index) and INVALID_ARGUMENT when it is malformed.
absl::StatusOr<std::optional<std::string>> PathToPointer(std::string_view path) {
  std::string out;
  size_t i = 0;
  if (i < path.size() && path[i] == '$') ++i;
  auto append_key = [&out](std::string_view key) {
    out.push_back('/');
    for (char c : key) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out.push_back(c);
    }
  };
  bool unmatchable = false;
  while (i < path.size()) {
    if (path[i] == '.') {
      size_t j = ++i;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      append_key(path.substr(i, j - i));
      i = j;
    } else if (path[i] == '[') {
      size_t j = path.find(']', i);
      if (j == std::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("Invalid JSON path: ", AV(path)));
      }
      std::string_view inner = path.substr(i + 1, j - i - 1);
      if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"')) {
        append_key(inner.substr(1, inner.size() - 2));
      } else {
        if (!inner.empty() && inner[0] == '-') unmatchable = true;
        out.push_back('/');
        out += inner;
      }
      i = j + 1;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("Invalid JSON path: ", AV(path)));
    }
  }
  if (unmatchable) return std::optional<std::string>();
  return std::optional<std::string>(std::move(out));
}

struct PathState {
  bool constant = false;
  std::optional<std::string> pointer;
};

// The text ksqlDB returns for an extracted node: strings unquoted, everything else as compact
// JSON (numbers keep their original digits).
std::optional<std::string> NodeText(od::value v) {
  od::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) return std::nullopt;
  std::string_view raw;
  switch (type) {
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
      return std::string(s);
    }
    case od::json_type::null:
      return std::nullopt;
    case od::json_type::object: {
      od::object o;
      if (v.get_object().get(o) != simdjson::SUCCESS || o.raw_json().get(raw)) return std::nullopt;
      break;
    }
    case od::json_type::array: {
      od::array a;
      if (v.get_array().get(a) != simdjson::SUCCESS || a.raw_json().get(raw)) return std::nullopt;
      break;
    }
    default:
      raw = v.raw_json_token();
      while (!raw.empty() && absl::ascii_isspace(raw.back())) raw.remove_suffix(1);
      return std::string(raw);
  }
  std::string out(raw.size(), '\0');
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), out.data(), len) != simdjson::SUCCESS) {
    return std::string(raw);
  }
  out.resize(len);
  return out;
}

Value ExtractJsonField(Args a, const CallInfo& info, EvalContext&) {
  const PathState* st = info.State<PathState>();
  std::optional<std::string> pointer;
  if (st->constant) {
    pointer = st->pointer;
  } else {
    absl::StatusOr<std::optional<std::string>> p = PathToPointer(a[1].str());
    if (!p.ok()) return Value::Null();
    pointer = *p;
  }
  if (!pointer) return Value::Null();
  simdjson::padded_string json(a[0].str());
  od::document doc;
  if (Parser().iterate(json).get(doc) != simdjson::SUCCESS) return Value::Null();
  if (pointer->empty()) {
    std::string_view raw;
    if (doc.raw_json().get(raw) != simdjson::SUCCESS) return Value::Null();
    return Value::String(std::string(raw));
  }
  od::value v;
  if (doc.at_pointer(*pointer).get(v) != simdjson::SUCCESS) return Value::Null();
  std::optional<std::string> text = NodeText(v);
  return text ? Value::String(std::move(*text)) : Value::Null();
}

absl::StatusOr<BoundScalar> BindExtract(CallInfo* info) {
  auto st = std::make_shared<PathState>();
  if (info->constant_args.size() > 1 && info->constant_args[1] &&
      !info->constant_args[1]->is_null()) {
    absl::StatusOr<std::optional<std::string>> p = PathToPointer(info->constant_args[1]->str());
    if (!p.ok()) return p.status();
    st->constant = true;
    st->pointer = *p;
  }
  info->state = std::move(st);
  return BoundScalar{ExtractJsonField, true};
}

Value IsJsonString(Args a, const CallInfo&, EvalContext&) {
  simdjson::padded_string json(a[0].str());
  od::document doc;
  if (Parser().iterate(json).get(doc) != simdjson::SUCCESS) return Value::Boolean(false);
  std::string_view raw;
  // raw_json() walks the whole document, so trailing garbage is detected too.
  return Value::Boolean(doc.raw_json().get(raw) == simdjson::SUCCESS);
}

Value JsonArrayLength(Args a, const CallInfo&, EvalContext&) {
  simdjson::padded_string json(a[0].str());
  od::document doc;
  od::array arr;
  if (Parser().iterate(json).get(doc) != simdjson::SUCCESS || doc.get_array().get(arr)) {
    return Value::Null();
  }
  size_t n = 0;
  if (arr.count_elements().get(n) != simdjson::SUCCESS) return Value::Null();
  return Value::Integer(static_cast<int32_t>(n));
}

Value JsonKeys(Args a, const CallInfo&, EvalContext&) {
  simdjson::padded_string json(a[0].str());
  od::document doc;
  od::object obj;
  if (Parser().iterate(json).get(doc) != simdjson::SUCCESS || doc.get_object().get(obj)) {
    return Value::Null();
  }
  std::vector<Value> keys;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return Value::Null();
    keys.push_back(Value::String(key));
  }
  return Value::Array(std::move(keys));
}

}  // namespace

void RegisterJsonFunctions(FunctionRegistry* r) {
  r->AddScalar("EXTRACTJSONFIELD", BindExtract);
  r->AddSimple("IS_JSON_STRING", IsJsonString);
  r->AddSimple("JSON_ARRAY_LENGTH", JsonArrayLength);
  r->AddSimple("JSON_KEYS", JsonKeys);
}

}  // namespace skein::runtime::internal
