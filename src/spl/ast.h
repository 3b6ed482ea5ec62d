// SPL abstract syntax: a pipeline of commands; expressions shared by the two
// expression languages (search semantics and eval semantics), told apart by the
// command that holds them.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace splinter::spl {

// Byte range in the (macro-expanded) search text.
struct Span {
  uint32_t begin = 0;
  uint32_t end = 0;
};

// A compile-time error: what is wrong and where (offset in the text that was parsed).
class Error : public std::runtime_error {
 public:
  Error(std::string msg, size_t pos) : std::runtime_error(std::move(msg)), pos(pos) {}
  size_t pos;
};

enum class ExprKind {
  // Leaves
  Literal,  // text = value (quotes removed, escapes \" \\ resolved); quoted/number flags
  Field,    // text = field name ('single quoted' names unquoted)
  // Search semantics (tstats where, search):
  Term,     // bare term, text = value with wildcards (matched against _raw / any field)
  Compare,  // text = "=", "!=", "<", "<=", ">", ">="; args = {Field, Literal}; value may hold '*'
  In,       // args = {Field, Literal...}; in eval: {expr, expr...}
  // Both languages:
  And,      // args = 2+ operands
  Or,       // args = 2+ operands
  Not,      // args = {operand}
  // Eval semantics (where, eval):
  Call,     // text = function name as written (lookup is case-insensitive); args
  Binary,   // text = "+", "-", "*", "/", "%", ".", "=", "==", "!=", "<", "<=", ">", ">=", "LIKE", "XOR"
  Negate,   // unary minus; args = {operand}
  // Search semantics: a [subsearch] standing for its formatted results; text = the
  // text between the brackets, subsearch = its parsed pipeline.
  Subsearch,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;
struct Pipeline;

struct Expr {
  ExprKind kind = ExprKind::Literal;
  std::string text;
  bool quoted = false;  // Literal: was a quoted string
  bool number = false;  // Literal: unquoted numeric literal (num holds it)
  double num = 0;
  // Search directives on a term or value (Splunk's CASE(x) and TERM(x)): match case-
  // sensitively; match as one term bounded by major breakers only (minor breakers such
  // as '.' or '-' inside it).
  bool case_sensitive = false;
  bool whole_term = false;
  std::vector<ExprPtr> args;
  Span span;
  std::shared_ptr<Pipeline> subsearch;  // Subsearch: positions inside point into the whole text
};

// One aggregation in stats/tstats: func(field) [as alias]. count has an empty field.
struct Aggregation {
  std::string func;   // lower case: count, min, max, values, dc, distinct_count, earliest, latest, sum, avg, ...
  std::string field;  // may be empty for count
  std::string alias;  // output name; when empty the parser fills Splunk's default ("count", "min(field)")
  bool alias_given = false;  // written with AS (Splunk requires it for an eval() argument)
  // func(eval(<expr>)) in stats/tstats: the expression (eval semantics); field keeps the
  // text as written. Null for a plain field.
  ExprPtr eval;
  Span span;
};

struct TstatsCommand {
  std::vector<std::pair<std::string, std::string>> options;  // summariesonly=false, fillnull_value=null, ...
  std::vector<Aggregation> aggregations;
  std::string datamodel;  // "Endpoint.Processes" (text after datamodel=)
  std::string nodename;   // from "where nodename=X" if given
  ExprPtr where;          // search semantics; null = everything
  std::vector<std::string> by;
  std::string span;       // by ... span=1h
  size_t span_pos = 0;    // offset of span=, for errors
};

struct StatsCommand {  // stats / eventstats / streamstats share this shape
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<size_t> option_pos;  // offset of each option's name, for errors
  size_t span_pos = 0;  // offset of a by-clause span=, for errors
  std::vector<Aggregation> aggregations;
  std::vector<std::string> by;
};

struct RenameCommand {
  std::vector<std::pair<std::string, std::string>> renames;  // from -> to, may hold '*'
};

struct ConvertFunction {
  std::string func;   // ctime, mktime, dur2sec, ... (lower case)
  std::string field;  // may hold '*'
  std::string alias;  // empty = in place
};
struct ConvertCommand {
  std::string timeformat;  // empty = Splunk default "%m/%d/%Y %H:%M:%S"
  std::vector<ConvertFunction> functions;
};

struct WhereCommand {
  ExprPtr expr;  // eval semantics
};

struct EvalCommand {
  std::vector<std::pair<std::string, ExprPtr>> assignments;
};

struct SearchCommand {
  ExprPtr expr;  // search semantics; null = match everything (e.g. "search *" or empty)
};

struct FieldsCommand {  // table and fields
  bool remove = false;  // fields - a b
  std::vector<std::string> fields;  // may hold '*'
};

// bin / bucket: [span=<span>] <field> [AS <newname>] (options may come in any order).
struct BinCommand {
  std::string field;
  std::string alias;     // empty = in place
  std::string span;      // as written, e.g. "5m"; never empty after parsing
  size_t span_pos = 0;   // offset of the span value, for errors
};

// rex [field=<f>] [max_match=<n>] ("<regex>" | mode=sed "<sed-expression>")
struct RexCommand {
  std::string field = "_raw";
  int64_t max_match = 1;   // 0 = unlimited
  size_t max_match_pos = 0;
  bool sed = false;        // mode=sed
  std::string pattern;     // decoded text of the quoted argument
  size_t pattern_pos = 0;  // offset of the opening quote
  // The quoted argument as written (without the quotes), so an offset into `pattern`
  // can be mapped back to the text for error positions (\\ and \" are two bytes there).
  std::string pattern_src;
};

// A command the parser knows by name but that has no structured form yet: kept with
// its raw argument text so the compiler can report it as unsupported, with position.
struct OtherCommand {
  std::string args;
};

struct Pipeline;

// join [type=inner|outer|left] [max=<n>] [overwrite=<bool>] [usetime=false] [earlier=<bool>]
//      <field-list> [<subsearch>]; options and fields may come in any order.
struct JoinCommand {
  std::string type = "inner";          // inner, or outer/left (main rows kept without a match); "append": the append command
  int64_t max = 1;                      // matches per main row; 0 = all
  bool overwrite = true;                // subsearch values replace main-row fields of the same name
  std::vector<std::string> fields;      // empty: every field common to both result sets
  std::shared_ptr<Pipeline> subsearch;  // positions inside point into the whole search text
  Span subsearch_span;                  // the text between '[' and ']'
  std::string subsearch_text;           // that text: identical subsearches are run once
};

enum class CommandKind { Tstats, Stats, Rename, Convert, Where, Eval, Search, Table, Fields, Bin, Rex, Join, Other };

struct Command {
  CommandKind kind = CommandKind::Other;
  std::string name;  // lower case, as written
  Span span;         // whole command text
  TstatsCommand tstats;
  StatsCommand stats;
  RenameCommand rename;
  ConvertCommand convert;
  WhereCommand where;
  EvalCommand eval;
  SearchCommand search;
  FieldsCommand fields;
  BinCommand bin;
  RexCommand rex;
  JoinCommand join;
  OtherCommand other;
};

struct Pipeline {
  std::vector<Command> commands;
};

}  // namespace splinter::spl
