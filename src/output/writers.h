// Result rows and risk events out: a readable table, JSON lines or CSV; risk events
// the way Enterprise Security's risk index holds them; the run summary.
#pragma once
#include <ostream>
#include <string>

#include "engine/hunt.h"
#include "engine/risk.h"

namespace splinter::output {

enum class Format { Table, Json, Csv };
bool parse_format(const std::string& s, Format& out);

// Every result row of every detection. JSON adds detection, detection_id, risk_score,
// risk_message and mitre_attack_id to the row's own fields.
void write_rows(std::ostream& out, const engine::HuntResult& r, Format f);

// One JSON line per (result row, risk object).
void write_risk_events(std::ostream& out, const engine::HuntResult& r);

// Input errors only (records or files lost), for --quiet runs.
void write_input_errors(std::ostream& out, const engine::HuntResult& r);

// Counts per file and per detection, problems, elapsed time (for stderr).
void write_summary(std::ostream& out, const engine::HuntResult& r, bool verbose);

// "$field$" tokens replaced by the row's values (engine/risk.h).
using engine::render_message;

// JSON string literal for s (UTF-8 passed through, control characters escaped).
std::string json_quote(std::string_view s);

}  // namespace splinter::output
