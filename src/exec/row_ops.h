// Row commands over structured text and field values (spath, xmlkv, fromjson, replace,
// addtotals): made from the raw argument text the parser keeps for them. Each factory
// throws spl::Error (position in the search) for an option it does not support.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "exec/plan.h"

namespace splinter::exec {

// args: the command's argument text; args_pos: its offset in the search.
std::unique_ptr<RowOp> make_spath(const std::string& args, size_t args_pos, std::vector<std::string>& warnings);
std::unique_ptr<RowOp> make_xmlkv(const std::string& args, size_t args_pos, std::vector<std::string>& warnings);
std::unique_ptr<RowOp> make_fromjson(const std::string& args, size_t args_pos);
std::unique_ptr<RowOp> make_replace(const std::string& args, size_t args_pos);
std::unique_ptr<RowOp> make_addtotals(const std::string& args, size_t args_pos);
std::unique_ptr<RowOp> make_transaction(const std::string& args, size_t args_pos);

// span=<int><unit> (s, m, h, d and their long forms) in microseconds; throws spl::Error at pos.
int64_t parse_span(const std::string& s, size_t pos);

}  // namespace splinter::exec
