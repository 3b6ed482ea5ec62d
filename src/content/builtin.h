// Content compiled into the binary (src/content/builtin/*.yml).
#pragma once
#include <string_view>
#include <vector>

namespace splinter::content {

struct BuiltinFile {
  std::string_view name;
  std::string_view text;
};
const std::vector<BuiltinFile>& builtin_files();

}  // namespace splinter::content
