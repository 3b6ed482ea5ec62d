// A compiled search: where its events come from (a tstats scan over a CIM dataset:
// filter + hash aggregation), then the row pipeline that runs on the few aggregated rows.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cim/datamodel.h"
#include "common/value.h"
#include "exec/aggregate.h"
#include "exec/search_predicate.h"
#include "spl/ast.h"

namespace splinter::exec {

// One step of the row pipeline (rename, convert, where, eval, search, table, fields, stats).
class RowOp {
 public:
  virtual ~RowOp() = default;
  virtual void run(std::vector<Row>& rows) = 0;
};

// Field ids for a tstats scan: dataset fields by index, _time as kTimeField.
inline constexpr int kTimeField = -2;

// Raw-event searches ("search sourcetype=... EventCode=1 | stats ..."): field ids index
// this name table; the scanner resolves them against each event.
struct RawFields : public FieldResolver {
  int resolve(std::string_view name) override;
  bool always_true(std::string_view name) override;
  std::vector<std::string> names;
};

struct Plan;

// A subsearch (join [...]): its own plan, fed by the same pass over the events as the
// search that holds it; the engine stores its final rows here before that search's row
// pipeline runs.
// Also a subsearch used as search terms (search [...]): its rows are formatted into the
// filter when that search runs.
struct SubPlan {
  static constexpr size_t kMaxRows = 50'000;  // Splunk's subsearch result limit for join
  std::unique_ptr<Plan> plan;
  std::string text;  // the subsearch's SPL (macros expanded): equal texts give equal rows
  std::string use = "join";  // what reads the rows, for warnings: "join", "search"
  size_t max_rows = kMaxRows;  // search terms: limits.conf [subsearch] maxout, 10,000
  std::vector<Row> rows;
  size_t rows_cut = 0;  // rows beyond max_rows, dropped
  // Keeps the first max_rows rows, as Splunk does.
  void set_rows(std::vector<Row> r);
};

struct Plan {
  // Exactly one source: a tstats scan over a CIM dataset, a raw-event search, or rows
  // known when compiling (| inputlookup): those are not scanned.
  const cim::Dataset* dataset = nullptr;  // tstats from datamodel=...
  bool raw_search = false;                // leading search over raw events
  bool generated = false;                 // | inputlookup ...: rows below, no scan
  std::vector<Row> generated_rows;
  RawFields raw_fields;
  size_t max_raw_rows = 2'000'000;        // memory guard for events kept by a raw search
  SearchPredicate where;
  // The data model's own constraints on the dataset (and its parents): an event is in
  // the dataset only if all hold. They read the same CIM fields as `where`.
  std::vector<SearchPredicate> constraints;
  GroupSpec group;
  std::vector<std::unique_ptr<RowOp>> ops;
  std::vector<std::string> warnings;  // e.g. a field splinter's CIM tables do not map
  uint64_t regex_limit_hits = 0;      // regex evaluations that gave up (counted as no match)
  std::vector<std::unique_ptr<SubPlan>> subplans;  // join subsearches, in command order
};

// Every subsearch plan under plan, nested ones before the subsearch that holds them (the
// order their rows must be computed in).
void collect_subplans(Plan& plan, std::vector<SubPlan*>& out);

class LookupCatalog;

// Compiles a parsed pipeline. Throws spl::Error (with position in the expanded text)
// naming what is unsupported. `lookups` resolves the lookup command's tables (none: a
// lookup is an error); its tables are read here, once per catalog.
std::unique_ptr<Plan> compile_plan(const spl::Pipeline& p, const LookupCatalog* lookups = nullptr);

// Runs the row pipeline over the aggregated rows.
std::vector<Row> run_row_ops(Plan& plan, std::vector<Row> rows);

}  // namespace splinter::exec
