// Detections in security_content's YAML format, the macros they use, and their
// compilation (macro expansion -> parse -> plan) with errors that name the detection.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "exec/lookup.h"
#include "exec/plan.h"
#include "spl/ast.h"
#include "spl/macros.h"

namespace splinter::content {

struct Observable {
  std::string name;   // result field
  std::string type;   // User, Hostname, Process, ...
  std::vector<std::string> roles;  // Victim, Attacker
};

struct RiskEntity {    // rba.risk_objects / rba.threat_objects, or derived from observables
  std::string field;   // result field holding the entity
  std::string type;    // system, user, other / process_name, file_name, url, ...
  double score = 0;
};

struct Detection {
  std::string name, id, type, status, description, search, file;
  double impact = -1, confidence = -1, risk_score = -1;
  std::string message;
  std::vector<std::string> mitre_attack_ids, analytic_stories;
  std::vector<Observable> observables;
  std::vector<RiskEntity> risk_objects, threat_objects;

  // The score a risk event gets: rba score, else tags.risk_score, else impact x confidence / 100.
  double score() const;
  // Whether ESCU's deployment sends risk events for it (TTP, Anomaly, Correlation; not Hunting).
  bool creates_risk() const;
  // search_name as Enterprise Security shows it: "ESCU - <name> - Rule".
  std::string search_name() const { return "ESCU - " + name + " - Rule"; }
  // "<name in snake case>_filter", the macro security_content appends to every search.
  std::string filter_macro() const;
};

struct ContentError {
  std::string where;  // file
  std::string what;
};

struct Content {
  std::vector<Detection> detections;
  spl::MacroTable macros;
  exec::LookupCatalog lookups;       // lookups/*.yml of a content checkout
  std::vector<ContentError> errors;  // files that could not be read
};

// Built-in seed detection and macros.
void load_builtin(Content& c);
size_t builtin_detection_count();
// A security_content checkout: detections/**/*.yml (deprecated/ skipped), macros/*.yml,
// lookups/*.yml.
void load_content_dir(const std::string& dir, Content& c);
// One detection YAML file (replaces the detection list when picked by file).
bool load_detection_file(const std::string& path, Content& c);
// User macros: YAML (one macro, or a list of them) or Splunk macros.conf stanzas.
bool load_macros_file(const std::string& path, Content& c);
// Adds "<detection>_filter" = "search *" for detections whose filter macro is not
// defined, as security_content's build does.
void add_default_filters(Content& c);

struct CompiledDetection {
  const Detection* detection = nullptr;
  std::string expanded;  // search after macro expansion
  spl::Pipeline pipeline;
  std::unique_ptr<exec::Plan> plan;
  std::string error;  // set when compilation failed: names the detection, position, what
};

CompiledDetection compile_detection(const Detection& d, const spl::MacroTable& macros,
                                    const exec::LookupCatalog* lookups = nullptr);

// Finds detections by name (case-insensitive), id, or file name; empty = all.
std::vector<const Detection*> select_detections(const Content& c, const std::vector<std::string>& wanted,
                                                std::vector<std::string>& not_found);

}  // namespace splinter::content
