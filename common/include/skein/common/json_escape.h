#pragma once

// JSON string escaping shared by the JSON format (data path), the `skein test` engine and the
// test-file loaders. Stateless and thread-safe.

#include <string>
#include <string_view>

namespace skein {

// Appends `text` escaped for use inside a JSON string literal (no quotes): '"' and '\' get a
// backslash, \n \r \t \b \f their short forms, other control characters below 0x20 \u00XX with
// upper-case hex (as Jackson writes them). Every other byte, including UTF-8 sequences, is
// copied unchanged. Runs that need no escaping are copied in one append.
void AppendJsonEscaped(std::string_view text, std::string* out);

// Appends `text` as a JSON string literal: '"', AppendJsonEscaped(text), '"'.
void AppendJsonString(std::string_view text, std::string* out);

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view text);

}  // namespace skein
