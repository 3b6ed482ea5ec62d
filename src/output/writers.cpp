#include "output/writers.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/strings.h"

namespace splinter::output {

bool parse_format(const std::string& s, Format& out) {
  std::string l = to_lower(s);
  if (l == "table") return out = Format::Table, true;
  if (l == "json" || l == "jsonl") return out = Format::Json, true;
  if (l == "csv") return out = Format::Csv, true;
  return false;
}

std::string json_quote(std::string_view s) {
  // Output must be valid JSON even when a log held invalid UTF-8 (values are kept
  // byte for byte for matching; only the JSON text replaces bad bytes with U+FFFD).
  std::string fixed;
  if (utf8_repair(s, fixed)) s = fixed;
  std::string o;
  o.reserve(s.size() + 2);
  append_json_string(o, s);
  return o;
}

static std::string json_value(const Value& v) {
  switch (v.type) {
    case Value::Type::Null: return "null";
    case Value::Type::Num: return v.text();  // a time keeps its exact microseconds
    case Value::Type::Str: return json_quote(v.str);
    case Value::Type::Multi: {
      std::string o = "[";
      for (size_t i = 0; i < v.multi.size(); ++i) {
        if (i) o += ',';
        o += json_quote(v.multi[i]);
      }
      return o + "]";
    }
  }
  return "null";
}

static std::string json_strings(const std::vector<std::string>& xs) {
  std::string o = "[";
  for (size_t i = 0; i < xs.size(); ++i) {
    if (i) o += ',';
    o += json_quote(xs[i]);
  }
  return o + "]";
}

static std::string cell(const Value* v) {
  if (!v) return "";
  auto xs = v->texts();
  std::string o;
  for (size_t i = 0; i < xs.size(); ++i) o += (i ? "\n" : "") + xs[i];
  return o;
}

static std::vector<std::string> columns_of(const std::vector<Row>& rows) {
  std::vector<std::string> cols;
  for (auto& r : rows)
    for (auto& [n, v] : r.fields)
      if (std::find(cols.begin(), cols.end(), n) == cols.end()) cols.push_back(n);
  return cols;
}

static std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) o += c == '"' ? std::string("\"\"") : std::string(1, c);
  return o + "\"";
}

// Log values are attacker-controlled: on a terminal, control characters (C0, DEL and
// the C1 range, which includes CSI) could move the cursor, clear the screen or forge
// lines. The table shows them as \xNN (JSON and CSV escape or quote them instead).
static std::string printable(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\t' || c == '\n' || c == '\r') o += ' ';
    else if (c < 0x20 || c == 0x7f) o += fmt::format("\\x{:02x}", c);
    else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
             static_cast<unsigned char>(s[i + 1]) <= 0x9f)
      o += fmt::format("\\u{:04x}", static_cast<unsigned char>(s[++i]));
    else o += static_cast<char>(c);
  }
  return o;
}

// No risk configuration at all (an ad-hoc --spl search): no risk columns or lines.
static bool has_risk(const content::Detection& d) { return d.score() > 0 || !d.message.empty(); }

// Display width in terminal columns (UTF-8 code points; good enough for logs).
static size_t width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

static void write_table(std::ostream& out, const engine::DetectionResult& dr) {
  const auto& d = *dr.detection;
  out << "== " << d.name << "  [" << d.id << "]";
  if (has_risk(d)) out << "  risk " << format_number(d.score());
  if (!d.mitre_attack_ids.empty()) {
    out << "  ATT&CK";
    for (auto& m : d.mitre_attack_ids) out << ' ' << m;
  }
  out << "\n";
  if (dr.rows.empty()) {
    out << "   (no results)\n\n";
    return;
  }
  auto cols = columns_of(dr.rows);
  const size_t kMax = 60;  // long command lines are cut in the table; JSON/CSV keep them whole
  std::vector<size_t> w(cols.size());
  for (size_t i = 0; i < cols.size(); ++i) w[i] = width(printable(cols[i]));
  std::vector<std::vector<std::string>> cells;
  for (auto& r : dr.rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < cols.size(); ++i) {
      std::string s = printable(cell(r.get(cols[i])));
      if (width(s) > kMax) {
        size_t cut = 0, n = 0;
        while (cut < s.size() && n < kMax - 3) {
          ++cut;
          while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
          ++n;
        }
        s = s.substr(0, cut) + "...";
      }
      w[i] = std::max(w[i], width(s));
      line.push_back(std::move(s));
    }
    cells.push_back(std::move(line));
  }
  auto row_out = [&](const std::vector<std::string>& xs) {
    for (size_t i = 0; i < xs.size(); ++i) {
      out << (i ? " | " : "") << xs[i];
      if (i + 1 < xs.size()) out << std::string(w[i] - width(xs[i]), ' ');
    }
    out << "\n";
  };
  std::vector<std::string> heads;
  for (auto& c : cols) heads.push_back(printable(c));
  row_out(heads);
  for (size_t i = 0; i < cols.size(); ++i) out << (i ? "-+-" : "") << std::string(w[i], '-');
  out << "\n";
  for (auto& l : cells) row_out(l);
  if (!d.message.empty())
    for (auto& r : dr.rows) out << "   risk: " << printable(render_message(d.message, r)) << "\n";
  out << "\n";
}

void write_rows(std::ostream& out, const engine::HuntResult& r, Format f) {
  if (f == Format::Table) {
    // A whole content tree runs a thousand detections: list only those with results.
    const bool all_sections = r.results.size() <= 20;
    size_t quiet = 0;
    for (auto& dr : r.results) {
      if (!dr.error.empty()) continue;
      if (dr.rows.empty() && !all_sections) ++quiet;
      else write_table(out, dr);
    }
    if (quiet) out << quiet << " other detection(s) ran without results\n";
    return;
  }
  if (f == Format::Json) {
    for (auto& dr : r.results) {
      const auto& d = *dr.detection;
      for (auto& row : dr.rows) {
        std::string o = "{";
        bool first = true;
        for (auto& [n, v] : row.fields) {
          o += (first ? "" : ", ") + json_quote(n) + ": " + json_value(v);
          first = false;
        }
        o += std::string(first ? "" : ", ") + "\"detection\": " + json_quote(d.name);
        o += ", \"detection_id\": " + json_quote(d.id);
        // A row's own field wins over the detection's risk metadata of the same name:
        // Correlation searches over the Risk data model give rows a summed risk_score
        // (and values of risk_message), and a JSON object must not repeat a key.
        if (has_risk(d)) {
          if (!row.get("risk_score")) o += ", \"risk_score\": " + format_number(d.score());
          if (!row.get("risk_message")) o += ", \"risk_message\": " + json_quote(render_message(d.message, row));
          if (!row.get("mitre_attack_id")) o += ", \"mitre_attack_id\": " + json_strings(d.mitre_attack_ids);
        }
        out << o << "}\n";
      }
    }
    return;
  }
  // CSV: one header per detection block would be awkward to consume; use the union
  // of all columns plus the detection name.
  std::vector<Row> all;
  bool any_ran = false;
  for (auto& dr : r.results) {
    any_ran |= dr.error.empty();
    for (auto& row : dr.rows) all.push_back(row);
  }
  if (!any_ran) return;  // nothing compiled: no header that would read as "no results"
  auto cols = columns_of(all);
  out << "detection";
  for (auto& c : cols) out << ',' << csv_cell(c);
  bool risk = false;
  for (auto& dr : r.results) risk |= has_risk(*dr.detection);
  // As in JSON, a row's own risk_score or risk_message (a Correlation search's) wins;
  // the column is then shared, and rows without the field get the detection's value.
  const bool score_col = risk && std::find(cols.begin(), cols.end(), "risk_score") == cols.end();
  const bool message_col = risk && std::find(cols.begin(), cols.end(), "risk_message") == cols.end();
  out << (score_col ? ",risk_score" : "") << (message_col ? ",risk_message" : "") << "\n";
  for (auto& dr : r.results) {
    const auto& d = *dr.detection;
    const bool dr_risk = has_risk(d);
    for (auto& row : dr.rows) {
      out << csv_cell(d.name);
      for (auto& c : cols) {
        const Value* v = row.get(c);
        if (!v && dr_risk && c == "risk_score") out << ',' << format_number(d.score());
        else if (!v && dr_risk && c == "risk_message") out << ',' << csv_cell(render_message(d.message, row));
        else out << ',' << csv_cell(cell(v));
      }
      if (score_col) out << ',' << format_number(d.score());
      if (message_col) out << ',' << csv_cell(render_message(d.message, row));
      out << "\n";
    }
  }
}

void write_risk_events(std::ostream& out, const engine::HuntResult& r) {
  for (auto& dr : r.results)
    engine::for_each_risk_event(dr, [&](const engine::RiskEvent& ev) {
      const auto& d = *ev.detection;
      std::string o = "{";
      // _time, source and calculated_risk_score as the risk index and Risk data model name
      // them, so a timeline can be built from this file alone.
      if (const int64_t t = engine::risk_time_us(*ev.row); t != io::kNoTime)
        o += "\"_time\": " + json_value(Value::of_time_us(t)) + ", ";
      o += "\"search_name\": " + json_quote(d.search_name());
      o += ", \"source\": " + json_quote(d.search_name());
      o += ", \"detection_id\": " + json_quote(d.id);
      o += ", \"risk_object\": " + json_quote(ev.risk_object);
      o += ", \"risk_object_type\": " + json_quote(ev.entity->type);
      o += ", \"risk_object_field\": " + json_quote(ev.entity->field);
      o += ", \"risk_score\": " + format_number(ev.score);
      o += ", \"calculated_risk_score\": " + format_number(ev.score);  // no risk factors in splinter
      o += ", \"risk_message\": " + json_quote(*ev.message);
      o += ", \"threat_object\": " + json_strings(*ev.threat_values);
      o += ", \"threat_object_type\": " + json_strings(*ev.threat_types);
      const std::string techniques = json_strings(d.mitre_attack_ids);
      o += ", \"annotations.mitre_attack\": " + techniques;
      o += ", \"annotations.mitre_attack.mitre_technique_id\": " + techniques;
      o += ", \"analyticstories\": " + json_strings(d.analytic_stories);
      for (const char* t : {"firstTime", "lastTime", "count"})
        if (const Value* tv = ev.row->get(t)) o += std::string(", \"") + t + "\": " + json_value(*tv);
      out << o << "}\n";
    });
}

void write_input_errors(std::ostream& out, const engine::HuntResult& r) {
  uint64_t shown = 0;
  for (auto& p : r.problems)
    if (!p.warning) {
      ++shown;
      out << fmt::format("splinter: error: {}{} @{}: {}\n", p.file, p.line ? fmt::format(":{}", p.line) : std::string(),
                         p.offset, p.what);
    }
  if (r.problems_total > shown) out << fmt::format("splinter: ... {} more input error(s)\n", r.problems_total - shown);
}

void write_summary(std::ostream& out, const engine::HuntResult& r, bool verbose) {
  uint64_t read = 0, parsed = 0, rejected = 0, bytes = 0, failed = 0, skipped = 0, recovered = 0;
  for (auto& f : r.files) {
    read += f.read, parsed += f.parsed, rejected += f.rejected, bytes += f.bytes, recovered += f.recovered;
    failed += f.failed;
    skipped += f.skipped;
  }
  out << fmt::format("splinter: {} file(s), {:.1f} MB; events read {}, parsed {}, rejected {}; {} mapped to CIM\n",
                     r.files.size() - skipped, static_cast<double>(bytes) / 1e6, read, parsed, rejected,
                     r.counters.routed);
  if (recovered)
    out << fmt::format("  {} event(s) recovered from EVTX slack space (--carve), marked {}=true\n",
                       recovered, io::kRecoveredField);
  if (failed) out << fmt::format("  {} file(s) could not be read (see the errors below)\n", failed);
  if (skipped)
    out << fmt::format("  {} file(s) in the directories given were not logs and were skipped{}\n", skipped,
                       verbose ? "" : " (-v names them)");
  if (r.files.size() == skipped) out << "  warning: no log files found in the paths given\n";
  if (r.counters.no_time)
    out << fmt::format("  warning: {} event(s) had no readable time (empty _time, firstTime/lastTime)\n",
                       r.counters.no_time);
  for (auto& f : r.files)
    if (f.skipped && verbose) out << fmt::format("  {}: not a log (no EVTX, XML, WinEventLog or JSON records); skipped\n", f.path);
  for (auto& f : r.files)
    if (!f.skipped && (verbose || f.rejected || f.failed))
      out << fmt::format("  {} [{}]: read {}, parsed {}, rejected {}{}{}\n", f.path, io::format_name(f.format), f.read,
                         f.parsed, f.rejected,
                         f.recovered ? fmt::format(", {} recovered from slack", f.recovered) : std::string(),
                         f.failed ? ", FAILED" : "");
  for (auto& p : r.problems)
    out << fmt::format("  {}: {}{}{}: {}\n", p.warning ? "warning" : "error", p.file,
                       p.line ? fmt::format(":{}", p.line) : std::string(), fmt::format(" @{}", p.offset), p.what);
  uint64_t shown = r.problems.size();
  if (r.problems_total + r.warnings_total > shown)
    out << fmt::format("  ... {} more problem(s) not shown\n", r.problems_total + r.warnings_total - shown);
  size_t ok = 0, bad = 0;
  for (auto& dr : r.results) (dr.error.empty() ? ok : bad)++;
  out << fmt::format("detections: {} run, {} not compiled\n", ok, bad);
  for (auto& dr : r.results) {
    if (!dr.error.empty()) {
      if (verbose || r.results.size() <= 20) out << "  " << dr.error << "\n";
      continue;
    }
    // Incomplete results are always said, whatever else is left out.
    const bool incomplete = dr.dropped_groups || dr.regex_limit_hits;
    if (verbose || !dr.rows.empty() || r.results.size() <= 20 || incomplete)
      out << fmt::format("  {}: {} row(s) from {} matching event(s)\n", dr.detection->name, dr.rows.size(),
                         dr.matched_events);
    if (verbose) {
      for (auto& w : dr.warnings) out << "    note: " << w << "\n";
      continue;
    }
    if (dr.dropped_groups)
      out << fmt::format("    warning: results incomplete, {} event(s) not aggregated (group limit)\n", dr.dropped_groups);
    if (dr.regex_limit_hits)
      out << fmt::format("    warning: results may be incomplete, {} regex match(es) gave up at PCRE2's backtracking "
                         "limit (counted as no match)\n",
                         dr.regex_limit_hits);
  }
  if (bad && !verbose && r.results.size() > 20) out << "  (--verbose lists the detections not compiled and why)\n";
  for (auto& e : r.content_errors) out << "  content error: " << e << "\n";
  out << fmt::format("elapsed {:.3f} s\n", r.elapsed_seconds);
}

}  // namespace splinter::output
