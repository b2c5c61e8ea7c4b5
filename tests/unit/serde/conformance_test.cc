// Checks the JSON and DELIMITED formats against ksqlDB's own query-translation test cases
// (read at run time from ../shared/conformance/qtt when present; skipped otherwise; nothing of
// them is copied here). Only pass-through cases are used: `CREATE STREAM INPUT (...) WITH
// (...)` followed by `CREATE STREAM OUTPUT [WITH (...)] AS SELECT * FROM INPUT;`. For each
// record, the input bytes decoded with the source's format must equal the expected output
// decoded with the sink's format, and re-encoding must decode to the same values.

#include <filesystem>
#include <regex>

#include "absl/strings/ascii.h"
#include "gtest/gtest.h"
#include "serde_test_util.h"
#include "simdjson.h"

namespace skein::serde {
namespace {

using types::SqlType;

std::filesystem::path QttDir() {
  std::vector<std::filesystem::path> candidates = {"../shared/conformance/qtt",
                                                   "/work/shared/conformance/qtt"};
  if (const char* src = std::getenv("SKEIN_SOURCE_DIR")) {
    candidates.insert(candidates.begin(), std::filesystem::path(src) / "../shared/conformance/qtt");
  }
  for (const auto& c : candidates) {
    if (std::filesystem::exists(c)) return c;
  }
  return {};
}

// Minimal SQL type parser for the column lists used by the cases.
class TypeParser {
 public:
  explicit TypeParser(std::string s) : s_(std::move(s)) {}

  bool Parse(SqlType* out) {
    Skip();
    std::string word = Word();
    if (word == "INT" || word == "INTEGER")
      *out = SqlType::Integer();
    else if (word == "BIGINT")
      *out = SqlType::Bigint();
    else if (word == "DOUBLE")
      *out = SqlType::Double();
    else if (word == "BOOLEAN")
      *out = SqlType::Boolean();
    else if (word == "STRING" || word == "VARCHAR")
      *out = SqlType::String();
    else if (word == "BYTES")
      *out = SqlType::Bytes();
    else if (word == "TIMESTAMP")
      *out = SqlType::Timestamp();
    else if (word == "DATE")
      *out = SqlType::Date();
    else if (word == "TIME")
      *out = SqlType::Time();
    else if (word == "DECIMAL") {
      int p = 0, sc = 0;
      if (!Eat('(') || !Int(&p) || !Eat(',') || !Int(&sc) || !Eat(')')) return false;
      if (!types::ValidateDecimal(p, sc).ok()) return false;
      *out = SqlType::Decimal(p, sc);
    } else if (word == "ARRAY") {
      SqlType e;
      if (!Eat('<') || !Parse(&e) || !Eat('>')) return false;
      *out = SqlType::Array(e);
    } else if (word == "MAP") {
      SqlType k, v;
      if (!Eat('<') || !Parse(&k) || !Eat(',') || !Parse(&v) || !Eat('>')) return false;
      *out = SqlType::Map(k, v);
    } else if (word == "STRUCT") {
      if (!Eat('<')) return false;
      std::vector<std::pair<std::string, SqlType>> fields;
      while (!Eat('>')) {
        if (!fields.empty() && !Eat(',')) return false;
        std::string name;
        if (!Name(&name)) return false;
        SqlType t;
        if (!Parse(&t)) return false;
        fields.emplace_back(name, t);
      }
      *out = SqlType::Struct(fields);
    } else {
      return false;
    }
    return true;
  }

  bool Name(std::string* out) {
    Skip();
    if (Eat('`')) {
      size_t end = s_.find('`', pos_);
      if (end == std::string::npos) return false;
      *out = s_.substr(pos_, end - pos_);
      pos_ = end + 1;
      return true;
    }
    *out = Word();
    return !out->empty();
  }

  std::string Rest() {
    Skip();
    return absl::AsciiStrToUpper(s_.substr(pos_));
  }

 private:
  void Skip() {
    while (pos_ < s_.size() && s_[pos_] == ' ') ++pos_;
  }
  bool Eat(char c) {
    Skip();
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  std::string Word() {
    Skip();
    size_t start = pos_;
    while (pos_ < s_.size() &&
           (absl::ascii_isalnum(static_cast<unsigned char>(s_[pos_])) || s_[pos_] == '_')) {
      ++pos_;
    }
    return absl::AsciiStrToUpper(s_.substr(start, pos_ - start));
  }
  bool Int(int* v) {
    Skip();
    std::string w = Word();
    return !w.empty() && absl::SimpleAtoi(w, v);
  }

  std::string s_;
  size_t pos_ = 0;
};

// Splits at commas outside <...> and (...).
std::vector<std::string> SplitTopLevel(const std::string& s) {
  std::vector<std::string> parts;
  int depth = 0;
  std::string cur;
  for (char c : s) {
    if (c == '<' || c == '(') ++depth;
    if (c == '>' || c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

std::map<std::string, std::string> ParseWith(const std::string& with) {
  std::map<std::string, std::string> props;
  std::regex kv(R"(\s*([A-Za-z_]+)\s*=\s*'?([^',]*)'?\s*)");
  for (const std::string& part : SplitTopLevel(with)) {
    std::smatch m;
    if (std::regex_match(part, m, kv)) props[absl::AsciiStrToUpper(m[1].str())] = m[2].str();
  }
  return props;
}

struct Side {
  std::string format;
  FormatOptions options;
};

Side MakeSide(const std::map<std::string, std::string>& props, bool key, const Side* inherit) {
  Side side;
  side.options.is_key = key;
  if (inherit != nullptr) side = *inherit;
  std::string inherited = side.format;
  if (props.count("FORMAT")) side.format = props.at("FORMAT");
  const char* fmt_prop = key ? "KEY_FORMAT" : "VALUE_FORMAT";
  if (props.count(fmt_prop)) side.format = props.at(fmt_prop);
  // A sink that switches format does not inherit the source's format-specific properties.
  if (absl::AsciiStrToUpper(side.format) != inherited) side.options.properties.clear();
  if (side.format.empty()) side.format = key ? "KAFKA" : "JSON";
  const char* delim = key ? "KEY_DELIMITER" : "VALUE_DELIMITER";
  if (props.count(delim)) side.options.properties["DELIMITER"] = props.at(delim);
  if (!key && props.count("WRAP_SINGLE_VALUE")) {
    side.options.properties["WRAP_SINGLE_VALUE"] = props.at("WRAP_SINGLE_VALUE");
  }
  side.format = absl::AsciiStrToUpper(side.format);
  return side;
}

// The bytes a qtt record field stands for in `format`; nullopt for JSON null.
std::optional<std::string> RecordBytes(simdjson::dom::element e, const std::string& format) {
  if (e.is_null()) return std::nullopt;
  if (format == "DELIMITED" && e.is_string()) return std::string(std::string_view(e));
  return simdjson::minify(e);
}

TEST(ConformanceTest, PassThroughCasesMatchKsql) {
  std::filesystem::path dir = QttDir();
  if (dir.empty()) GTEST_SKIP() << "no conformance files";
  std::regex create(R"(CREATE STREAM INPUT \((.*)\) WITH \((.*)\);)", std::regex::icase);
  std::regex sink(R"(CREATE STREAM OUTPUT(?: WITH ?\((.*)\))? AS SELECT \* FROM INPUT;)",
                  std::regex::icase);
  int cases = 0, records = 0;
  for (const char* file : {"json.json", "delimited.json"}) {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    ASSERT_EQ(parser.load((dir / file).string()).get(root), simdjson::SUCCESS) << file;
    for (simdjson::dom::element test : root["tests"].get_array()) {
      std::string name{std::string_view(test["name"])};
      simdjson::dom::array stmts;
      if (test["statements"].get(stmts) || stmts.size() != 2) continue;
      std::string s0{std::string_view(stmts.at(0))}, s1{std::string_view(stmts.at(1))};
      std::smatch m0, m1;
      if (!std::regex_match(s0, m0, create) || !std::regex_match(s1, m1, sink)) continue;
      if (test["expectedException"].error() == simdjson::SUCCESS) continue;
      if (test["properties"].error() == simdjson::SUCCESS) continue;
      std::vector<Column> keys, values;
      bool ok = true;
      for (const std::string& def : SplitTopLevel(m0[1].str())) {
        TypeParser p(def);
        std::string col;
        SqlType type;
        if (!p.Name(&col) || !p.Parse(&type)) {
          ok = false;
          break;
        }
        std::string rest = p.Rest();
        bool is_key = rest == "KEY" || rest == "PRIMARY KEY";
        (is_key ? keys : values).push_back(Col(col, type));
      }
      if (!ok) continue;
      auto in_props = ParseWith(m0[2].str());
      auto out_props = ParseWith(m1[1].str());
      Side in_key = MakeSide(in_props, true, nullptr), in_val = MakeSide(in_props, false, nullptr);
      // The sink inherits the source's formats unless the CSAS overrides them.
      Side out_key = MakeSide(out_props, true, &in_key);
      Side out_val = MakeSide(out_props, false, &in_val);
      if (!out_props.count("WRAP_SINGLE_VALUE"))
        out_val.options.properties.erase("WRAP_SINGLE_VALUE");
      auto ik = MakeFormat(in_key.format, keys, in_key.options);
      auto iv = MakeFormat(in_val.format, values, in_val.options);
      auto ok_ = MakeFormat(out_key.format, keys, out_key.options);
      auto ov = MakeFormat(out_val.format, values, out_val.options);
      if (!ik.ok() || !iv.ok() || !ok_.ok() || !ov.ok()) {
        ADD_FAILURE() << name << ": " << ik.status() << iv.status() << ok_.status() << ov.status();
        continue;
      }
      simdjson::dom::array inputs, outputs;
      if (test["inputs"].get(inputs) || test["outputs"].get(outputs)) continue;
      if (inputs.size() != outputs.size()) continue;  // filtered cases
      ++cases;
      for (size_t r = 0; r < inputs.size(); ++r) {
        simdjson::dom::element in = inputs.at(r), out = outputs.at(r);
        for (int part = 0; part < 2; ++part) {
          Format& src = part == 0 ? **ik : **iv;
          Format& dst = part == 0 ? **ok_ : **ov;
          const char* field = part == 0 ? "key" : "value";
          simdjson::dom::element ie, oe;
          bool has_in = in[field].get(ie) == simdjson::SUCCESS;
          bool has_out = out[field].get(oe) == simdjson::SUCCESS;
          if (!has_in || !has_out) continue;
          auto in_bytes = RecordBytes(ie, part == 0 ? in_key.format : in_val.format);
          auto out_bytes = RecordBytes(oe, part == 0 ? out_key.format : out_val.format);
          std::vector<Value> got(src.columns().size()), want(dst.columns().size());
          auto g =
              src.Decode(in_bytes ? std::optional<std::string_view>(*in_bytes) : std::nullopt, got);
          auto w = dst.Decode(
              out_bytes ? std::optional<std::string_view>(*out_bytes) : std::nullopt, want);
          ASSERT_TRUE(g.ok()) << name << " input " << r << ": " << g.status();
          ASSERT_TRUE(w.ok()) << name << " output " << r << ": " << w.status();
          EXPECT_EQ(got, want) << name << " record " << r << " " << field;
          std::string enc;
          auto e = dst.Encode(got, &enc);
          ASSERT_TRUE(e.ok()) << name << ": " << e.status();
          if (*e == RecordKind::kNull) {
            EXPECT_FALSE(out_bytes.has_value() && *w == RecordKind::kPresent &&
                         !dst.columns().empty())
                << name << " record " << r << " " << field << ": encoded null";
            continue;
          }
          std::vector<Value> again(dst.columns().size());
          ASSERT_TRUE(dst.Decode(enc, again).ok()) << name << ": " << enc;
          EXPECT_EQ(again, want) << name << " record " << r << " " << field << " wrote " << enc;
          ++records;
        }
      }
    }
  }
  EXPECT_GT(cases, 10);
  RecordProperty("cases", cases);
  std::cout << "conformance: " << cases << " cases, " << records << " record parts\n";
}

}  // namespace
}  // namespace skein::serde
