#include "common/utf8.h"

#include <gtest/gtest.h>

namespace c2audit {
namespace {

using std::string_view_literals::operator""sv;

TEST(Utf8, AcceptsWellFormedText) {
  for (auto text : {""sv, "plain /etc/passwd"sv, "caf\xc3\xa9"sv, "\xe2\x82\xac"sv,
                    "\xf0\x9f\x94\x92"sv, "\xf4\x8f\xbf\xbf"sv, "\xed\x9f\xbf"sv}) {
    EXPECT_TRUE(is_utf8(text)) << text;
  }
}

TEST(Utf8, RefusesWhatJsonCannotCarry) {
  for (auto text : {"\xff"sv, "\xfe\xff"sv,
                    "\xc0\xaf"sv,          // overlong '/'
                    "\xe0\x80\xaf"sv,      // overlong, 3 bytes
                    "\xed\xa0\x80"sv,      // a surrogate
                    "\xf4\x90\x80\x80"sv,  // past U+10FFFF
                    "caf\xc3"sv,           // cut short
                    "\xe2\x82"sv, "\x80"sv, "a\xc3(b"sv}) {
    EXPECT_FALSE(is_utf8(text)) << testing::PrintToString(std::string(text));
  }
}

}  // namespace
}  // namespace c2audit
