// SPL front end: macro expansion (a small table shaped like security_content's,
// including hostile nesting and blow-up macros) then the pipeline parser; also the
// two expression grammars directly. spl::Error is the only acceptable failure.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "spl/ast.h"
#include "spl/macros.h"
#include "spl/parser.h"

namespace {

const splinter::spl::MacroTable& table() {
  static const splinter::spl::MacroTable t = [] {
    splinter::spl::MacroTable m;
    m.add({"security_content_summariesonly", {},
           "summariesonly=`summariesonly_config` allow_old_summaries=`oldsummaries_config` "
           "fillnull_value=`fillnull_config`",
           "fuzz"});
    m.add({"summariesonly_config", {}, "false", "fuzz"});
    m.add({"oldsummaries_config", {}, "true", "fuzz"});
    m.add({"fillnull_config", {}, "null", "fuzz"});
    m.add({"process_regsvr32", {}, "(Processes.process_name=regsvr32.exe OR Processes.original_file_name=REGSVR32.EXE)",
           "fuzz"});
    m.add({"security_content_ctime", {"field"}, "convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)", "fuzz"});
    m.add({"drop_dm_object_name", {"field"}, "rename $field$.* AS *", "fuzz"});
    m.add({"sysmon", {}, "source=XmlWinEventLog:Microsoft-Windows-Sysmon/Operational", "fuzz"});
    m.add({"wineventlog_security", {}, "source=XmlWinEventLog:Security", "fuzz"});
    m.add({"x_filter", {}, "search *", "fuzz"});
    m.add({"empty", {}, "", "fuzz"});
    m.add({"pipe", {}, "| where a=1 | eval b=\"`x`\"", "fuzz"});
    m.add({"two", {"a", "b"}, "$a$=$b$ OR $b$=$a$", "fuzz"});
    m.add({"loop", {}, "x `loop2`", "fuzz"});
    m.add({"loop2", {}, "y `loop`", "fuzz"});
    // Blow-up chains: each level doubles its argument or its output.
    for (int i = 1; i < 12; ++i)
      m.add({"d" + std::to_string(i), {"x"}, "`d" + std::to_string(i + 1) + "($x$$x$)`", "fuzz"});
    m.add({"d12", {"x"}, "$x$", "fuzz"});
    m.add({"b0", {}, "aaaaaaaaaaaaaaaa", "fuzz"});
    m.add({"b1", {}, "`b0``b0``b0``b0``b0``b0``b0``b0`", "fuzz"});
    m.add({"b2", {}, "`b1``b1``b1``b1``b1``b1``b1``b1`", "fuzz"});
    m.add({"b3", {}, "`b2``b2``b2``b2``b2``b2``b2``b2`", "fuzz"});
    return m;
  }();
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace splinter::spl;
  if (size > 64 * 1024) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ExpandLimits limits;
  limits.max_depth = 20;
  limits.max_output = 64 * 1024;
  try {
    std::string expanded = expand_macros(text, table(), limits);
    Pipeline p = parse_pipeline(expanded);
    (void)p;
  } catch (const Error&) {
  }
  try {
    ExprPtr e = parse_search_expression(text);
    if (e) (void)to_string(*e);
  } catch (const Error&) {
  }
  try {
    ExprPtr e = parse_eval_expression(text);
    if (e) (void)to_string(*e);
  } catch (const Error&) {
  }
  return 0;
}
